import { Backoff } from '@beffroi/runtime/backoff';
import type { ModbusOutcome, ModbusRequest } from './modbus-link';

export type ModbusReadRequest = Extract<ModbusRequest, { kind: 'read' }>;
export type ModbusWriteRequest = Exclude<ModbusRequest, { kind: 'read' }>;
export type WriteOutcome = ModbusOutcome | { ok: false; failure: 'expired' | 'rejected'; reason: string };

export interface SchedulerOptions {
  /** Requests on the wire at once: 1 on a serial line. */
  maxInFlight: number;
  /** Silence kept after each answer before the next request (RTU inter-frame gap). */
  interFrameGapMs: number;
  /** Tries after the first for a request that timed out or came back garbled. */
  retries: number;
  /** Consecutive failed requests after which a unit is declared offline and suspended. */
  offlineAfter: number;
  /** First and longest delay between probes of an offline unit (backoff with jitter in between). */
  probeMinMs: number;
  probeMaxMs: number;
  /** Writes allowed to wait for the bus; beyond, a write is refused at once (never dropped silently). */
  maxQueuedWrites: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  maxInFlight: 1,
  interFrameGapMs: 0,
  retries: 1,
  offlineAfter: 3,
  probeMinMs: 1000,
  probeMaxMs: 30_000,
  maxQueuedWrites: 1000,
};

/** Health of one unit as the scheduler sees it. */
export interface UnitHealth {
  unit: number;
  online: boolean;
  consecutiveFailures: number;
  since: Date;
  reason: string;
}

interface Job<R, O> {
  request: R;
  settle: (outcome: O) => void;
}

interface ReadJob extends Job<ModbusReadRequest, ModbusOutcome> {
  waiters: ((outcome: ModbusOutcome) => void)[];
}

interface WriteJob extends Job<ModbusWriteRequest, WriteOutcome> {
  notAfter: number;
}

interface UnitState {
  online: boolean;
  /** A probe of this offline unit is on its way: others wait for its outcome. */
  probing: boolean;
  consecutiveFailures: number;
  since: number;
  reason: string;
  nextProbeAt: number;
  backoff: Backoff;
}

function readKey(request: ModbusReadRequest): string {
  return `${request.unit}/${request.table}/${request.address}/${request.count}`;
}

/**
 * Orders the requests of one bus: writes before polls, identical polls merged while they wait (so a poll period the
 * bus cannot serve never grows a queue), a bounded number on the wire, a gap after each answer. Tracks each unit:
 * one that stops answering is suspended and probed with backoff, so it costs the others almost nothing.
 */
export class BusScheduler {
  private readonly reads = new Map<string, ReadJob>();
  private readonly writes: WriteJob[] = [];
  private readonly units = new Map<number, UnitState>();
  private inFlight = 0;
  private gapUntil = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private connected = false;
  private stopped = false;
  /** Cleared by {@link stopWaiting}: writes are then sent at once or answered, never kept waiting for the bus. */
  private writesWait = true;

  constructor(
    /** Puts a request on the wire; calls `done` once with its outcome, maybe before returning. */
    private readonly execute: (request: ModbusRequest, done: (outcome: ModbusOutcome) => void) => void,
    private readonly options: SchedulerOptions,
    private readonly onUnitChange: (health: UnitHealth) => void = () => undefined,
  ) {}

  /** Requests waiting for the bus. */
  get queued(): number {
    return this.reads.size + this.writes.length;
  }

  setConnected(connected: boolean): void {
    this.connected = connected;
    if (connected) this.pump();
    else {
      this.failQueuedReads('not connected');
      this.refuseStranded();
    }
    this.armExpiry();
  }

  unitHealth(): UnitHealth[] {
    return [...this.units.entries()].map(([unit, s]) => ({
      unit,
      online: s.online,
      consecutiveFailures: s.consecutiveFailures,
      since: new Date(s.since),
      reason: s.reason,
    }));
  }

  /** Reads now, joining an identical read that is already waiting. Resolves with the outcome, never rejects. */
  read(request: ModbusReadRequest): Promise<ModbusOutcome> {
    return new Promise((resolve) => {
      this.submit(request, resolve);
    });
  }

