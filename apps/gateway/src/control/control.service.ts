import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  decideSwitch,
  emptyPriorityArray,
  type EntryKind,
  isPermanentWriteFailure,
  explain,
  lockOut,
  type PointScalar,
  type PriorityArray,
  type PriorityEntry,
  PriorityException,
  PriorityExceptionCode,
  PRIORITY_SLOTS,
  type PrioritySlot,
  pruneExpired,
  releaseSlot,
  resolvedValue,
  retryDelayMs,
  setSlot,
  valueProblem,
  type Winner,
  winnerOf,
  winnerValue,
  winningEntry,
} from '@beffroi/domain';
import { DataSource } from 'typeorm';
import { Clock, machineClock, messageOf } from '@beffroi/runtime';
import { FieldService, type GatewayPoint } from '../field/field.service';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { PointStore } from '../points/point-store.service';
import { type WriteResult, WriteService } from '../points/write.service';
import { OutputControlEntity } from '../store/output-control.entity';
import { OutboxService } from '../sync/outbox.service';
import { outputMessage } from '../sync/report-messages';
import { SwitchingLog } from './switching-log.service';

/** How long a switching may wait for its bus before it is reported expired. */
const SWITCH_VALIDITY_MS = 60_000;
const PROTECTION_OWNER = 'protection:minimum-on-off';
/** How often an output restored at boot is looked at until the field has told what the equipment shows. */
const RESTORED_CHECK_MS = 250;
/** An output restored at boot whose equipment has not been read within this long is written anyway. */
const RESTORED_WAIT_MS = 10_000;

/**
 * How a request on an output ended — the switching it caused, once: `applied` (the feedback shows the value, or it
 * already did), `failed` (with the reason; the request has left its slot, so it will not apply later), or `refused`
 * (a higher slot holds the output; the request has left its slot too).
 */
export type SwitchOutcome =
  | { readonly status: 'applied'; readonly reason?: string; readonly write?: WriteResult }
  | { readonly status: 'failed'; readonly reason: string; readonly write?: WriteResult }
  | { readonly status: 'refused'; readonly reason: string };

export interface SwitchOptions {
  /**
   * Told when the minimum on/off time holds the output before it can switch to this request's value: it switches at
   * `applyAt` (told again if that instant moves). The outcome follows.
   */
  readonly onHeld?: (applyAt: Date) => void;
  /**
   * A one-off request (a command, a local write): a switching that fails for a reason that may pass is retried until
   * then, and a request that ends failed or refused leaves its slot, so it never applies later. Without it the entry
   * stays whatever happens (a schedule, the desired state: they put it there again anyway) and the request waits.
   */
  readonly notAfter?: Date;
  /** Recorded as the cause of the switching a release causes, instead of the new winner's owner (a forced lift). */
  readonly cause?: string;
  /**
   * Tried once (a local write): a switching that fails ends the request at once, failed, rather than being retried
   * until `notAfter` (with `notAfter`, its entry leaves its slot too).
   */
  readonly once?: boolean;
}

/** A request accepted into an output's priority array; `outcome` resolves (never rejects) once it is known. */
export interface PendingSwitch {
  readonly outcome: Promise<SwitchOutcome>;
}

/** One request waiting for its outcome: an entry in a slot, or a release (whatever wins next). */
interface Waiter {
  readonly target: { slot: PrioritySlot; entry: PriorityEntry } | 'release';
  readonly notAfterMs: number | undefined;
  readonly leave: boolean;
  readonly once: boolean;
  readonly cause: string | undefined;
  readonly onHeld: ((applyAt: Date) => void) | undefined;
  heldUntil?: string;
  readonly resolve: (outcome: SwitchOutcome) => void;
}

/** Where an output stands now: who wins, the value last switched to, whether a reconciliation runs. */
export interface OutputState {
  readonly winner: { slot: number; name: string; owner?: string; expiresAt?: string; value: PointScalar };
  readonly applied: PointScalar | undefined;
  readonly running: boolean;
  readonly retryPending: boolean;
  readonly lastError: string | undefined;
}

