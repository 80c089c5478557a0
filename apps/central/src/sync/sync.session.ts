import type { Logger } from '@nestjs/common';
import {
  bestClockSample,
  clockPong,
  type CentralMessage,
  type ClockSample,
  clockSample,
  encodeMessage,
  type GatewayMessage,
  type HelloV1,
  parseGatewayFrame,
  PROTOCOL_VERSION,
  SyncException,
  type WelcomeRefusal,
} from '@beffroi/sync';
import type { RawData, WebSocket } from 'ws';
import type { ScopedCommune } from '../auth/caller';
import type { CentralConfig } from '../central.config';
import type { Clock } from '@beffroi/runtime';
import type { CommandService } from '../commands/command.service';
import type { DesiredService } from '../desired/desired.service';
import type { EventBus } from '../events.service';
import type { CatalogueService } from '../gateways/catalogue.service';
import type { CommuneEntity, GatewayEntity } from '../store/entities';
import type { OfflineAlarms } from './offline-alarm.service';
import type { ReportService } from './report.service';
import type { SyncLink, SyncPresence } from './sync-presence';

/** Close codes of the sync socket beyond the standard ones. */
export const SYNC_CLOSE = { refused: 4401, replaced: 4409, helloTimeout: 4408, badFrame: 4400 } as const;

export interface SessionDeps {
  config: CentralConfig['sync'];
  presence: SyncPresence;
  reports: ReportService;
  offlineAlarms: OfflineAlarms;
  commands: CommandService;
  desired: DesiredService;
  catalogues: CatalogueService;
  events: EventBus;
  clock: Clock;
  gatewayByCredential(hash: string): Promise<GatewayEntity | null>;
  communeOf(insee: string): Promise<CommuneEntity>;
  seen(
    gatewayId: string,
    fields: Partial<Pick<GatewayEntity, 'lastSeenAt' | 'clockOffsetMs' | 'softwareVersion'>>,
  ): Promise<unknown>;
  logger: Logger;
  /** True once central is shutting down: a closing socket then leaves the database alone. */
  stopping(): boolean;
}

/** Clock samples kept per connection; the offset reported is the one with the shortest round trip. */
const CLOCK_SAMPLES = 8;

/**
 * One gateway connection. Frames are handled one at a time, in arrival order: a report is stored (and its ack
 * sent) before the next frame is looked at, so acks follow the gateway's order. Central pings the socket (WebSocket
 * ping) every third of `sync.offlineAfter`; a connection on which nothing at all arrives for `offlineAfter` is cut,
 * so a gateway that froze or lost its link is offline by then even if TCP has not noticed.
 */