  /**
   * `read` for the polling path, without a promise per request: `done` is called once with the outcome, maybe before
   * `submit` returns (a bus that is down answers at once).
   */
  submit(request: ModbusReadRequest, done: (outcome: ModbusOutcome) => void): void {
    if (this.stopped) {
      done({ ok: false, failure: 'disconnected', reason: 'bus stopped' });
      return;
    }
    if (!this.connected) {
      done({ ok: false, failure: 'disconnected', reason: 'not connected' });
      return;
    }
    const unit = this.unit(request.unit);
    if (!unit.online && (unit.probing || Date.now() < unit.nextProbeAt)) {
      done({ ok: false, failure: 'offline', reason: `offline: ${unit.reason}` });
      return;
    }
    const key = readKey(request);
    const waiting = this.reads.get(key);
    if (waiting) {
      waiting.waiters.push(done);
      return;
    }
    const job: ReadJob = {
      request,
      waiters: [done],
      settle: (outcome) => {
        for (const waiter of job.waiters) waiter(outcome);
      },
    };
    this.reads.set(key, job);
    this.pump();
  }

  /**
   * Writes before any waiting poll. While the bus is down the write waits for it, until `notAfter`: then it is
   * answered `expired` and never sent (once writes stop waiting, see {@link stopWaiting}, it is answered at once).
   * A write to an offline unit is answered at once, `unit offline`, never sent — unless the unit's probe is due:
   * then the write is the probe, sent once, and answered by what the unit says. Writes waiting behind others when
   * their unit is declared offline are answered the same way.
   */
  write(request: ModbusWriteRequest, notAfter: Date): Promise<WriteOutcome> {
    if (this.stopped) return Promise.resolve({ ok: false, failure: 'rejected', reason: 'bus stopped' });
    if (Date.now() > notAfter.getTime()) {
      return Promise.resolve({ ok: false, failure: 'expired', reason: 'not-after time already passed' });
    }
    if (!this.writesWait && !this.canSendNow(request.unit)) {
      return Promise.resolve({ ok: false, failure: 'rejected', reason: this.strandedReason(request.unit) });
    }
    if (!this.reachable(request.unit)) {
      return Promise.resolve({ ok: false, failure: 'rejected', reason: this.offlineReason(request.unit) });
    }
    if (this.writes.length >= this.options.maxQueuedWrites) {
      return Promise.resolve({
        ok: false,
        failure: 'rejected',
        reason: `write queue full (${this.options.maxQueuedWrites} waiting)`,
      });
    }
    return new Promise((resolve) => {
      this.writes.push({ request, notAfter: notAfter.getTime(), settle: resolve });
      this.armExpiry();
      this.pump();
    });
  }

  /**
   * The gateway is stopping: from now on a write is sent if the bus can take it now, else answered `rejected` (never
   * sent) rather than kept until its not-after time. Writes waiting for the connection or for a unit that does not
   * answer are answered at once; a write whose connection goes away on the wire is answered, not sent again. Requests
   * on the wire end as usual, and the bus stays open for the writes it can take until {@link stop}.
   */
  stopWaiting(): void {
    this.writesWait = false;
    this.refuseStranded();
    this.armExpiry();
  }

