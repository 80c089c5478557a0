import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type CentralConfig, DEFAULT_CENTRAL_RECONNECT_MS } from '@beffroi/domain';
import {
  type AckV1,
  type CentralMessage,
  clockPong,
  clockSample,
  type DesiredDeltaV1,
  type DesiredSnapshotV1,
  drainRate,
  type DrainRate,
  encodeMessage,
  type GatewayMessage,
  parseCentralFrame,
  PROTOCOL_VERSION,
  SyncException,
  type WelcomeRefusal,
  type WelcomeV1,
} from '@beffroi/sync';
import WebSocket from 'ws';
import { Backoff, Clock, machineClock, messageOf, type Timer } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';
import { CatalogueReporter } from './catalogue.reporter';
import { CentralClock } from './central-clock.service';
import { CommandExecutor } from './command-executor.service';
import { CredentialStore } from './credential.store';
import { DesiredStateService } from './desired-state.service';
import { centralEndpoint, type EnrolmentAnswer, EnrolmentClient } from './enrolment.client';
import { OutboxService } from './outbox.service';
import { SyncSocketFactory } from './sync-socket.factory';
import { gatewaySoftware } from './software-version';

/** What the hello says this gateway runs. */
const SOFTWARE = gatewaySoftware();

/** Frames from central larger than this are refused before they are decoded. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Messages per report frame (libs/sync allows 1000). */
const BATCH_LIMIT = 500;
/** While the drain rate holds messages back, wait at least this long so batches are not one message each. */
const MIN_DRAIN_WAIT_MS = 50;
/** The socket's send buffer above which the drain waits for it to empty. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Central must answer the hello within this. */
const WELCOME_TIMEOUT_MS = 15_000;
/** WebSocket pings at this period (at most); a connection silent for 2.5 periods is dropped. */
const KEEPALIVE_MAX_MS = 20_000;
/** Refusals that a new attempt soon would not change: the gateway then retries only every `reconnectMax`. */
const SLOW_RETRY_REFUSALS: readonly WelcomeRefusal[] = ['revoked', 'bad-credential', 'gateway-mismatch'];
/** Close code central uses after a refused welcome. */
const CLOSE_REFUSED = 4401;

/** Where the sync client stands (GET /sync `state`). */
export type SyncPhase =
  'disabled' | 'not-enrolled' | 'enrolling' | 'connecting' | 'connected' | 'refused' | 'disconnected' | 'stopped';

/** One WebSocket connection and what was learnt on it. */
interface Session {
  readonly id: number;
  readonly socket: WebSocket;
  welcomed: boolean;
  /** The protocol version agreed in the welcome: what central can read (docs/sync.md). */
  protocol?: number;
  /** The seq of the message held back because central's protocol is too old for it, once logged. */
  heldSeq?: number;
  helloSentAt?: Date;
  /** Why central refused this connection (welcome or HTTP status at upgrade). */
  refusal?: { reason: WelcomeRefusal; message: string };
  /** Why the connection ended, as the gateway understood it. */
  problem?: string;
  rate?: DrainRate;
  pumping: boolean;
  pumpAgain: boolean;
  lastHeardMs: number;
  pingId: number;
  timers: Timer[];
  badFrames: number;
}

/**
 * What an enrolment asked for on the commissioning page gave: central's answer, or why none was asked for (no
 * `central` section in the config, a credential already there, an exchange already under way).
 */
export type PageEnrolment =
  | EnrolmentAnswer
  | { outcome: 'not-configured' }
  | { outcome: 'already-enrolled'; credentialFile: string }
  | { outcome: 'busy' }
  | { outcome: 'unwritable'; message: string };

/**
 * The gateway's side of the sync with central (docs/architecture.md "Sync"). The gateway dials out (it sits behind 4G/NAT):
 * enrolment once (`POST /api/enrolment` → credential file), then one WebSocket to `/api/sync` at a time, ever, with
 * its credential. On each connection: `hello` (desired version, outbox range, clock) → `welcome`; then the outbox is
 * rewound and drained at the configured rate as `report` frames, acks delete what central stored, desired state and
 * commands are handed to their services (each desired version answered by `desired.applied` and `desired.result`,
 * the last result sent again on each connection), the catalogue goes up when central lacks it, clock pings measure skew. Lost connections are retried with exponential
 * backoff and jitter; a refusal that retrying cannot fix (revoked or bad credential, another gateway's credential)
 * slows retries to `reconnectMax`. Every frame from central is parsed by libs/sync; a bad one is logged and ignored.
 */