interface Output {
  readonly point: GatewayPoint;
  array: PriorityArray;
  /** The value last switched to successfully, and when (monotonic ms). */
  applied?: { value: PointScalar; atMs: number };
  /** The last switchings failed: the value tried, how many times in a row, when the next try is due (monotonic ms). */
  failed?: { value: PointScalar; attempts: number; retryAtMs: number };
  /** Reconciliations run one at a time per output; a request during one asks for another pass after it. */
  running: boolean;
  requests: number;
  /** The array as last stored (JSON), so an unchanged array is neither written nor reported again. */
  savedJson?: string;
  /** Requests waiting for the switching they cause. */
  waiters: Waiter[];
  lastError?: string;
  /** Restored from storage at boot and not reconciled since: the equipment may have been changed meanwhile. */
  restored: boolean;
}

/**
 * Who decides each output (the priority array of docs/architecture.md "Control"), and the switchings that follow: whenever the
 * winning value differs from what the output was last switched to, a verified write is sent and recorded (libs/domain
 * `decideSwitch` says whether and when). Equipment protection is enforced here: an output switched less than
 * `control.minimumOnOff` ago is held in the protection slot until that time has passed. Arrays are kept in SQLite, so
 * overrides and lock-outs survive a restart.
 *
 * Each request (`command`, `release`) gets the switching it causes as its outcome, exactly once and true: a request
 * that ends failed or refused leaves its slot, so it never applies afterwards.
 */