  /** Settles everything still waiting; nothing is left unanswered. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.pumpTimer);
    clearTimeout(this.expiryTimer);
    this.failQueuedReads('bus stopped');
    for (const job of this.writes.splice(0)) job.settle({ ok: false, failure: 'rejected', reason: 'bus stopped' });
  }

  private pump(): void {
    if (this.stopped || !this.connected) return;
    this.refuseStranded();
    this.refuseOffline();
    // Reading the clock only where the answer matters: pump runs after every answer.
    const wait = this.options.interFrameGapMs > 0 ? this.gapUntil - Date.now() : 0;
    if (wait > 0) {
      this.pumpTimer ??= setTimeout(() => {
        this.pumpTimer = undefined;
        this.pump();
      }, wait);
      return;
    }
    while (this.inFlight < this.options.maxInFlight) {
      const write = this.writes.length > 0 ? this.nextWrite() : undefined;
      if (write) {
        this.dispatch(write.request, (outcome) => {
          if (!this.unreachable(outcome)) {
            const silent = !outcome.ok && (outcome.failure === 'timeout' || outcome.failure === 'corrupt');
            const offline = silent && !this.unit(write.request.unit).online;
            write.settle(
              offline ? { ok: false, failure: 'rejected', reason: this.offlineReason(write.request.unit) } : outcome,
            );
          } else if (Date.now() > write.notAfter) {
            write.settle({
              ok: false,
              failure: 'expired',
              reason: `not-after time passed, unit unreachable: ${outcome.ok ? '' : outcome.reason}`,
            });
          } else {
            this.writes.unshift(write);
            this.armExpiry();
          }
        });
        continue;
      }
      const next = this.reads.entries().next();
      if (next.done) return;
      const [key, job] = next.value;
      this.reads.delete(key);
      const unit = this.unit(job.request.unit);
      if (this.reachable(job.request.unit)) this.dispatch(job.request, job.settle);
      else job.settle({ ok: false, failure: 'offline', reason: `offline: ${unit.reason}` });
    }
  }

  /** The first waiting write whose unit is worth a request, taken off the queue; expired ones are answered. */
  private nextWrite(): WriteJob | undefined {
    this.expireWrites();
    const index = this.writes.findIndex((job) => this.reachable(job.request.unit));
    return index >= 0 ? this.writes.splice(index, 1)[0] : undefined;
  }

  /** A unit is worth a request when it answers, or when its next probe is due. */
  private reachable(unitId: number): boolean {
    const unit = this.unit(unitId);
    return unit.online || (!unit.probing && Date.now() >= unit.nextProbeAt);
  }

  /**
   * A write whose connection was lost on the wire waits for the bus again until its not-after time: Modbus writes set
   * a value, so sending one twice is harmless, while losing it is not. (A unit gone silent is answered instead.)
   */
  private unreachable(outcome: ModbusOutcome): boolean {
    return !outcome.ok && !this.stopped && this.writesWait && outcome.failure === 'disconnected';
  }

  private offlineReason(unitId: number): string {
    return `unit offline: ${this.unit(unitId).reason}`;
  }

  /** Answers the waiting writes whose unit is offline and not due for a probe: they would only wait. */
  private refuseOffline(): void {
    for (let i = 0; i < this.writes.length;) {
      const job = this.writes[i];
      if (job === undefined || this.reachable(job.request.unit)) {
        i++;
        continue;
      }
      this.writes.splice(i, 1);
      job.settle({ ok: false, failure: 'rejected', reason: this.offlineReason(job.request.unit) });
    }
  }

  private dispatch(request: ModbusRequest, settle: (outcome: ModbusOutcome) => void): void {
    this.inFlight++;
    const unit = this.unit(request.unit);
    // A probe of an offline unit is sent once, without retries: it must cost the others as little as possible.
    const probe = !unit.online;
    unit.probing ||= probe;
    this.attempt(request, probe ? 0 : this.options.retries, (outcome) => {
      this.inFlight--;
      if (probe) unit.probing = false;
      this.record(request.unit, unit, outcome);
      settle(outcome);
      if (this.options.interFrameGapMs > 0) this.gapUntil = Date.now() + this.options.interFrameGapMs;
      this.pump();
    });
  }

  /** Sends `request`, again while it times out or comes back garbled and retries are left; then calls `done`. */
  private attempt(request: ModbusRequest, retriesLeft: number, done: (outcome: ModbusOutcome) => void): void {
    // An answer given before `execute` returns (a link that is down) is taken up as a microtask: carrying on from
    // inside `execute` would run a pump, and requeue writes, inside the pump that is sending this request.
    let returned = false;
    this.execute(request, (outcome) => {
      if (returned) this.attempted(request, retriesLeft, outcome, done);
      else void Promise.resolve().then(() => this.attempted(request, retriesLeft, outcome, done));
    });
    returned = true;
  }

