import { Logger } from '@nestjs/common';
import ModbusRTU from 'modbus-serial';
import {
  isBitTable,
  type ModbusRtuBusConfig,
  type ModbusRtuOverTcpBusConfig,
  type ModbusTable,
  type ModbusTcpBusConfig,
} from '@beffroi/domain';
import { Backoff } from '@beffroi/runtime/backoff';

export type ModbusBusConfig = ModbusTcpBusConfig | ModbusRtuBusConfig | ModbusRtuOverTcpBusConfig;

/** One Modbus request, addressed to one unit. */
export type ModbusRequest =
  | { kind: 'read'; unit: number; table: ModbusTable; address: number; count: number }
  | { kind: 'write-coils'; unit: number; address: number; values: boolean[] }
  | { kind: 'write-registers'; unit: number; address: number; values: number[] };

/** What came back: data, or why not. Only `exception` proves the device is alive. */
export type ModbusOutcome =
  | { ok: true; bits?: boolean[]; registers?: number[] }
  | {
      ok: false;
      failure: 'timeout' | 'exception' | 'corrupt' | 'disconnected' | 'offline';
      reason: string;
      code?: number;
    };

interface ModbusError {
  message?: string;
  errno?: string | number;
  modbusCode?: number;
}

function outcomeOfError(error: ModbusError): ModbusOutcome {
  if (typeof error.modbusCode === 'number') {
    return {
      ok: false,
      failure: 'exception',
      code: error.modbusCode,
      reason: `exception ${error.modbusCode}: ${error.message ?? ''}`.trim(),
    };
  }
  if (error.errno === 'ETIMEDOUT' || error.message === 'Timed out')
    return { ok: false, failure: 'timeout', reason: 'no answer (timeout)' };
  if (error.message === 'Port Not Open') return { ok: false, failure: 'disconnected', reason: 'not connected' };
  return { ok: false, failure: 'corrupt', reason: `bad answer: ${error.message ?? 'unreadable frame'}` };
}

/** A request on the wire: how to answer it, and when our guard gives up on it (`performance.now()` time). */
interface Awaited {
  request: ModbusRequest;
  /** Dropped once called, with what it holds (the caller's state for this request). */
  settle: ((outcome: ModbusOutcome) => void) | undefined;
  deadline: number;
}

/** What modbus-serial answers: read results carry `data`, write results echo the address written. */
type AnswerResult = { data: readonly (number | boolean)[] } | { address: number };
type Answer = (error: Error | null, result?: AnswerResult) => void;

/**
 * The single connection of one bus. It alone opens the port (never two opens at once), notices when it closes and
 * reopens it with backoff and jitter. It does not order requests: the bus scheduler does.
 */
export class ModbusLink {
  private readonly logger = new Logger(ModbusLink.name);
  private client: ModbusRTU | undefined;
  private opening: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  /**
   * Answers still awaited on the current connection, oldest first: settled as `disconnected` if it goes away. Every
   * request gets the same guard delay on a monotonic clock, so insertion order is also deadline order.
   */
  private readonly awaiting = new Set<Awaited>();
  /** One timer for the whole link, due at the oldest deadline: a timer per request costs more than the request. */
  private guard: NodeJS.Timeout | undefined;
  private readonly guardMs: number;
  /** Connections opened since start (to prove there is never more than one). */
  opens = 0;
  /** Since when the link is down (creation, or the last connection's end), and why. */
  private downSince = new Date();
  private downReason = 'not connected yet';

  constructor(
    private readonly bus: ModbusBusConfig,
    private readonly onStateChange: (open: boolean) => void,
  ) {
    this.backoff = new Backoff(bus.reconnectMin, Math.max(bus.reconnectMin, bus.reconnectMax));
    // modbus-serial times requests out itself after `bus.timeout`; the guard is only for answers it drops.
    this.guardMs = 2 * bus.timeout + 100;
  }

  get isOpen(): boolean {
    return this.client?.isOpen ?? false;
  }

  /** Since when, and why, the link is down; undefined while it is open. */
  get outage(): { since: Date; reason: string } | undefined {
    return this.isOpen ? undefined : { since: this.downSince, reason: `bus link down: ${this.downReason}` };
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.opening?.catch(() => undefined);
    await this.closeClient();
  }

  /**
   * Sends one request; calls `done` with its outcome exactly once, never throws. A callback and not a promise: this
   * runs for every request polled, and the scheduler chains on it directly.
   */
  execute(request: ModbusRequest, done: (outcome: ModbusOutcome) => void): void {
    const client = this.client;
    if (!client?.isOpen) {
      if (client) this.lost(client);
      done({ ok: false, failure: 'disconnected', reason: 'not connected' });
      return;
    }
    // modbus-serial drops its callbacks when a port is destroyed: the guard answers those requests.
    const awaited: Awaited = { request, settle: done, deadline: performance.now() + this.guardMs };
    this.awaiting.add(awaited);
    this.guard ??= this.armGuard(this.guardMs);
    // modbus-serial keeps its last 256 transactions, callbacks included. Ours reaches the request through a box it
    // empties when called, and `answer` drops `settle`: an answered request leaves nothing reachable behind. Left
    // reachable, what answered requests held was copied and promoted by the garbage collector, which cost more
    // than all the rest of polling.
    const box: { awaited?: Awaited } = { awaited };
    send(client, request, (error, result) => {
      const answered = box.awaited;
      box.awaited = undefined;
      if (answered) this.answered(answered, error, result);
    });
  }

