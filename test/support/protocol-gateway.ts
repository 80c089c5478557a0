import { randomUUID } from 'node:crypto';
import {
  type CatalogueV1,
  type CentralMessage,
  clockPong,
  type CommandResult,
  type CommandV1,
  type DesiredState,
  drainRate,
  emptyDesiredState,
  encodeMessage,
  type GatewayMessage,
  Outbox,
  type OutboxMessage,
  parseCentralFrame,
  PROTOCOL_VERSION,
  receiveDesired,
} from '@beffroi/sync';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { DEFAULT_WAIT_MS } from './wait-for';

/** The checkout's config/profiles, from test/support (Jest) as from dist/test/support (benchmarks, `npm start`). */
export const PROFILES_DIR =
  [
    resolve(__dirname, '..', '..', 'config', 'profiles'),
    resolve(__dirname, '..', '..', '..', 'config', 'profiles'),
  ].find((dir) => existsSync(dir)) ?? resolve(__dirname, '..', '..', 'config', 'profiles');

/** What the protocol gateway says it has unless a test says otherwise: the simulator's cabinet and bells. */
export function simulatorCatalogue(): CatalogueV1 {
  return buildCatalogue(
    [
      { id: 'cabinet', name: 'Armoire', profile: 'beffroi-sim-cabinet' },
      { id: 'bells', name: 'Cloches', profile: 'beffroi-sim-bells' },
    ],
    loadProfiles(PROFILES_DIR),
    [],
  );
}

const QUOTAS = {
  telemetry: 10_000,
  switching: 10_000,
  output: 10_000,
  alarm: 10_000,
  commandResult: 10_000,
  health: 10,
  bucket: 10_000,
  commissioningReport: 10_000,
};

/**
 * A gateway reduced to its sync protocol: the real message schemas and the real pure outbox and desired-state rules
 * of libs/sync, over a real WebSocket, with no field layer behind it. Central's tests and the sync benchmark use it
 * as "one more gateway"; what it does with a command is up to the test (`onCommand`).
 */
export class ProtocolGateway {
  readonly outbox: Outbox;
  desired: DesiredState = emptyDesiredState();
  readonly received: CentralMessage[] = [];
  welcome: Extract<CentralMessage, { type: 'welcome' }> | undefined;
  closeCode: number | undefined;
  onCommand: (command: CommandV1) => CommandResult | undefined = (command) => ({
    commandId: command.id,
    status: 'applied',
    at: new Date().toISOString(),
  });
  private ws: WebSocket | undefined;
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  /** Sends every outbox message again, in a second frame and in reverse order, to test deduplication. */
  duplicateAndReorder = false;
  /** The incarnation of its outbox, announced in the hello: one per instance, as one per gateway store. */
  readonly incarnation = randomUUID();
  /** Reported after each welcome (connect waits until central stored it); undefined: a gateway that reports none. */
  catalogue: CatalogueV1 | undefined = simulatorCatalogue();
  /** The software it names in its hello (`beffroi-gateway 0.1.0`); undefined: a gateway that names none. */
  software: string | undefined;

  constructor(
    readonly gatewayId: string,
    private readonly credential: string,
    private readonly wsUrl: string,
  ) {
    this.outbox = new Outbox(gatewayId, QUOTAS);
  }

  /** Connects and says hello; resolves with the welcome. */
  async connect(): Promise<Extract<CentralMessage, { type: 'welcome' }>> {
    this.welcome = undefined;
    this.closeCode = undefined;
    this.outbox.rewind();
    const ws = new WebSocket(this.wsUrl, { headers: { authorization: `Bearer ${this.credential}` } });
    this.ws = ws;
    ws.on('message', (raw: Buffer) => this.receive(raw.toString('utf8')));
    ws.on('close', (code) => {
      // A socket closed earlier may report after a new one opened: only the current one counts.
      if (this.ws !== ws) return;
      this.closeCode = code;
      this.notify();
    });
    ws.on('error', () => this.notify());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
    this.send({
      type: 'hello',
      v: 1,
      gatewayId: this.gatewayId,
      protocolVersion: PROTOCOL_VERSION,
      desiredVersion: this.desired.version,
      outbox: this.outbox.range(),
      incarnation: this.incarnation,
      clock: new Date().toISOString(),
      ...(this.software === undefined ? {} : { software: this.software }),
    });
    await this.waitFor('the welcome or a close', () => this.welcome !== undefined || this.closeCode !== undefined);
    const welcome = this.accepted();
    const catalogue = this.catalogue;
    if (catalogue !== undefined) {
      this.send(catalogue);
      await this.waitFor('catalogue.stored for its catalogue', () =>
        this.received.some((m) => m.type === 'catalogue.stored' && m.hash === catalogue.hash),
      );
    }
    return welcome;
  }

  /** The welcome of this connection, or why there is none. */
  accepted(): Extract<CentralMessage, { type: 'welcome' }> {
    if (this.welcome === undefined) throw new Error(`closed before welcome (${this.closeCode ?? 'no code'})`);
    return this.welcome;
  }

  send(message: GatewayMessage | string): void {
    this.ws?.send(typeof message === 'string' ? message : encodeMessage(message));
  }

  append(message: OutboxMessage): void {
    this.outbox.append(message);
  }

  /** Sends everything in the outbox not sent on this connection yet. */
  flush(): void {
    for (;;) {
      const batch = this.outbox.nextBatch(500, drainRate(1e9, 1e9, new Date()), new Date());
      if (batch.report === undefined) return;
      this.send(batch.report);
      if (this.duplicateAndReorder) {
        this.send({ ...batch.report, messages: [...batch.report.messages].reverse().slice(0, 1) });
        this.send(batch.report);
      }
    }
  }

  /** Resolves once everything appended so far is acknowledged. */
  async drained(timeoutMs = 10_000): Promise<void> {
    await this.waitFor('an empty outbox', () => this.outbox.size === 0, timeoutMs);
  }

  close(): void {
    this.ws?.close();
  }

  /** Drops the socket without a closing handshake (a cut link). */
  cut(): void {
    this.ws?.terminate();
  }

  /**
   * Stops reading its socket, as a frozen process does: nothing is answered any more, not even WebSocket pings,
   * while the connection stays open.
   */
  freeze(): void {
    this.ws?.pause();
  }

  /**
   * Resolves as soon as `test` holds, checked on every frame received and on the close; throws naming `what` it
   * waited for when the time is up.
   */
  async waitFor(what: string, test: () => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    if (test()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.gatewayId}: waited ${timeoutMs} ms for ${what}`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private receive(raw: string): void {
    const message = parseCentralFrame(raw, { maxBytes: 64 * 1024 * 1024 });
    this.received.push(message);
    switch (message.type) {
      case 'welcome':
        if (message.result === 'accepted') this.welcome = message;
        break;
      case 'ack':
        this.outbox.ack(message);
        break;
      case 'desired.snapshot':
      case 'desired.delta': {
        const receipt = receiveDesired(this.desired, message);
        if (receipt.outcome === 'applied') {
          this.desired = receipt.state;
          this.send(receipt.reply);
        } else if (receipt.outcome === 'gap') {
          this.send(receipt.reply);
        }
        break;
      }
      case 'command': {
        const result = this.onCommand(message);
        if (result !== undefined) {
          this.outbox.append({ class: 'commandResult', payload: result });
          this.flush();
        }
        break;
      }
      case 'clock.ping':
        this.send(clockPong(message, new Date()));
        break;
      case 'clock.pong':
      case 'catalogue.stored':
        break;
    }
    this.notify();
  }
}