  private attempted(
    request: ModbusRequest,
    retriesLeft: number,
    outcome: ModbusOutcome,
    done: (outcome: ModbusOutcome) => void,
  ): void {
    const retry = !outcome.ok && (outcome.failure === 'timeout' || outcome.failure === 'corrupt');
    if (retry && retriesLeft > 0 && this.connected && !this.stopped) this.attempt(request, retriesLeft - 1, done);
    else done(outcome);
  }

  private record(unitId: number, unit: UnitState, outcome: ModbusOutcome): void {
    const alive = outcome.ok || outcome.failure === 'exception';
    if (alive) {
      unit.consecutiveFailures = 0;
      unit.backoff.reset();
      if (!unit.online) this.changeUnit(unitId, unit, true, 'answering again', Date.now());
      return;
    }
    if (outcome.failure === 'disconnected' || outcome.failure === 'offline') return;
    const now = Date.now();
    unit.consecutiveFailures++;
    if (unit.online && unit.consecutiveFailures >= this.options.offlineAfter) {
      this.changeUnit(unitId, unit, false, outcome.reason, now);
    }
    if (!unit.online) {
      unit.nextProbeAt = now + unit.backoff.next();
      this.wakeAt(unit.nextProbeAt);
    }
  }

  private changeUnit(unitId: number, unit: UnitState, online: boolean, reason: string, now: number): void {
    unit.online = online;
    unit.since = now;
    unit.reason = reason;
    this.onUnitChange({
      unit: unitId,
      online,
      consecutiveFailures: unit.consecutiveFailures,
      since: new Date(now),
      reason,
    });
  }

  private unit(unitId: number): UnitState {
    const known = this.units.get(unitId);
    if (known) return known;
    const unit: UnitState = {
      online: true,
      probing: false,
      consecutiveFailures: 0,
      since: Date.now(),
      reason: 'answering',
      nextProbeAt: 0,
      backoff: new Backoff(this.options.probeMinMs, this.options.probeMaxMs),
    };
    this.units.set(unitId, unit);
    return unit;
  }

  /** Pumps again at `at`, for writes waiting on a unit whose probe is due then. */
  private wakeAt(at: number): void {
    const timer = setTimeout(() => this.pump(), Math.max(0, at - Date.now()));
    timer.unref();
  }

  private canSendNow(unitId: number): boolean {
    return this.connected && this.reachable(unitId);
  }

  private strandedReason(unitId: number): string {
    return this.connected
      ? `not sent: the gateway is stopping and unit ${unitId} does not answer`
      : 'not sent: the gateway is stopping and the bus is not connected';
  }

  /** Once writes no longer wait: answers those the bus cannot take now (it is down, or their unit does not answer). */
  private refuseStranded(): void {
    if (this.writesWait) return;
    for (let i = 0; i < this.writes.length;) {
      const job = this.writes[i];
      if (job === undefined || this.canSendNow(job.request.unit)) {
        i++;
        continue;
      }
      this.writes.splice(i, 1);
      job.settle({ ok: false, failure: 'rejected', reason: this.strandedReason(job.request.unit) });
    }
  }

  private failQueuedReads(reason: string): void {
    const jobs = [...this.reads.values()];
    this.reads.clear();
    for (const job of jobs) job.settle({ ok: false, failure: 'disconnected', reason });
  }

  private expireWrites(): void {
    const now = Date.now();
    for (let i = this.writes.length - 1; i >= 0; i--) {
      const job = this.writes[i];
      if (job && now > job.notAfter) {
        this.writes.splice(i, 1);
        job.settle({ ok: false, failure: 'expired', reason: 'not-after time passed while waiting for the bus' });
      }
    }
  }

  /** While writes wait for a bus that is down, answer each one as soon as its not-after time passes. */
  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (this.stopped || this.writes.length === 0) return;
    const earliest = Math.min(...this.writes.map((w) => w.notAfter));
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        this.expireWrites();
        this.armExpiry();
      },
      Math.max(0, earliest - Date.now() + 1),
    );
    this.expiryTimer.unref();
  }
}