export class SyncSession implements SyncLink {
  private gatewayId: string | undefined;
  private commune: ScopedCommune | undefined;
  private work: Promise<void> = Promise.resolve();
  private readonly helloTimer: NodeJS.Timeout;
  private readonly silenceTimer: NodeJS.Timeout;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private lastFrame: Date;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingId = 0;
  private unansweredPings = 0;
  private samples: ClockSample[] = [];
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly credentialHash: string,
    private readonly deps: SessionDeps,
  ) {
    this.helloTimer = setTimeout(
      () => this.close(SYNC_CLOSE.helloTimeout, 'no hello in time'),
      deps.config.helloTimeout,
    );
    this.lastFrame = deps.clock.now();
    this.silenceTimer = setTimeout(() => this.silent(), deps.config.offlineAfter);
    this.heartbeatTimer = setInterval(() => {
      if (ws.readyState === ws.OPEN) ws.ping();
    }, deps.config.offlineAfter / 3);
    ws.on('pong', () => this.heard());
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      this.heard();
      const frame = isBinary ? new Uint8Array(toBuffer(raw)) : toBuffer(raw).toString('utf8');
      this.enqueue(() => this.receive(frame));
    });
    ws.on('error', (error) => deps.logger.warn(`sync socket of ${this.name}: ${error.message}`));
    ws.once('close', () => {
      this.enqueue(() => this.closedByPeer());
    });
  }

  private get name(): string {
    return this.gatewayId ?? 'a gateway not yet identified';
  }

  send(message: CentralMessage): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(encodeMessage(message));
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.stopTimers();
    this.ws.close(code, reason.slice(0, 120));
  }

  lastFrameAt(): Date {
    return this.lastFrame;
  }

  private heard(): void {
    this.lastFrame = this.deps.clock.now();
    this.silenceTimer.refresh();
  }

  /** Nothing arrived for `offlineAfter`: the gateway is gone, whatever TCP believes. No closing handshake to wait for. */
  private silent(): void {
    if (this.closed) return;
    this.deps.logger.warn(
      `${this.name}: nothing received for ${this.deps.config.offlineAfter} ms (last frame ${this.lastFrame.toISOString()}), closing`,
    );
    this.stopTimers();
    this.ws.terminate();
  }

  private stopTimers(): void {
    this.closed = true;
    clearTimeout(this.helloTimer);
    clearTimeout(this.silenceTimer);
    clearInterval(this.heartbeatTimer);
    clearInterval(this.pingTimer);
  }

  poke(): void {
    this.enqueue(() => this.deliver({ resend: false }));
  }

  /** Resolves once the frames received so far are handled. */
  settled(): Promise<void> {
    return this.work;
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((error: unknown) => {
      this.deps.logger.error(`sync with ${this.name}: ${error instanceof Error ? error.message : String(error)}`);
      this.close(1011, 'internal error');
    });
  }

  private async receive(frame: string | Uint8Array): Promise<void> {
    if (this.closed || this.deps.stopping()) return;
    let message: GatewayMessage;
    try {
      message = parseGatewayFrame(frame, { maxBytes: this.deps.config.maxFrameBytes });
    } catch (error) {
      if (!(error instanceof SyncException)) throw error;
      this.deps.logger.warn(`rejected frame from ${this.name}: ${error.message}`);
      // Before hello nothing is trusted; afterwards a bad frame is dropped and the connection goes on.
      if (this.gatewayId === undefined) this.close(SYNC_CLOSE.badFrame, `bad frame: ${error.message}`);
      return;
    }
    if (this.gatewayId === undefined) {
      if (message.type !== 'hello') {
        this.close(SYNC_CLOSE.badFrame, `expected hello first, got ${message.type}`);
        return;
      }
      await this.hello(message);
      return;
    }
    await this.handle(this.gatewayId, message);
  }

  private async hello(hello: HelloV1): Promise<void> {
    clearTimeout(this.helloTimer);
    const gateway = await this.deps.gatewayByCredential(this.credentialHash);
    const refusal: [WelcomeRefusal, string] | undefined =
      gateway === null
        ? ['bad-credential', 'unknown credential: enrol the gateway again']
        : gateway.revokedAt !== null
          ? ['revoked', `the credential of ${gateway.id} was revoked at ${gateway.revokedAt}`]
          : gateway.id !== hello.gatewayId
            ? ['gateway-mismatch', `this credential belongs to ${gateway.id}, not ${hello.gatewayId}`]
            : hello.protocolVersion < 1
              ? ['unsupported-protocol', `protocol ${hello.protocolVersion} is not supported`]
              : undefined;
    if (refusal !== undefined || gateway === null) {
      const [reason, message] = refusal ?? ['bad-credential', 'unknown credential'];
      this.deps.logger.warn(`sync refused for ${hello.gatewayId}: ${message}`);
      this.send({ type: 'welcome', v: 1, result: 'refused', reason, message });
      this.close(SYNC_CLOSE.refused, reason);
      return;
    }
    this.gatewayId = gateway.id;
    const commune = await this.deps.communeOf(gateway.communeInsee);
    this.commune = { insee: commune.insee, syndicateId: commune.syndicateId };
    this.deps.presence.attach(gateway.id, this);
    const now = this.deps.clock.now();
    await this.deps.offlineAlarms.clear(gateway.id);
    await this.deps.seen(gateway.id, {
      lastSeenAt: this.lastFrame.toISOString(),
      // A first, latency-blind estimate until a ping/pong measures it properly.
      clockOffsetMs: Date.parse(hello.clock) - now.getTime(),
      ...(hello.software === undefined ? {} : { softwareVersion: hello.software }),
    });
    this.send({
      type: 'welcome',
      v: 1,
      result: 'accepted',
      gatewayId: gateway.id,
      protocolVersion: Math.min(PROTOCOL_VERSION, hello.protocolVersion),
      desiredVersion: gateway.desiredVersion,
      serverTime: now.toISOString(),
    });
    this.deps.logger.log(`${gateway.id} connected (desired ${hello.desiredVersion}/${gateway.desiredVersion})`);
    this.publishPresence(true);
    this.send(await this.deps.reports.hello(gateway.id, hello.outbox, hello.incarnation));
    await this.deps.desired.applied(gateway.id, hello.desiredVersion);
    await this.deliver({ resend: true });
    this.pingTimer = setInterval(() => this.ping(), this.deps.config.pingInterval);
    this.ping();
  }

  private async handle(gatewayId: string, message: GatewayMessage): Promise<void> {
    switch (message.type) {
      case 'hello':
        this.close(SYNC_CLOSE.badFrame, 'hello sent twice');
        return;
      case 'report':
        this.send(await this.deps.reports.report(gatewayId, message));
        await this.deps.seen(gatewayId, { lastSeenAt: this.lastFrame.toISOString() });
        return;
      case 'desired.applied':
        await this.deps.desired.applied(gatewayId, message.version);
        this.publish('desired', { appliedVersion: message.version });
        return;
      case 'desired.resync': {
        const current = await this.deps.desired.current(gatewayId);
        this.send({ type: 'desired.snapshot', v: 1, version: current.version, desired: current.desired });
        return;
      }
      case 'catalogue':
        this.send(await this.deps.catalogues.store(gatewayId, message));
        return;
      case 'desired.result':
        if (await this.deps.catalogues.storeResult(gatewayId, message)) {
          this.publish('desired', { resultVersion: message.version, refused: message.refused });
        }
        return;
      case 'clock.ping':
        this.send(clockPong(message, this.deps.clock.now()));
        return;
      case 'clock.pong': {
        this.unansweredPings = 0;
        try {
          this.samples = [...this.samples, clockSample(message, this.deps.clock.now())].slice(-CLOCK_SAMPLES);
        } catch (error) {
          if (error instanceof SyncException) this.deps.logger.warn(`${gatewayId}: ${error.message}`);
          else throw error;
        }
        const best = bestClockSample(this.samples);
        if (best !== undefined) await this.deps.seen(gatewayId, { clockOffsetMs: Math.round(best.offsetMs) });
        return;
      }
    }
  }

  /**
   * Sends what waits for the gateway: the desired state it lacks (a delta or a snapshot; sent again until it says it
   * applied it, which it ignores as a duplicate), then the commands not sent yet — after the hello (`resend`), every
   * command not finished.
   */
  private async deliver(options: { resend: boolean }): Promise<void> {
    const gatewayId = this.gatewayId;
    if (gatewayId === undefined || this.closed) return;
    const plan = await this.deps.desired.plan(gatewayId, await this.deps.desired.appliedVersion(gatewayId));
    if (plan.kind !== 'upToDate') this.send(plan.message);
    for (const command of await this.deps.commands.takeForDelivery(gatewayId, options)) this.send(command);
  }

  private ping(): void {
    // Two pings unanswered: the link is dead even if TCP has not noticed yet.
    if (this.unansweredPings >= 2) {
      this.deps.logger.warn(`${this.name}: no answer to two clock pings, closing`);
      this.ws.terminate();
      return;
    }
    this.unansweredPings += 1;
    this.send({ type: 'clock.ping', v: 1, id: ++this.pingId, sentAt: this.deps.clock.now().toISOString() });
  }

  private async closedByPeer(): Promise<void> {
    this.stopTimers();
    const gatewayId = this.gatewayId;
    if (gatewayId === undefined || this.deps.stopping()) return;
    this.deps.presence.detach(gatewayId, this);
    if (!this.deps.presence.isOnline(gatewayId)) {
      const lastSeenAt = this.lastFrame.toISOString();
      await this.deps.seen(gatewayId, { lastSeenAt });
      this.publishPresence(false);
      this.deps.logger.log(`${gatewayId} disconnected (last frame ${lastSeenAt})`);
      await this.deps.offlineAlarms.raise(gatewayId, lastSeenAt);
    }
  }

  private publishPresence(online: boolean): void {
    this.publish('gateway', { id: this.gatewayId, online });
  }

  private publish(type: 'gateway' | 'desired', data: unknown): void {
    if (this.commune === undefined || this.gatewayId === undefined) return;
    this.deps.events.publish({ type, commune: this.commune, gatewayId: this.gatewayId, data });
  }
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}