@Injectable()
export class SyncClient implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncClient.name);
  private phase: SyncPhase;
  /** The points of the config's equipment: each produces one telemetry message per interval. */
  private readonly pointCount: number;
  private detail: string | undefined;
  private lastError: { at: string; message: string } | undefined;
  private lastAckAt: string | undefined;
  private connectedSince: string | undefined;
  private nextAttempt: { at: string; delayMs: number } | undefined;
  private session: Session | undefined;
  private sessions = 0;
  private credential: string | undefined;
  private retryTimer: Timer | undefined;
  private readonly backoff: Backoff;
  private stopped = false;
  private badFrames = 0;
  /** An enrolment code is being exchanged with central (from the config or the commissioning page). */
  private exchanging = false;
  private lastBadFrame: { at: string; reason: string } | undefined;
  /** The last problem logged, so a retry storm of the same failure logs once. */
  private lastLogged: string | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly outbox: OutboxService,
    private readonly desired: DesiredStateService,
    private readonly commands: CommandExecutor,
    private readonly credentials: CredentialStore,
    private readonly enrolment: EnrolmentClient,
    private readonly sockets: SyncSocketFactory,
    private readonly centralClock: CentralClock,
    private readonly clock: Clock,
    private readonly catalogue: CatalogueReporter,
  ) {
    const central = loaded.config.central;
    this.phase = central === undefined ? 'disabled' : 'connecting';
    this.pointCount = loaded.config.buses
      .flatMap((bus) => bus.equipment)
      .reduce((count, equipment) => count + (loaded.profiles.get(equipment.profile)?.points.length ?? 0), 0);
    this.backoff = new Backoff(
      central?.reconnectMin ?? DEFAULT_CENTRAL_RECONNECT_MS.min,
      central?.reconnectMax ?? DEFAULT_CENTRAL_RECONNECT_MS.max,
    );
  }

  private get central(): CentralConfig {
    const central = this.loaded.config.central;
    if (central === undefined) throw new Error('no central section in the config');
    return central;
  }

  onApplicationBootstrap(): void {
    if (this.loaded.config.central === undefined) return;
    this.unsubscribe = this.outbox.onAppended(() => {
      if (this.session?.welcomed === true) void this.pump(this.session);
    });
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.retryTimer?.cancel();
    const session = this.session;
    if (session !== undefined) await this.closeSession(session);
    if (this.phase !== 'disabled') this.phase = 'stopped';
  }

  /** Whether a session with central is open now. */
  get connected(): boolean {
    return this.phase === 'connected';
  }

  /** What GET /sync shows. */
  status() {
    const central = this.loaded.config.central;
    const sizes = this.outbox.sizes();
    return {
      configured: central !== undefined,
      ...(central === undefined ? {} : { central: central.url }),
      state: this.phase,
      status: this.detail === undefined ? this.phase : `${this.phase}: ${this.detail}`,
      enrolled: central !== undefined && this.credential !== undefined,
      connected: this.phase === 'connected',
      connectedSince: this.phase === 'connected' ? (this.connectedSince ?? null) : null,
      lastError: this.lastError ?? null,
      nextAttempt: this.nextAttempt ?? null,
      desiredVersion: this.desired.version,
      outbox: { ...sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0), ...this.outbox.rangeNow() },
      lastAckAt: this.lastAckAt ?? null,
      clockOffsetMs: this.centralClock.offsetMs() ?? null,
      attempts: this.sessions,
      badFrames: this.badFrames,
      lastBadFrame: this.lastBadFrame ?? null,
    };
  }

  /** Credential first (read, or exchanged for the enrolment code), then the socket. */
  private start(): void {
    let credential: string | undefined;
    try {
      credential = this.credentials.read();
    } catch (error) {
      this.notEnrolled(`cannot read ${this.credentials.path}: ${messageOf(error)}`);
      return;
    }
    if (credential !== undefined) {
      this.credential = credential;
      this.connect();
      return;
    }
    if (this.central.enrolmentCode === undefined) {
      this.notEnrolled(
        `no credential in ${this.credentials.path} and no central.enrolmentCode to obtain one; ` +
          'schedules and equipment run without central',
      );
      return;
    }
    void this.enrol(this.central.enrolmentCode);
  }

  private async enrol(code: string): Promise<void> {
    if (this.stopped) return;
    const answer = await this.exchange(code);
    if (this.isStopped()) return;
    switch (answer.outcome) {
      case 'refused':
        this.notEnrolled(`enrolment refused: ${answer.message}`);
        return;
      case 'unreachable': {
        const delay = this.backoff.next();
        this.fail('not-enrolled', `enrolment pending: ${answer.message}`, 'warn');
        this.retryIn(delay, () => void this.enrol(code));
        return;
      }
      case 'enrolled':
        this.enrolled(answer);
        return;
    }
  }

  /**
   * An enrolment code typed on the commissioning page (`POST /sync/enrolment`): exchanged with central at once, and
   * central's answer given back rather than retried — the engineer in front of the cabinet reads it and types again.
   * Enrolled, the credential is written and the sync starts, exactly as with `central.enrolmentCode`. A code of the
   * config still waiting to be tried again is tried again after a failure here.
   */
  async enrolFromPage(code: string): Promise<PageEnrolment> {
    if (this.loaded.config.central === undefined) return { outcome: 'not-configured' };
    if (this.credential !== undefined) return { outcome: 'already-enrolled', credentialFile: this.credentials.path };
    if (this.exchanging) return { outcome: 'busy' };
    this.retryTimer?.cancel();
    this.nextAttempt = undefined;
    const answer = await this.exchange(code);
    if (this.isStopped()) return answer;
    switch (answer.outcome) {
      case 'refused':
        this.notEnrolled(`enrolment refused: ${answer.message}`);
        break;
      case 'unreachable':
        this.fail('not-enrolled', `enrolment failed: ${answer.message}`, 'warn', true);
        break;
      case 'enrolled': {
        const unwritable = this.enrolled(answer);
        return unwritable === undefined ? answer : { outcome: 'unwritable', message: unwritable };
      }
    }
    const configured = this.central.enrolmentCode;
    if (configured !== undefined) this.retryIn(this.backoff.next(), () => void this.enrol(configured));
    return answer;
  }

  /** One exchange of an enrolment code with central, at a time. */
  private async exchange(code: string): Promise<EnrolmentAnswer> {
    this.exchanging = true;
    this.setPhase('enrolling');
    try {
      return await this.enrolment.exchange(this.central.url, code, this.loaded.config.gateway.id);
    } finally {
      this.exchanging = false;
    }
  }

  /** Keeps the credential central gave and connects; what went wrong writing it, if it could not be kept. */
  private enrolled(answer: Extract<EnrolmentAnswer, { outcome: 'enrolled' }>): string | undefined {
    try {
      this.credentials.write(answer.credential);
    } catch (error) {
      const message = `enrolled, but cannot write ${this.credentials.path}: ${messageOf(error)}`;
      this.notEnrolled(message);
      return message;
    }
    this.credential = answer.credential;
    this.backoff.reset();
    this.logger.log(
      `enrolled with central as ${answer.gatewayId}` +
        (answer.communeInsee === undefined ? '' : ` for commune ${answer.communeInsee}`) +
        `; credential written to ${this.credentials.path}`,
    );
    if (answer.communeInsee !== undefined && answer.communeInsee !== this.loaded.config.commune.insee) {
      this.logger.warn(
        `central enrolled this gateway for commune ${answer.communeInsee}, the config says ${this.loaded.config.commune.insee}`,
      );
    }
    this.connect();
    return undefined;
  }

  /** Opens the one socket (any previous one is gone: sessions end before a retry is armed). */
  private connect(): void {
    if (this.stopped || this.credential === undefined) return;
    this.nextAttempt = undefined;
    if (this.phase !== 'refused') this.setPhase('connecting');
    const url = centralEndpoint(this.central.url, 'api/sync', 'ws');
    let socket: WebSocket;
    try {
      socket = this.sockets.open(url, this.credential);
    } catch (error) {
      this.fail('disconnected', `cannot open ${url}: ${messageOf(error)}`, 'warn');
      this.retryIn(this.backoff.next(), () => this.connect());
      return;
    }
    this.sessions += 1;
    const session: Session = {
      id: this.sessions,
      socket,
      welcomed: false,
      pumping: false,
      pumpAgain: false,
      lastHeardMs: machineClock.monotonicMs(),
      pingId: 0,
      timers: [],
      badFrames: 0,
    };
    this.session = session;
    socket.on('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      session.problem = `central answered HTTP ${status} to the upgrade`;
      if (status === 401 || status === 403) {
        session.refusal = { reason: 'bad-credential', message: `HTTP ${status} at the upgrade` };
      }
      request.destroy();
      socket.terminate();
    });
    socket.on('open', () => {
      this.hello(session).catch((error: unknown) => {
        session.problem = `cannot say hello: ${messageOf(error)}`;
        socket.terminate();
      });
    });
    socket.on('message', (data: WebSocket.RawData) => this.receive(session, data));
    socket.on('pong', () => {
      session.lastHeardMs = machineClock.monotonicMs();
    });
    socket.on('error', (error) => {
      session.problem ??= error.message;
    });
    socket.on('close', (code, reason) => this.closed(session, code, reason.toString()));
    session.timers.push(
      machineClock.setTimeout(() => {
        if (!session.welcomed) {
          session.problem = `no welcome from central within ${WELCOME_TIMEOUT_MS / 1000} s`;
          socket.terminate();
        }
      }, WELCOME_TIMEOUT_MS),
    );
  }

  private async hello(session: Session): Promise<void> {
    const range = await this.outbox.range();
    const incarnation = await this.outbox.incarnation();
    session.helloSentAt = this.clock.now();
    this.send(session, {
      type: 'hello',
      v: 1,
      gatewayId: this.loaded.config.gateway.id,
      protocolVersion: PROTOCOL_VERSION,
      desiredVersion: this.desired.version,
      outbox: range,
      incarnation,
      clock: session.helloSentAt.toISOString(),
      software: SOFTWARE,
    });
  }

  private receive(session: Session, data: WebSocket.RawData): void {
    if (session !== this.session) return;
    session.lastHeardMs = machineClock.monotonicMs();
    let message: CentralMessage;
    try {
      message = parseCentralFrame(rawFrame(data), { maxBytes: MAX_FRAME_BYTES });
    } catch (error) {
      if (!(error instanceof SyncException)) throw error;
      this.badFrame(session, error.message);
      return;
    }
    if (!session.welcomed && message.type !== 'welcome') {
      this.badFrame(session, `${message.type} before the welcome`);
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.welcome(session, message);
        return;
      case 'desired.snapshot':
      case 'desired.delta':
        this.desiredState(session, message);
        return;
      case 'command':
        void this.commands.handle(message);
        return;
      case 'ack':
        this.ack(message);
        return;
      case 'catalogue.stored':
        this.catalogue.stored(message).catch((error: unknown) => {
          this.logger.error(`cannot record the catalogue central stored: ${messageOf(error)}`);
        });
        return;
      case 'clock.ping':
        this.send(session, clockPong(message, this.clock.now()));
        return;
      case 'clock.pong':
        try {
          this.centralClock.add(clockSample(message, this.clock.now()));
        } catch (error) {
          this.logger.debug(`clock sample ignored: ${messageOf(error)}`);
        }
        return;
    }
  }

  private badFrame(session: Session, reason: string): void {
    session.badFrames += 1;
    this.badFrames += 1;
    this.lastBadFrame = { at: this.clock.now().toISOString(), reason };
    // Logged with its reason, but a peer sending garbage in a loop does not flood the log.
    if (session.badFrames <= 10 || session.badFrames % 100 === 0) {
      this.logger.warn(`ignored a frame from central (${session.badFrames} on this connection): ${reason}`);
    }
  }

  private welcome(session: Session, welcome: WelcomeV1): void {
    if (session.welcomed) {
      this.badFrame(session, 'a second welcome on this connection');
      return;
    }
    if (welcome.result === 'refused') {
      session.refusal = { reason: welcome.reason, message: welcome.message };
      session.problem = `${welcome.reason}: ${welcome.message}`;
      // Central closes the connection (4401); close it from here too in case it does not.
      session.socket.close(1000, 'refused');
      return;
    }
    const gatewayId = this.loaded.config.gateway.id;
    if (welcome.gatewayId !== gatewayId) {
      session.refusal = {
        reason: 'gateway-mismatch',
        message: `central welcomed gateway "${welcome.gatewayId}", this is "${gatewayId}"`,
      };
      session.problem = session.refusal.message;
      session.socket.close(1008, 'gateway mismatch');
      return;
    }
    session.welcomed = true;
    session.protocol = welcome.protocolVersion;
    this.backoff.reset();
    this.connectedSince = this.clock.now().toISOString();
    this.lastLogged = undefined;
    this.setPhase('connected');
    this.logger.log(
      `connected to central (desired version: here ${this.desired.version}, central ${welcome.desiredVersion})`,
    );
    if (session.helloSentAt !== undefined) {
      try {
        // The welcome is a first, coarse clock exchange: hello sent → server time → welcome received.
        const serverTime = welcome.serverTime;
        const pong = {
          type: 'clock.pong',
          v: 1,
          id: 0,
          pingSentAt: session.helloSentAt.toISOString(),
          receivedAt: serverTime,
          sentAt: serverTime,
        } as const;
        this.centralClock.add(clockSample(pong, this.clock.now()));
      } catch {
        // A clock that stepped during the handshake: wait for the pings.
      }
    }
    const { healthInterval } = this.central;
    session.rate = this.newDrainRate();
    // Everything not acknowledged goes again, oldest first (queued behind any batch a previous connection took).
    void this.outbox.rewind().then(() => this.pump(session));
    this.reportCatalogue(session);
    const result = this.desired.result();
    if (result !== undefined) this.send(session, result);
    this.ping(session);
    session.timers.push(machineClock.setInterval(() => this.ping(session), healthInterval));
    const keepalive = Math.min(KEEPALIVE_MAX_MS, healthInterval);
    session.timers.push(machineClock.setInterval(() => this.keepalive(session, keepalive), keepalive));
  }

  private desiredState(session: Session, message: DesiredSnapshotV1 | DesiredDeltaV1): void {
    this.desired
      .receive(message)
      .then((reply) => {
        if (reply !== undefined) this.send(session, reply);
        const result = this.desired.result();
        if (reply?.type === 'desired.applied' && result?.version === reply.version) this.send(session, result);
      })
      .catch((error: unknown) => {
        this.logger.error(`applying desired version ${message.version} failed: ${messageOf(error)}`);
      });
  }

  /** The catalogue changed (commissioning bound or unbound equipment): central gets it now if it is connected. */
  catalogueChanged(): void {
    const session = this.session;
    if (session?.welcomed === true) this.reportCatalogue(session);
  }

  /** What this gateway has, unless central already stored this very catalogue. */
  private reportCatalogue(session: Session): void {
    this.catalogue
      .toSend()
      .then((catalogue) => {
        if (catalogue !== undefined && this.live(session)) this.send(session, catalogue);
      })
      .catch((error: unknown) => {
        this.logger.error(`cannot report the catalogue: ${messageOf(error)}`);
      });
  }

  private ack(ack: AckV1): void {
    this.outbox
      .ack(ack)
      .then(() => {
        this.lastAckAt = this.clock.now().toISOString();
      })
      .catch((error: unknown) => {
        this.logger.error(`cannot delete acknowledged messages: ${messageOf(error)}`);
      });
  }

  private ping(session: Session): void {
    session.pingId += 1;
    this.send(session, { type: 'clock.ping', v: 1, id: session.pingId, sentAt: this.clock.now().toISOString() });
  }

  private keepalive(session: Session, periodMs: number): void {
    if (machineClock.monotonicMs() - session.lastHeardMs > periodMs * 2.5) {
      session.problem = `central silent for ${Math.round((periodMs * 2.5) / 1000)} s`;
      session.socket.terminate();
      return;
    }
    if (session.socket.readyState === WebSocket.OPEN) session.socket.ping();
  }

  /** The drain's token bucket runs on monotonic time (a wall-clock step neither floods nor stalls it). */
  /**
   * The outbox's pace: what the points produce steadily (each point once per `telemetryInterval`) always flows, and
   * `drain.perSecond` more catches up on a backlog. Paced at `drain.perSecond` alone, a gateway whose points produce
   * more than that would pile its telemetry up in the outbox for ever.
   */
  private newDrainRate(): DrainRate {
    const { drain, telemetryInterval } = this.central;
    const steady = (this.pointCount * 1000) / telemetryInterval;
    return drainRate(drain.perSecond + steady, Math.max(drain.burst, Math.ceil(steady)), this.drainNow());
  }

  private drainNow(): Date {
    return new Date(machineClock.monotonicMs());
  }

  /** Sends the outbox in seq order at the drain rate until it is all sent; an append wakes it again. */
  private async pump(session: Session): Promise<void> {
    if (session.pumping) {
      session.pumpAgain = true;
      return;
    }
    session.pumping = true;
    try {
      while (this.live(session)) {
        session.pumpAgain = false;
        if (session.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          await machineClock.sleep(MIN_DRAIN_WAIT_MS);
          continue;
        }
        const rate = session.rate ?? this.newDrainRate();
        const limit = Math.min(BATCH_LIMIT, rate.burst);
        const batch = await this.outbox.nextBatch(limit, rate, this.drainNow(), session.protocol);
        session.rate = batch.rate;
        if (batch.heldBy !== undefined && batch.heldBy.seq !== session.heldSeq) {
          session.heldSeq = batch.heldBy.seq;
          this.logger.warn(
            `central speaks sync protocol ${session.protocol ?? 1}, too old for ${batch.heldBy.class} messages: ` +
              `message ${batch.heldBy.seq} and those after it wait until central is upgraded`,
          );
        }
        if (batch.report !== undefined && this.live(session)) this.send(session, batch.report);
        if (batch.retryInMs === undefined) break;
        if (batch.retryInMs > 0) await machineClock.sleep(Math.max(MIN_DRAIN_WAIT_MS, batch.retryInMs));
      }
    } catch (error) {
      this.logger.error(`draining the outbox failed: ${messageOf(error)}`);
    } finally {
      session.pumping = false;
    }
    if (session.pumpAgain && this.live(session)) void this.pump(session);
  }

  /** Read through a method: the flag changes while an await is pending. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private live(session: Session): boolean {
    return session === this.session && session.welcomed && session.socket.readyState === WebSocket.OPEN;
  }

  private send(session: Session, message: GatewayMessage): void {
    if (session.socket.readyState !== WebSocket.OPEN) return;
    session.socket.send(encodeMessage(message), (error) => {
      if (error instanceof Error) session.problem ??= `send failed: ${error.message}`;
    });
  }

  private closed(session: Session, code: number, reason: string): void {
    for (const timer of session.timers) timer.cancel();
    if (session !== this.session) return;
    this.session = undefined;
    if (this.stopped) return;
    const wasConnected = session.welcomed;
    const refusal = session.refusal;
    if (refusal !== undefined) {
      const slow = SLOW_RETRY_REFUSALS.includes(refusal.reason);
      const delay = slow ? this.slowDelay() : this.backoff.next();
      this.fail('refused', `${refusal.reason} (${refusal.message})`, 'error');
      this.retryIn(delay, () => this.connect());
      return;
    }
    const why =
      session.problem ??
      (code === CLOSE_REFUSED
        ? 'central closed the connection as refused'
        : `closed by central (${code}${reason === '' ? '' : ` ${reason}`})`);
    this.fail('disconnected', why, 'warn', wasConnected);
    this.retryIn(this.backoff.next(), () => this.connect());
  }

  /** reconnectMax with jitter (between half and all of it), as the backoff gives once it has grown to its ceiling. */
  private slowDelay(): number {
    const max = this.central.reconnectMax;
    return Math.round(max / 2 + (Math.random() * max) / 2);
  }

  private retryIn(delayMs: number, attempt: () => void): void {
    this.retryTimer?.cancel();
    if (this.stopped) return;
    this.nextAttempt = { at: new Date(this.clock.now().getTime() + delayMs).toISOString(), delayMs };
    this.retryTimer = machineClock.setTimeout(() => {
      this.nextAttempt = undefined;
      attempt();
    }, delayMs);
  }

  private async closeSession(session: Session): Promise<void> {
    for (const timer of session.timers) timer.cancel();
    const { socket } = session;
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (socket.readyState === WebSocket.OPEN) socket.close(1001, 'gateway stopping');
    else socket.terminate();
    await Promise.race([closed, machineClock.sleep(1000)]);
    socket.terminate();
  }

  private notEnrolled(reason: string): void {
    this.fail('not-enrolled', reason, 'error', true);
  }

  private setPhase(phase: SyncPhase, detail?: string): void {
    this.phase = phase;
    this.detail = detail;
  }

  /**
   * Records a failure for GET /sync and logs it — `always`, or when it differs from the last one logged, so retries
   * failing the same way log one line until something changes.
   */
  private fail(phase: SyncPhase, message: string, level: 'error' | 'warn', always = false): void {
    this.setPhase(phase, message);
    this.lastError = { at: this.clock.now().toISOString(), message };
    const line = `${phase}: ${message}`;
    if (!always && line === this.lastLogged) return;
    this.lastLogged = line;
    if (level === 'error') this.logger.error(line);
    else this.logger.warn(line);
  }
}

/** The bytes of a frame as ws hands them over. */
function rawFrame(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
