import { Logger } from '@nestjs/common';
import ModbusRTU from 'modbus-serial';
import type { ModbusRtuBusConfig, ModbusRtuOverTcpBusConfig, ModbusTable, ModbusTcpBusConfig } from '@beffroi/domain';
import { Backoff } from '../backoff';

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
  /** Answers still awaited on the current connection: settled as `disconnected` if it goes away. */
  private readonly awaiting = new Set<(outcome: ModbusOutcome) => void>();
  /** Connections opened since start (to prove there is never more than one). */
  opens = 0;

  constructor(
    private readonly bus: ModbusBusConfig,
    private readonly onStateChange: (open: boolean) => void,
  ) {
    this.backoff = new Backoff(bus.reconnectMin, Math.max(bus.reconnectMin, bus.reconnectMax));
  }

  get isOpen(): boolean {
    return this.client?.isOpen ?? false;
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

  /** Sends one request; resolves with its outcome, never rejects. */
  execute(request: ModbusRequest): Promise<ModbusOutcome> {
    const client = this.client;
    if (!client?.isOpen) {
      if (client) this.lost(client);
      return Promise.resolve({ ok: false, failure: 'disconnected', reason: 'not connected' });
    }
    return new Promise((settle) => {
      // modbus-serial drops its callbacks when a port is destroyed: guard every request ourselves.
      const guard = setTimeout(
        () => resolve({ ok: false, failure: 'timeout', reason: 'no answer (timeout)' }),
        2 * this.bus.timeout + 100,
      );
      const resolve = (outcome: ModbusOutcome) => {
        if (!this.awaiting.delete(resolve)) return;
        clearTimeout(guard);
        settle(outcome);
      };
      this.awaiting.add(resolve);
      const failed = (error: Error) => resolve(outcomeOfError(error));
      const bits = (error: Error | null, result?: { data: boolean[] }) => {
        if (error) failed(error);
        else resolve({ ok: true, bits: (result?.data ?? []).slice(0, request.kind === 'read' ? request.count : 0) });
      };
      const registers = (error: Error | null, result?: { data: number[] }) => {
        if (error) failed(error);
        else resolve({ ok: true, registers: result?.data ?? [] });
      };
      const written = (error: Error | null) => {
        if (error) failed(error);
        else resolve({ ok: true });
      };
      const { unit, address } = request;
      switch (request.kind) {
        case 'read':
          switch (request.table) {
            case 'coil':
              client.writeFC1(unit, address, request.count, bits);
              return;
            case 'discrete-input':
              client.writeFC2(unit, address, request.count, bits);
              return;
            case 'holding-register':
              client.writeFC3(unit, address, request.count, registers);
              return;
            case 'input-register':
              client.writeFC4(unit, address, request.count, registers);
              return;
          }
          return;
        case 'write-coils':
          if (request.values.length === 1) client.writeFC5(unit, address, request.values[0] ?? false, written);
          else client.writeFC15(unit, address, request.values, written);
          return;
        case 'write-registers':
          if (request.values.length === 1) client.writeFC6(unit, address, request.values[0] ?? 0, written);
          else client.writeFC16(unit, address, request.values, written);
          return;
      }
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
        this.logger.warn(
          `bus ${this.bus.id}: cannot connect (${error instanceof Error ? error.message : String(error)})`,
        );
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
    client.destroy(() => undefined);
    this.abandonAwaited('connection lost');
    this.onStateChange(false);
    this.scheduleReconnect();
  }

  private abandonAwaited(reason: string): void {
    for (const resolve of [...this.awaiting]) resolve({ ok: false, failure: 'disconnected', reason });
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.abandonAwaited('connection closed');
    if (client.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
    else client.destroy(() => undefined);
    this.onStateChange(false);
  }
}