@Injectable()
export class ControlService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ControlService.name);
  private readonly outputs = new Map<string, Output>();
  private bootMs = 0;
  private stopping = false;

  constructor(
    private readonly field: FieldService,
    private readonly writer: WriteService,
    private readonly store: PointStore,
    private readonly switchings: SwitchingLog,
    private readonly outbox: OutboxService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly loaded: LoadedGatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bootMs = this.clock.monotonicMs();
    const rows = await this.dataSource.getRepository(OutputControlEntity).find();
    for (const row of rows) {
      const point = this.field.points.get(row.key);
      if (point === undefined) {
        this.logger.warn(`dropping the saved priority array of ${row.key}: no such point in the config any more`);
        continue;
      }
      this.outputs.set(row.key, {
        point,
        array: JSON.parse(row.arrayJson) as PriorityArray,
        running: false,
        requests: 0,
        savedJson: row.arrayJson,
        waiters: [],
        restored: true,
      });
    }
  }

  /**
   * Stopping (the first shutdown hook): a request held by the minimum on/off time, or waiting to retry a failed
   * switching, ends failed now, saying its entry stays in its slot and switches the output after the restart.
   */
  onModuleDestroy(): void {
    this.stopping = true;
    for (const [key, output] of this.outputs) {
      if (output.running) continue;
      for (const waiter of output.waiters) {
        const reason =
          waiter.heldUntil === undefined
            ? `${key}: the gateway stopped before it switched${output.lastError === undefined ? '' : ` (${output.lastError})`}; the request stays in its slot and switches it after the restart`
            : `${key}: the gateway stopped while the minimum on/off time held it; the command stays in the manual slot and switches it after the restart`;
        waiter.resolve({ status: 'failed', reason });
      }
      output.waiters = [];
    }
  }

  /**
   * Lets switchings in progress finish (and be recorded) before the database closes. They end promptly: by now writes
   * no longer wait for a bus that is down (FieldService), they fail and are recorded so.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /**
   * Puts `entry` in `slot` of output `key` (created with `defaultValue` if new) and switches if the winner changed;
   * the switching it causes is the outcome of the returned request. One-off requests are refused under a maintenance
   * lock-out; standing ones (schedules, central's desired overrides) keep their slot current under it (`EntryKind`).
   */
  async command(
    key: string,
    slot: PrioritySlot,
    entry: PriorityEntry,
    kind: EntryKind,
    defaultValue?: PointScalar,
    options: SwitchOptions = {},
  ): Promise<PendingSwitch> {
    const output = this.output(key, defaultValue);
    const problem = valueProblem(key, output.point.bound.definition, entry.value);
    if (problem !== undefined) throw new GatewayException(GatewayExceptionCode.InvalidValue, `value: ${problem}`);
    try {
      output.array = setSlot(output.array, slot, entry, this.clock.now(), kind);
    } catch (error) {
      if (error instanceof PriorityException) {
        throw new GatewayException(
          error.code === PriorityExceptionCode.LockedOut
            ? GatewayExceptionCode.LockedOut
            : GatewayExceptionCode.InvalidRequest,
          `${key}: ${error.message}`,
        );
      }
      throw error;
    }
    await this.save(key, output);
    const pending = this.wait(output, { slot, entry }, options);
    this.reconcile(key);
    return pending;
  }

  /**
   * Empties `slot` of output `key` (only if `owner` holds it, when given); what lies underneath then applies, and the
   * switching to it is the outcome of the returned request.
   */
  async release(key: string, slot: PrioritySlot, owner?: string, options: SwitchOptions = {}): Promise<PendingSwitch> {
    const output = this.output(key);
    output.array = releaseSlot(output.array, slot, owner);
    await this.save(key, output);
    const pending = this.wait(output, 'release', options);
    this.reconcile(key);
    return pending;
  }

  /**
   * Writes output `key`'s winner again at its next pass, even if it was last switched to that value (the equipment
   * was changed behind the gateway's back). Does nothing for an output without a priority array yet.
   */
  reassert(key: string): void {
    const output = this.outputs.get(key);
    if (output === undefined) return;
    output.applied = undefined;
    this.reconcile(key);
  }

  /** Sets the maintenance lock-out (slot 8); one held by someone else is not taken over (409 naming its holder). */
  async lockOutFor(key: string, entry: PriorityEntry): Promise<PendingSwitch> {
    const lock = this.lockOutOf(key);
    if (lock !== undefined && lock.owner !== entry.owner) {
      throw new GatewayException(
        GatewayExceptionCode.LockedOut,
        `${key}: already locked out for maintenance by ${lock.owner} since ${lock.setAt}`,
      );
    }
    return this.command(key, PRIORITY_SLOTS.maintenance, entry, 'one-off');
  }

  /**
   * Lifts the maintenance lock-out of output `key`: only its holder may (409 naming the holder for anyone else), or
   * anyone with `force`, naming who forces it (`by`): then the lift is logged and the switching it causes records
   * `lockout-forced:<by>` as its cause. Lifting an output that is not locked out does nothing.
   */
  async liftLockOut(key: string, lift: { owner: string } | { force: true; by: string }): Promise<void> {
    const lock = this.lockOutOf(key);
    if (lock === undefined) return;
    if ('force' in lift) {
      this.logger.warn(`${key}: lock-out of ${lock.owner} (since ${lock.setAt}) lifted by force by ${lift.by}`);
      await this.release(key, PRIORITY_SLOTS.maintenance, lock.owner, { cause: `lockout-forced:${lift.by}` });
      return;
    }
    if (lift.owner !== lock.owner) {
      throw new GatewayException(
        GatewayExceptionCode.LockedOut,
        `${key}: locked out for maintenance by ${lock.owner} since ${lock.setAt}: only ${lock.owner} may lift it (or force=true with by=<who>)`,
      );
    }
    await this.release(key, PRIORITY_SLOTS.maintenance, lock.owner);
  }

  /** "Why is it in this state?" for output `key`, with its live feedback and last switching. */
  async explain(key: string) {
    const output = this.output(key);
    const now = this.clock.now();
    const feedbackKey = output.point.feedbackKey ?? key;
    const [last] = await this.switchings.recent(1, key);
    return {
      key,
      ...explain(output.array, now),
      feedback: { key: feedbackKey, ...(this.store.get(feedbackKey) ?? { value: null, quality: { status: 'stale' } }) },
      lastSwitching: last ?? null,
    };
  }

  list() {
    const now = this.clock.now();
    return [...this.outputs.entries()].map(([key, output]) => {
      const winner = winnerOf(output.array, now);
      const entry = winningEntry(winner);
      return {
        key,
        value: winnerValue(output.array, winner),
        slot: winner.slot,
        slotName: winner.name,
        ...(entry === undefined ? {} : { owner: entry.owner }),
      };
    });
  }

  /** What sits in `slot` of output `key` now (undefined when empty or expired, or when the output has no array yet). */
  entryIn(key: string, slot: PrioritySlot): PriorityEntry | undefined {
    const output = this.outputs.get(key);
    const entry = output?.array.slots[slot];
    if (entry?.expiresAt !== undefined && Date.parse(entry.expiresAt) <= this.clock.now().getTime()) return undefined;
    return entry;
  }

  /** The maintenance lock-out (consignation) on output `key`, if one is set. */
  lockOutOf(key: string): PriorityEntry | undefined {
    const output = this.outputs.get(key);
    return output === undefined ? undefined : lockOut(output.array, this.clock.now());
  }

  /** A maintenance lock-out on any output of equipment `equipmentId`, with the output it is on. */
  lockOutOfEquipment(equipmentId: string): { key: string; entry: PriorityEntry } | undefined {
    for (const [key, output] of this.outputs) {
      if (output.point.bound.equipmentId !== equipmentId) continue;
      const entry = lockOut(output.array, this.clock.now());
      if (entry !== undefined) return { key, entry };
    }
    return undefined;
  }

  /** Where output `key` stands now (it must be a known, writable point). */
  state(key: string): OutputState {
    const output = this.output(key);
    const explained = explain(output.array, this.clock.now());
    const { winner } = explained;
    return {
      winner: {
        slot: winner.slot,
        name: winner.name,
        value: explained.value,
        ...(winner.owner === undefined ? {} : { owner: winner.owner }),
        ...(winner.expiresAt === undefined ? {} : { expiresAt: winner.expiresAt }),
      },
      applied: output.applied?.value,
      running: output.running,
      retryPending: output.failed !== undefined,
      lastError: output.lastError,
    };
  }

  /** Resolves once output `key` is at rest (no reconciliation running). */
  async idle(key: string): Promise<void> {
    while (this.outputs.get(key)?.running === true) {
      await machineClock.sleep(10);
    }
  }

  /**
   * The next instant something must be looked at again: a slot expiry, a retry, the deadline of a request waiting
   * for one, an output restored at boot.
   */
  nextWakeAt(): Date | null {
    let next = Number.POSITIVE_INFINITY;
    const now = this.clock.now().getTime();
    const monotonic = this.clock.monotonicMs();
    for (const output of this.outputs.values()) {
      if (output.restored) next = Math.min(next, now + RESTORED_CHECK_MS);
      for (const entry of Object.values(output.array.slots)) {
        const expiry = entry.expiresAt === undefined ? Number.NaN : Date.parse(entry.expiresAt);
        if (expiry > now) next = Math.min(next, expiry);
      }
      if (output.failed !== undefined) {
        next = Math.min(next, now + Math.max(0, output.failed.retryAtMs - monotonic));
        for (const { notAfterMs } of output.waiters) {
          if (notAfterMs !== undefined) next = Math.min(next, Math.max(now, notAfterMs));
        }
      }
    }
    return Number.isFinite(next) ? new Date(next) : null;
  }

  /**
   * Reconciles outputs whose slots expired, whose retry is due or whose waiting requests reached their deadline, and
   * looks at those restored at boot.
   */
  wake(): void {
    const now = this.clock.now();
    for (const [key, output] of this.outputs) {
      const pruned = pruneExpired(output.array, now);
      const expired = Object.keys(pruned.slots).length !== Object.keys(output.array.slots).length;
      const retry =
        output.failed !== undefined &&
        (output.failed.retryAtMs <= this.clock.monotonicMs() ||
          output.waiters.some((waiter) => waiter.notAfterMs !== undefined && waiter.notAfterMs <= now.getTime()));
      if (expired) {
        output.array = pruned;
        this.save(key, output).catch((error: unknown) => {
          this.logger.error(`cannot store the priority array of ${key}: ${messageOf(error)}`);
        });
      }
      if (expired || retry) this.reconcile(key);
      else if (output.restored) this.pass(key, output);
    }
  }

  /** Resolves until the output is at rest; concurrent calls fold into one more pass. */
  reconcile(key: string): void {
    const output = this.outputs.get(key);
    if (output === undefined) return;
    output.restored = false;
    this.pass(key, output);
  }

  /** Runs a reconciliation of `output` (or asks the running one for another pass). */
  private pass(key: string, output: Output): void {
    output.requests++;
    if (output.running) return;
    output.running = true;
    void this.reconcileLoop(key, output).finally(() => {
      output.running = false;
    });
  }

  /** Resolves once every output is at rest (tests and shutdown). */
  async settled(): Promise<void> {
    while ([...this.outputs.values()].some((output) => output.running)) {
      await machineClock.sleep(10);
    }
  }

  private async reconcileLoop(key: string, output: Output): Promise<void> {
    let served: number;
    do {
      served = output.requests;
      try {
        await this.switchIfNeeded(key, output);
      } catch (error) {
        const message = messageOf(error);
        const attempts = (output.failed?.attempts ?? 0) + 1;
        const value = resolvedValue(withoutHold(output.array), this.clock.now());
        output.failed = { value, attempts, retryAtMs: this.clock.monotonicMs() + retryDelayMs(attempts) };
        output.lastError = message;
        this.logger.error(`reconciling ${key} failed: ${message}`);
      }
    } while (output.requests !== served);
  }

  /**
   * One pass: settles the requests that can no longer switch the output (replaced, outranked, past their deadline
   * after a failure), then does what `decideSwitch` says and gives its result to the requests it concerns.
   */
  private async switchIfNeeded(key: string, output: Output): Promise<void> {
    const now = this.clock.now();
    const nowMs = this.clock.monotonicMs();
    const array = withoutHold(output.array);
    const winner = winnerOf(array, now);
    const target = winnerValue(array, winner);
    await this.settleOutrun(key, output, winner, now);
    const waiting = [...output.waiters];
    const seen = output.restored ? this.store.get(key) : undefined;
    const decision = decideSwitch({
      nowMs,
      target,
      ...(output.applied === undefined ? {} : { applied: output.applied }),
      minimumOnOffMs: this.loaded.config.control.minimumOnOff,
      ...(output.failed === undefined ? {} : { failed: output.failed }),
      ...(output.restored
        ? {
            restored: {
              reading: seen?.quality.status === 'good' && seen.value !== null ? seen.value : undefined,
              waitedMs: nowMs - this.bootMs,
              waitMs: RESTORED_WAIT_MS,
            },
          }
        : {}),
    });
    switch (decision.action) {
      case 'wait':
        return;
      case 'adopt':
        // Switched before the restart, long enough ago for no minimum on/off hold: no switching to record.
        output.restored = false;
        output.applied = { value: decision.value, atMs: Number.NEGATIVE_INFINITY };
        await this.unhold(key, output);
        return;
      case 'none':
        await this.unhold(key, output);
        this.settle(output, waiting, winner, {
          status: 'applied',
          reason: `${key} already at ${JSON.stringify(target)}`,
        });
        return;
      case 'hold': {
        const expiresAt = new Date(now.getTime() + (decision.untilMs - nowMs));
        output.array = setSlot(
          output.array,
          PRIORITY_SLOTS.protection,
          {
            value: decision.value,
            owner: PROTECTION_OWNER,
            setAt: now.toISOString(),
            expiresAt: expiresAt.toISOString(),
          },
          now,
        );
        await this.save(key, output);
        this.logger.log(
          `${key} held at ${JSON.stringify(decision.value)} until ${expiresAt.toISOString()} (minimum on/off time)`,
        );
        for (const waiter of waiting) {
          if (!concerns(waiter, winner) || waiter.heldUntil === expiresAt.toISOString()) continue;
          waiter.heldUntil = expiresAt.toISOString();
          waiter.onHeld?.(expiresAt);
        }
        return;
      }
      case 'switch':
        output.restored = false;
        await this.unhold(key, output);
        await this.switchTo(key, output, winner, decision.value, waiting);
        return;
    }
  }

  /** Writes `value`, records the switching, and gives its result to the requests it concerns. */
  private async switchTo(
    key: string,
    output: Output,
    winner: Winner,
    value: PointScalar,
    waiting: readonly Waiter[],
  ): Promise<void> {
    const now = this.clock.now();
    const forced = waiting.find((waiter) => waiter.target === 'release' && waiter.cause !== undefined)?.cause;
    const cause = forced ?? winningEntry(winner)?.owner ?? 'default';
    const result = await this.writer.write({
      point: output.point,
      value,
      notAfter: new Date(now.getTime() + SWITCH_VALIDITY_MS),
      source: cause,
    });
    await this.switchings.record({
      at: now,
      key,
      value,
      slot: winner.slot,
      cause,
      result: result.status,
      reason: result.reason,
      writeId: result.id,
    });
    if (result.status === 'applied' || result.status === 'acknowledged') {
      output.applied = { value, atMs: this.clock.monotonicMs() };
      output.failed = undefined;
      output.lastError = undefined;
      this.settle(output, waiting, winner, { status: 'applied', write: result });
      return;
    }
    const reason = `${result.status}: ${result.reason ?? key}`;
    const attempts = output.failed?.value === value ? output.failed.attempts + 1 : 1;
    output.applied = undefined;
    output.failed = { value, attempts, retryAtMs: this.clock.monotonicMs() + retryDelayMs(attempts) };
    output.lastError = reason;
    // A write the equipment can never take ends its requests at once; one that may pass is retried until their deadline.
    const permanent = result.status === 'failed' && isPermanentWriteFailure(result.reason ?? '');
    const failure: SwitchOutcome = {
      status: 'failed',
      reason: permanent ? `${reason} (the equipment refuses this value: not retried)` : reason,
      write: result,
    };
    const afterWrite = this.clock.now().getTime();
    const concerned = waiting.filter((waiter) => concerns(waiter, winner));
    const ended = concerned.filter((waiter) => permanent || this.stopping || waiter.once);
    if (ended.length > 0) await this.end(key, output, ended, failure);
    // Past their deadline: said as settleOutrun says it, whichever of the two notices first.
    for (const waiter of concerned) {
      if (ended.includes(waiter) || waiter.notAfterMs === undefined || waiter.notAfterMs > afterWrite) continue;
      await this.end(key, output, [waiter], { ...failure, reason: notSwitchedBy(key, waiter.notAfterMs, reason) });
    }
  }

  /**
   * Ends the requests that can no longer cause a switching: their entry was replaced or released (superseded), a
   * higher slot holds the output (refused), or their deadline passed while the switching kept failing.
   */
  private async settleOutrun(key: string, output: Output, winner: Winner, now: Date): Promise<void> {
    for (const waiter of [...output.waiters]) {
      if (waiter.target === 'release') continue;
      const { slot, entry } = waiter.target;
      const current = output.array.slots[slot];
      if (current !== entry) {
        const by = current === undefined ? 'its release' : current.owner;
        this.drop(output, waiter, { status: 'failed', reason: `${key}: superseded by ${by} before it switched` });
      } else if (winner.slot < slot) {
        const holder = winningEntry(winner)?.owner;
        const by = holder === undefined ? '' : ` (${holder})`;
        const reason = `${key} is held by the ${winner.name} slot ${winner.slot}${by}`;
        await this.end(key, output, [waiter], { status: 'refused', reason });
      } else if (output.failed !== undefined && waiter.notAfterMs !== undefined && waiter.notAfterMs <= now.getTime()) {
        const reason = notSwitchedBy(key, waiter.notAfterMs, output.lastError ?? 'failed');
        await this.end(key, output, [waiter], { status: 'failed', reason });
      }
    }
  }

  /**
   * Ends requests with `outcome`; the entries of one-off requests leave their slots (they will not apply later),
   * except while stopping: they then stay, and switch the output after the restart.
   */
  private async end(key: string, output: Output, waiters: readonly Waiter[], outcome: SwitchOutcome): Promise<void> {
    for (const waiter of waiters) {
      const leave = waiter.leave && !this.stopping;
      if (leave && waiter.target !== 'release' && output.array.slots[waiter.target.slot] === waiter.target.entry) {
        output.array = releaseSlot(output.array, waiter.target.slot);
        this.logger.warn(
          `${key}: ${waiter.target.entry.owner} leaves slot ${waiter.target.slot} (${outcome.reason ?? ''})`,
        );
        output.requests++;
      }
      this.drop(output, waiter, outcome);
    }
    await this.save(key, output);
  }

  /** Gives `outcome` to the waiting requests this pass switched for (the winner's, and releases). */
  private settle(output: Output, waiting: readonly Waiter[], winner: Winner, outcome: SwitchOutcome): void {
    for (const waiter of waiting) if (concerns(waiter, winner)) this.drop(output, waiter, outcome);
  }

  private drop(output: Output, waiter: Waiter, outcome: SwitchOutcome): void {
    output.waiters = output.waiters.filter((w) => w !== waiter);
    waiter.resolve(outcome);
  }

  private wait(
    output: Output,
    target: { slot: PrioritySlot; entry: PriorityEntry } | 'release',
    options: SwitchOptions,
  ): PendingSwitch {
    const notAfterMs = options.notAfter?.getTime();
    const outcome = new Promise<SwitchOutcome>((resolve) => {
      output.waiters.push({
        target,
        notAfterMs,
        leave: notAfterMs !== undefined,
        once: options.once === true,
        cause: options.cause,
        onHeld: options.onHeld,
        resolve,
      });
    });
    return { outcome };
  }

  /** Drops the equipment-protection hold, if any (the output switches, or no longer needs to). */
  private async unhold(key: string, output: Output): Promise<void> {
    if (output.array.slots[PRIORITY_SLOTS.protection]?.owner !== PROTECTION_OWNER) return;
    output.array = withoutHold(output.array);
    await this.save(key, output);
  }

  private output(key: string, defaultValue?: PointScalar): Output {
    const existing = this.outputs.get(key);
    if (existing !== undefined) return existing;
    const point = this.field.points.get(key);
    if (point === undefined) {
      throw new GatewayException(GatewayExceptionCode.UnknownPoint, `no point "${key}" (see GET /points)`);
    }
    if (!this.field.isWritable(point)) {
      throw new GatewayException(
        GatewayExceptionCode.NotWritable,
        `${key} is a ${point.kind} point: it has no priority array`,
      );
    }
    const fallback =
      defaultValue ??
      (point.bound.definition.type === 'bool' ? false : point.bound.definition.type === 'string' ? '' : 0);
    const created: Output = {
      point,
      array: emptyPriorityArray(fallback),
      running: false,
      requests: 0,
      waiters: [],
      restored: false,
    };
    this.outputs.set(key, created);
    return created;
  }

  /**
   * Stores the array when it changed, and queues for central why the output is in its state (class `output`) in the
   * same transaction.
   */
  private async save(key: string, output: Output): Promise<void> {
    const now = this.clock.now();
    const pruned = pruneExpired(output.array, now);
    const arrayJson = JSON.stringify(pruned);
    if (arrayJson === output.savedJson) return;
    const previous = output.savedJson;
    output.savedJson = arrayJson;
    try {
      await this.outbox.append(outputMessage(key, explain(pruned, now), now), (manager) =>
        manager.getRepository(OutputControlEntity).upsert({ key, arrayJson, updatedAt: now.toISOString() }, ['key']),
      );
    } catch (error) {
      output.savedJson = previous;
      throw error;
    }
  }
}

/** Bell relays are driven by ring sequences through the interlocks, never by a priority array. */
export function isBellRelay(pointId: string): boolean {
  return /^bell\.\d+\.(strike|swing)$/.test(pointId);
}

/** The array without the equipment-protection hold: what the output should show once no hold delays it. */
function withoutHold(array: PriorityArray): PriorityArray {
  return array.slots[PRIORITY_SLOTS.protection]?.owner === PROTECTION_OWNER
    ? releaseSlot(array, PRIORITY_SLOTS.protection)
    : array;
}

/** Whether a switching for `winner` is the outcome of `waiter`: its own entry winning, or a release. */
function concerns(waiter: Waiter, winner: Winner): boolean {
  return waiter.target === 'release' || waiter.target.entry === winningEntry(winner);
}

/** Why a request ends failed at its deadline: the output, the deadline and the last error of its switching. */
function notSwitchedBy(key: string, notAfterMs: number, lastError: string): string {
  return `${key}: not switched by ${new Date(notAfterMs).toISOString()}: ${lastError}`;
}