  /** Called by the scheduler when a TCP stream may be out of step (a short answer): start afresh. */
  async reset(reason: string): Promise<void> {
    this.logger.warn(`bus ${this.bus.id}: resetting the connection (${reason})`);
    await this.closeClient();
    this.scheduleReconnect();
  }

  private connect(): void {
    if (this.stopped || this.opening || this.client?.isOpen) return;
    this.opening = this.open()
      .then(() => {
        this.backoff.reset();
        this.onStateChange(true);
      })
      .catch((error: unknown) => {
        this.downReason = `cannot connect (${error instanceof Error ? error.message : String(error)})`;
        this.logger.warn(`bus ${this.bus.id}: ${this.downReason}`);
        void this.closeClient();
        this.scheduleReconnect();
      })
      .finally(() => {
        this.opening = undefined;
      });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== undefined) return;
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private async open(): Promise<void> {
    const client = new ModbusRTU();
    this.client = client;
    this.opens++;
    const bus = this.bus;
    switch (bus.protocol) {
      case 'modbus-tcp':
        await client.connectTCP(bus.host, { port: bus.port });
        break;
      case 'modbus-rtu-over-tcp':
        await client.connectTelnet(bus.host, { port: bus.port });
        break;
      case 'modbus-rtu':
        await client.connectRTUBuffered(bus.path, {
          baudRate: bus.baudRate,
          parity: bus.parity,
          dataBits: bus.dataBits,
          stopBits: bus.stopBits,
        });
        break;
    }
    client.setTimeout(bus.timeout);
    // modbus-serial does not relay a close that follows a socket error (ECONNRESET): watch both, and `execute`
    // also notices a port that is no longer open.
    client.on('close', () => this.lost(client));
    client.on('error', () => this.lost(client));
    this.logger.log(`bus ${bus.id}: connected`);
  }

  /** The connection went away: forget it, tell the scheduler, reopen with backoff. */
  private lost(client: ModbusRTU): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.wentDown('connection lost');
    client.destroy(() => undefined);
    this.abandonAwaited('connection lost');
    this.onStateChange(false);
    this.scheduleReconnect();
  }

  private wentDown(reason: string): void {
    this.downSince = new Date();
    this.downReason = reason;
  }

  private answered(awaited: Awaited, error: Error | null, result: AnswerResult | undefined): void {
    const data = result && 'data' in result ? result.data : [];
    this.answer(awaited, error ? outcomeOfError(error) : outcomeOfData(awaited.request, data));
  }

  /** Settles `awaited` unless it already was (an answer racing the guard or a lost connection). */
  private answer(awaited: Awaited, outcome: ModbusOutcome): void {
    const settle = awaited.settle;
    if (!settle) return;
    awaited.settle = undefined;
    this.awaiting.delete(awaited);
    settle(outcome);
  }

  /** The guard never keeps the process alive: the socket a request waits on does. */
  private armGuard(delayMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      this.guard = undefined;
      const now = performance.now();
      for (const awaited of this.awaiting) {
        if (awaited.deadline > now) {
          this.guard = this.armGuard(awaited.deadline - now);
          return;
        }
        this.answer(awaited, { ok: false, failure: 'timeout', reason: 'no answer (timeout)' });
      }
    }, delayMs).unref();
  }

  private abandonAwaited(reason: string): void {
    clearTimeout(this.guard);
    this.guard = undefined;
    for (const awaited of [...this.awaiting]) this.answer(awaited, { ok: false, failure: 'disconnected', reason });
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.isOpen) this.wentDown('connection closed');
    this.abandonAwaited('connection closed');
    if (client.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
    else client.destroy(() => undefined);
    this.onStateChange(false);
  }
}

/** What a request's answer means: bits trimmed to the count asked for (they come back in whole bytes). */
function outcomeOfData(request: ModbusRequest, data: readonly (number | boolean)[]): ModbusOutcome {
  if (request.kind !== 'read') return { ok: true };
  return isBitTable(request.table)
    ? { ok: true, bits: (data as boolean[]).slice(0, request.count) }
    : { ok: true, registers: data as number[] };
}

/** Puts one request on the wire; modbus-serial calls `answer` once, unless its port is destroyed first. */
function send(client: ModbusRTU, request: ModbusRequest, answer: Answer): void {
  const { unit, address } = request;
  switch (request.kind) {
    case 'read':
      switch (request.table) {
        case 'coil':
          client.writeFC1(unit, address, request.count, answer);
          return;
        case 'discrete-input':
          client.writeFC2(unit, address, request.count, answer);
          return;
        case 'holding-register':
          client.writeFC3(unit, address, request.count, answer);
          return;
        case 'input-register':
          client.writeFC4(unit, address, request.count, answer);
          return;
      }
      return;
    case 'write-coils':
      if (request.values.length === 1) client.writeFC5(unit, address, request.values[0] ?? false, answer);
      else client.writeFC15(unit, address, request.values, answer);
      return;
    case 'write-registers':
      if (request.values.length === 1) client.writeFC6(unit, address, request.values[0] ?? 0, answer);
      else client.writeFC16(unit, address, request.values, answer);
      return;
  }
}
