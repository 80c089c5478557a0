import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { BusConfig, OpcuaPointDefinition, PointScalar } from '@beffroi/domain';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  coerceNodeId,
  type DataValue,
  MessageSecurityMode,
  NodeId,
  OPCUAClient,
  SecurityPolicy,
  type StatusCode,
  TimestampsToReturn,
  type UserIdentityInfo,
  UserTokenType,
  type VariantOptions,
} from 'node-opcua-client';
import { BehaviorSubject, distinctUntilChanged, type Observable, Subject } from 'rxjs';
import { Backoff } from '@beffroi/runtime/backoff';
import {
  type BoundPoint,
  type BusHealth,
  FieldDriver,
  type LinkState,
  type PointSample,
  type WriteAck,
} from '../field-driver';
import { ConnectionLoss, ConnectionLossError } from './connection-loss';
import { describeConnectFailure } from './opcua-failure';
import { typeMismatch } from './opcua-type-check';
import { encodeValue, sampleFromDataValue } from './opcua-value.codec';

/** What the driver takes from the bus config. */
export type OpcuaBusSettings = Pick<
  Extract<BusConfig, { protocol: 'opcua' }>,
  'id' | 'endpointUrl' | 'securityMode' | 'timeout'
>;

export const OPCUA_SECURITY_POLICIES = ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export type OpcuaSecurityPolicy = (typeof OPCUA_SECURITY_POLICIES)[number];

export interface OpcuaDriverOptions {
  /**
   * PKI folder of the gateway's OPC UA client: `own/` holds its key and certificate (created on first start),
   * `trusted/certs/` the server certificates it trusts, `rejected/` those it refused.
   */
  pkiDir: string;
  /** Used when the bus's securityMode is Sign or SignAndEncrypt. Default: Basic256Sha256. */
  securityPolicy?: OpcuaSecurityPolicy;
  /** UserName login; anonymous when absent. */
  user?: { userName: string; password: string };
  /** Application name in the client certificate and the sessions. Default: BeffroiGateway. */
  applicationName?: string;
  /** Delays between connection attempts (doubling, with jitter). Default: 500 ms up to 30 s. */
  reconnect?: { initialMs: number; maxMs: number };
  /** Longest a connection attempt may take, from socket to monitored items. Default: 10 × timeout, at least 10 s. */
  connectTimeoutMs?: number;
  /**
   * How often the server must show it is alive when no value changes (the subscription's keep-alive); after three
   * missed keep-alives the link is declared dead, even if the socket looks open. Default: 5 s.
   */
  keepAliveMs?: number;
  /**
   * Session timeout asked of the server. After a network outage the driver opens a new session; the server drops the
   * old one (and its subscription) when this runs out. Default: 30 s, at least six keep-alives.
   */
  sessionTimeoutMs?: number;
}

/** One OPC UA session with its subscription: what a successful connection attempt yields. */
interface Connection {
  client: OPCUAClient;
  session: ClientSession;
  subscription: ClientSubscription;
  namespaceArray: string[];
  /** Point key → node id resolved against this server's namespace array. */
  nodeIds: Map<string, NodeId>;
  /** Point key → why the point cannot be used on this server (its type does not match its node's DataType). */
  unusable: Map<string, string>;
  loss: ConnectionLoss;
  /** Monitored items the server accepted. */
  monitoredItems: number;
  watchdog: NodeJS.Timeout | undefined;
  connectedAt: number;
}

interface PendingWrite {
  point: BoundPoint<OpcuaPointDefinition>;
  variant: VariantOptions;
  notAfter: Date;
  timer: NodeJS.Timeout;
  settle: (ack: WriteAck) => void;
}

const DEFAULT_RECONNECT = { initialMs: 500, maxMs: 30_000 };
/** A connection that lasted this long was healthy: the next outage starts the backoff from the beginning. */
const STABLE_CONNECTION_MS = 60_000;
const DEFAULT_KEEPALIVE_MS = 5_000;
/** Missing keep-alives tolerated before the link is declared dead (half-open TCP, frozen server). */
const MISSED_KEEPALIVES = 3;
const MAX_WRITES_PER_REQUEST = 100;

const SECURITY_MODES: Record<OpcuaBusSettings['securityMode'], MessageSecurityMode> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};

function isOpcuaPoint(point: BoundPoint): point is BoundPoint<OpcuaPointDefinition> {
  return 'nodeId' in point.definition.address;
}

function badSample(key: string, reason: string, receivedAt: Date): PointSample {
  return { key, value: null, quality: { status: 'bad', reason }, receivedAt };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `step`, or a rejection after `ms` (the step itself goes on in the background, its outcome ignored). */
async function within<T>(step: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer to ${what} within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([step, expired]);
  } finally {
    clearTimeout(timer);
    step.catch(() => undefined);
  }
}

/**
 * The gateway's client for one OPC UA server (one bus). It owns the connection: one attempt at a time, with backoff
 * and jitter, a new session (and a new OPCUAClient: node-opcua's own reconnection is off) after every loss, node ids
 * re-resolved against the namespace array of the server it reached, and exactly one subscription with one monitored
 * item per point. Writes wait for the connection until their not-after time (not once the gateway is stopping: see
 * `stopWaiting`); reads never wait for it.
 */
export class OpcuaDriver extends FieldDriver {
  readonly busId: string;
  readonly changes$: Observable<PointSample>;
  private readonly logger = new Logger(OpcuaDriver.name);
  private readonly samples = new Subject<PointSample>();
  private readonly points: readonly BoundPoint<OpcuaPointDefinition>[];
  private readonly equipmentIds: readonly string[];
  private readonly backoff: Backoff;
  private readonly connectTimeoutMs: number;
  private readonly linkStates = new BehaviorSubject<LinkState>('disconnected');
  readonly link$: Observable<LinkState> = this.linkStates.pipe(distinctUntilChanged());
  private connection: Connection | undefined;
  /** The attempt under way, so that stop() can cut it short. */
  private attempt: ConnectionLoss | undefined;
  private stopSignal: AbortController | undefined;
  private loop: Promise<void> | undefined;
  /** Settles when the last stop() has closed everything. */
  private stopped: Promise<void> = Promise.resolve();
  private certificates: OPCUACertificateManager | undefined;
  /** The trust lists changed on disk (an operator moved a certificate): re-read them before the next attempt. */
  private reloadTrustLists = false;
  /** Since when the server is unreachable, and why (for health()). */
  private outage: { since: Date; reason: string } | undefined;
  private lastFailureLogged: string | undefined;
  private everConnected = false;
  private readonly queue: PendingWrite[] = [];
  private pumping = false;
  /** Type mismatches already logged, so that a reconnection does not log them again. */
  private readonly loggedMismatches = new Set<string>();
  /** Cleared by {@link stopWaiting}: writes are then refused while there is no connection, not queued. */
  private writesWait = true;

  constructor(
    private readonly bus: OpcuaBusSettings,
    points: readonly BoundPoint<OpcuaPointDefinition>[],
    private readonly options: OpcuaDriverOptions,
  ) {
    super();
    this.busId = bus.id;
    this.points = [...points];
    this.equipmentIds = [...new Set(points.map((point) => point.equipmentId))];
    const reconnect = options.reconnect ?? DEFAULT_RECONNECT;
    this.backoff = new Backoff(reconnect.initialMs, reconnect.maxMs);
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.max(10 * bus.timeout, 10_000);
    this.changes$ = this.samples.asObservable();
  }

  private get link(): LinkState {
    return this.linkStates.value;
  }

  private set link(state: LinkState) {
    this.linkStates.next(state);
  }

  private get keepAliveMs(): number {
    return this.options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  }

  private get securityPolicyName(): OpcuaSecurityPolicy {
    return this.options.securityPolicy ?? 'Basic256Sha256';
  }

  /** The gateway's own certificate, to be trusted by the server when securityMode is Sign or SignAndEncrypt. */
  get certificateFile(): string {
    return join(this.options.pkiDir, 'own', 'certs', 'client_certificate.pem');
  }

  /**
   * Creates the gateway's key and self-signed certificate when missing (the first connection attempt would) and
   * returns the certificate file, so that it can be installed on the server before the first connection.
   */
  async ensureCertificate(): Promise<string> {
    await this.createClient(await this.certificateManager()).createDefaultCertificate();
    return this.certificateFile;
  }

  start(): Promise<void> {
    if (this.stopSignal) return Promise.resolve();
    const stopSignal = new AbortController();
    this.stopSignal = stopSignal;
    this.writesWait = true;
    this.link = 'connecting';
    // Behind a stop() still closing: two loops never share the bus.
    this.loop = this.stopped
      .then(() => this.keepConnected(stopSignal.signal))
      .catch((error: unknown) => {
        this.logger.error(`bus ${this.busId}: connection loop ended unexpectedly: ${messageOf(error)}`);
      });
    return Promise.resolve();
  }

  stopWaiting(): void {
    this.writesWait = false;
    if (!this.connection) this.failQueued(this.strandedReason());
  }

  stop(): Promise<void> {
    const stopSignal = this.stopSignal;
    this.stopSignal = undefined;
    this.failQueued('driver stopped');
    if (stopSignal) {
      stopSignal.abort();
      this.attempt?.fire('driver stopped');
      this.connection?.loss.fire('driver stopped');
      this.stopped = this.release(this.loop);
    }
    return this.stopped;
  }

  async read(points: readonly BoundPoint[]): Promise<PointSample[]> {
    const connection = this.connection;
    const receivedAt = new Date();
    if (!connection) return points.map((point) => badSample(point.key, 'not connected', receivedAt));
    const targets = points.map((point) => ({ point, nodeId: this.nodeIdOf(point, connection) }));
    const readable = targets.filter(
      (target): target is { point: BoundPoint<OpcuaPointDefinition>; nodeId: NodeId } =>
        target.nodeId instanceof Object && isOpcuaPoint(target.point),
    );
    let values: DataValue[] = [];
    let failure: string | undefined;
    if (readable.length > 0) {
      try {
        values = await within(
          connection.loss.race(
            connection.session.read(readable.map(({ nodeId }) => ({ nodeId, attributeId: AttributeIds.Value }))),
          ),
          this.bus.timeout,
          'Read',
        );
      } catch (error) {
        failure = messageOf(error);
      }
    }
    const answeredAt = new Date();
    const byKey = new Map<string, DataValue>();
    readable.forEach(({ point }, index) => {
      const value = values[index];
      if (value) byKey.set(point.key, value);
    });
    return targets.map(({ point, nodeId }) => {
      if (typeof nodeId === 'string') return badSample(point.key, nodeId, answeredAt);
      const value = byKey.get(point.key);
      if (!value || !isOpcuaPoint(point)) return badSample(point.key, failure ?? 'no value in the answer', answeredAt);
      return sampleFromDataValue(point.key, point.definition.type, value, answeredAt, point.definition.states);
    });
  }

  write(point: BoundPoint, value: PointScalar, notAfter: Date): Promise<WriteAck> {
    if (!this.stopSignal) return Promise.resolve({ status: 'failed', reason: 'driver stopped' });
    if (!isOpcuaPoint(point)) {
      return Promise.resolve({ status: 'failed', reason: `${point.key} is not an OPC UA point` });
    }
    const encoded = encodeValue(value, point.definition.type, point.definition.states);
    if (!encoded.ok) return Promise.resolve({ status: 'failed', reason: encoded.reason });
    const wait = notAfter.getTime() - Date.now();
    if (wait <= 0) {
      return Promise.resolve({ status: 'expired', reason: `not-after time ${notAfter.toISOString()} already passed` });
    }
    if (!this.writesWait && !this.connection) {
      return Promise.resolve({ status: 'failed', reason: this.strandedReason() });
    }
    return new Promise<WriteAck>((settle) => {
      const pending: PendingWrite = {
        point,
        variant: encoded.variant,
        notAfter,
        settle,
        timer: setTimeout(() => {
          const index = this.queue.indexOf(pending);
          if (index < 0) return;
          this.queue.splice(index, 1);
          settle({ status: 'expired', reason: this.expiryReason(notAfter) });
        }, wait),
      };
      this.queue.push(pending);
      void this.pumpWrites();
    });
  }

  health(): BusHealth {
    const outage = this.link === 'connected' ? undefined : this.outage;
    return {
      busId: this.busId,
      link: this.link,
      offline: outage
        ? this.equipmentIds.map((equipmentId) => ({ equipmentId, since: outage.since, reason: outage.reason }))
        : [],
      queued: this.queue.length,
    };
  }

  /** Connects, waits for the connection to be lost, connects again, until stop(). */
  private async keepConnected(stopped: AbortSignal): Promise<void> {
    // Read through a function: the signal changes while this loop awaits, which type narrowing cannot see.
    const isStopped = (): boolean => stopped.aborted;
    // The backoff grows with consecutive failures and with connections that drop soon after they are made (a
    // flapping server): only a connection that lasted starts it over.
    this.backoff.reset();
    let attempts = 0;
    while (!isStopped()) {
      this.link = 'connecting';
      attempts += 1;
      let connection: Connection;
      try {
        connection = await this.connect(stopped);
      } catch (error) {
        if (isStopped()) break;
        const delay = this.backoff.next();
        await this.noteFailure(error, attempts, delay);
        this.link = 'disconnected';
        await this.pause(delay, stopped);
        continue;
      }
      this.onConnected(connection, attempts);
      attempts = 0;
      if (isStopped()) connection.loss.fire('driver stopped');
      const reason = await connection.loss.lost;
      this.connection = undefined;
      clearInterval(connection.watchdog);
      if (!isStopped()) this.onLost(reason);
      await this.close(connection, isStopped());
      if (isStopped()) break;
      if (performance.now() - connection.connectedAt >= STABLE_CONNECTION_MS) this.backoff.reset();
      await this.pause(this.backoff.next(), stopped);
    }
    this.link = 'disconnected';
  }

  /** Waits for the loop to close its connection, then lets go of the PKI. */
  private async release(loop: Promise<void> | undefined): Promise<void> {
    await loop;
    const certificates = this.certificates;
    this.certificates = undefined;
    if (certificates) {
      // Each OPCUAClient counts itself as a user of the manager, and a failed connect() never gives that back.
      certificates.referenceCounter = 0;
      await certificates.dispose();
    }
  }

  private async pause(ms: number, stopped: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: stopped });
    } catch {
      // stopped
    }
  }

  /** One attempt: channel, session, namespace array, subscription, monitored items — or an error. */
  private async connect(stopped: AbortSignal): Promise<Connection> {
    const client = this.createClient(await this.certificateManager());
    await client.createDefaultCertificate();
    if (stopped.aborted) throw new ConnectionLossError('driver stopped');
    const loss = new ConnectionLoss();
    this.attempt = loss;
    client.on('connection_lost', () => {
      loss.fire('connection lost');
    });
    client.on('close', (error?: Error | null) => {
      loss.fire(error ? `connection closed: ${error.message}` : 'connection closed');
    });
    const deadline = setTimeout(() => {
      loss.fire(`no session and subscription within ${this.connectTimeoutMs} ms`);
    }, this.connectTimeoutMs);
    try {
      await loss.race(client.connect(this.bus.endpointUrl));
      const session = await loss.race(client.createSession(this.identity()));
      session.on('session_closed', (status: StatusCode) => {
        loss.fire(`session closed (${status.name})`);
      });
      const namespaceArray = await loss.race(session.readNamespaceArray());
      const nodeIds = this.resolveNodeIds(namespaceArray);
      const unusable = await loss.race(this.checkTypes(session, nodeIds));
      for (const key of unusable.keys()) nodeIds.delete(key);
      const connection: Connection = {
        client,
        session,
        subscription: await loss.race(this.subscribe(session, loss)),
        namespaceArray,
        nodeIds,
        unusable,
        loss,
        monitoredItems: 0,
        watchdog: undefined,
        connectedAt: performance.now(),
      };
      connection.monitoredItems = await loss.race(this.monitor(connection));
      connection.watchdog = this.watch(connection);
      return connection;
    } catch (error) {
      loss.fire('connection attempt failed');
      await within(client.disconnect(), this.bus.timeout, 'disconnect').catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(deadline);
      this.attempt = undefined;
    }
  }

  private createClient(certificates: OPCUACertificateManager): OPCUAClient {
    const securityMode = SECURITY_MODES[this.bus.securityMode];
    return OPCUAClient.create({
      applicationName: this.options.applicationName ?? 'BeffroiGateway',
      clientName: `beffroi-${this.busId}`,
      endpointMustExist: false,
      securityMode,
      securityPolicy:
        securityMode === MessageSecurityMode.None ? SecurityPolicy.None : SecurityPolicy[this.securityPolicyName],
      // One try per connect(): the retries, their pace and the sessions are this driver's business.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 100 },
      clientCertificateManager: certificates,
      keepSessionAlive: false,
      requestedSessionTimeout: this.options.sessionTimeoutMs ?? Math.max(30_000, 6 * this.keepAliveMs),
    });
  }

  private identity(): UserIdentityInfo {
    const user = this.options.user;
    return user
      ? { type: UserTokenType.UserName, userName: user.userName, password: user.password }
      : { type: UserTokenType.Anonymous };
  }

  private async certificateManager(): Promise<OPCUACertificateManager> {
    let certificates = this.certificates;
    if (!certificates) {
      certificates = new OPCUACertificateManager({
        rootFolder: this.options.pkiDir,
        automaticallyAcceptUnknownCertificate: false,
        disableFileWatchers: true,
      });
      this.certificates = certificates;
      this.reloadTrustLists = false;
      await certificates.initialize();
    } else if (this.reloadTrustLists) {
      this.reloadTrustLists = false;
      await certificates.reloadCertificates();
    }
    return certificates;
  }

  /** Node ids against this server's namespace array; points naming a namespace it lacks get a bad sample. */
  private resolveNodeIds(namespaceArray: string[]): Map<string, NodeId> {
    const nodeIds = new Map<string, NodeId>();
    const unresolved: string[] = [];
    const receivedAt = new Date();
    for (const point of this.points) {
      try {
        nodeIds.set(point.key, coerceNodeId(point.definition.address.nodeId, { namespaceArray }));
      } catch {
        unresolved.push(point.key);
        const reason = `the server has no namespace for ${point.definition.address.nodeId}`;
        this.samples.next(badSample(point.key, reason, receivedAt));
      }
    }
    if (unresolved.length > 0) {
      this.logger.warn(
        `bus ${this.busId}: ${unresolved.length} point(s) name a namespace the server at ${this.bus.endpointUrl} ` +
          `does not have: ${unresolved.join(', ')}`,
      );
    }
    return nodeIds;
  }

  /**
   * Reads the DataType of every node and compares it with its point's type: a point that does not match (`float32` on
   * an Int32 node) is logged as an error naming the equipment, point, node id and both types, gets a bad sample with
   * the reason, and is neither monitored, read nor written on this connection. Returns those points with the reason.
   */
  private async checkTypes(session: ClientSession, nodeIds: ReadonlyMap<string, NodeId>): Promise<Map<string, string>> {
    const unusable = new Map<string, string>();
    const checked = this.points.flatMap((point) => {
      const nodeId = nodeIds.get(point.key);
      return nodeId ? [{ point, nodeId }] : [];
    });
    if (checked.length === 0) return unusable;
    const values = await within(
      session.read(checked.map(({ nodeId }) => ({ nodeId, attributeId: AttributeIds.DataType }))),
      this.bus.timeout,
      'Read DataType',
    );
    const receivedAt = new Date();
    checked.forEach(({ point }, index) => {
      const dataType: unknown = values[index]?.value.value;
      if (!values[index]?.statusCode.isGood() || !(dataType instanceof NodeId)) return;
      const mismatch = typeMismatch(point.definition, dataType);
      if (mismatch === undefined) return;
      const reason = `type mismatch: ${mismatch}`;
      unusable.set(point.key, reason);
      this.samples.next(badSample(point.key, reason, receivedAt));
      const line =
        `bus ${this.busId}: equipment ${point.equipmentId}, point ${point.definition.id}, node ` +
        `${point.definition.address.nodeId}: ${mismatch}; the point stays bad until its profile type matches the node`;
      if (!this.loggedMismatches.has(line)) {
        this.loggedMismatches.add(line);
        this.logger.error(line);
      }
    });
    return unusable;
  }

  /** The node id of a point on this connection, or why there is none. */
  private nodeIdOf(point: BoundPoint, connection: Connection): NodeId | string {
    if (!isOpcuaPoint(point)) return `${point.key} is not an OPC UA point`;
    const unusable = connection.unusable.get(point.key);
    if (unusable !== undefined) return unusable;
    const known = connection.nodeIds.get(point.key);
    if (known) return known;
    try {
      return coerceNodeId(point.definition.address.nodeId, { namespaceArray: connection.namespaceArray });
    } catch {
      return `the server has no namespace for ${point.definition.address.nodeId}`;
    }
  }

  private async subscribe(session: ClientSession, loss: ConnectionLoss): Promise<ClientSubscription> {
    const publishingInterval = Math.min(...this.points.map((point) => point.periodMs), this.keepAliveMs);
    const maxKeepAliveCount = Math.max(1, Math.ceil(this.keepAliveMs / publishingInterval));
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: publishingInterval,
      requestedMaxKeepAliveCount: maxKeepAliveCount,
      requestedLifetimeCount: maxKeepAliveCount * 6,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 0,
    });
    subscription.on('terminated', () => {
      loss.fire('subscription terminated');
    });
    subscription.on('status_changed', (status: StatusCode) => {
      if (!status.isGood()) loss.fire(`subscription ${status.name}`);
    });
    subscription.on('internal_error', (error: Error) => {
      loss.fire(`subscription error: ${error.message}`);
    });
    return subscription;
  }

  /** One monitored item per point, created in one request per distinct sampling interval; returns how many exist. */
  private async monitor(connection: Connection): Promise<number> {
    const byInterval = new Map<number, BoundPoint<OpcuaPointDefinition>[]>();
    for (const point of this.points) {
      if (!connection.nodeIds.has(point.key)) continue;
      byInterval.set(point.periodMs, [...(byInterval.get(point.periodMs) ?? []), point]);
    }
    const refused: string[] = [];
    await Promise.all(
      [...byInterval].map(async ([samplingInterval, points]) => {
        const group = ClientMonitoredItemGroup.create(
          connection.subscription,
          points.map((point) => ({ nodeId: connection.nodeIds.get(point.key), attributeId: AttributeIds.Value })),
          { samplingInterval, queueSize: 1, discardOldest: true },
          TimestampsToReturn.Both,
        );
        group.on('changed', (_item, dataValue: DataValue, index: number) => {
          const point = points[index];
          if (!point || connection.loss.reason !== undefined) return;
          const { type, states } = point.definition;
          this.samples.next(sampleFromDataValue(point.key, type, dataValue, new Date(), states));
        });
        await new Promise<void>((resolve, reject) => {
          group.once('initialized', resolve);
          group.once('terminated', (error?: Error) => {
            reject(error ?? new Error('monitored items terminated'));
          });
        });
        group.monitoredItems.forEach((item, index) => {
          const point = points[index];
          if (!point || item.statusCode.isGood()) return;
          refused.push(`${point.key} (${item.statusCode.name})`);
          this.samples.next(badSample(point.key, item.statusCode.name, new Date()));
        });
      }),
    );
    if (refused.length > 0) {
      this.logger.warn(`bus ${this.busId}: the server refused to monitor ${refused.join(', ')}`);
    }
    return connection.nodeIds.size - refused.length;
  }

  /** Declares the link dead when the server stops answering publish requests, even with the socket still open. */
  private watch(connection: Connection): NodeJS.Timeout {
    const { subscription, loss } = connection;
    let lastHeard = performance.now();
    const heard = () => {
      lastHeard = performance.now();
    };
    subscription.on('keepalive', heard);
    subscription.on('received_notifications', heard);
    const keepAliveMs = subscription.publishingInterval * subscription.maxKeepAliveCount;
    const silenceMs = MISSED_KEEPALIVES * keepAliveMs + this.bus.timeout;
    const watchdog = setInterval(() => {
      const silent = performance.now() - lastHeard;
      if (silent > silenceMs) loss.fire(`no keep-alive from the server for ${Math.round(silent)} ms`);
    }, keepAliveMs);
    watchdog.unref();
    return watchdog;
  }

  private onConnected(connection: Connection, attempts: number): void {
    const outage = this.outage;
    this.connection = connection;
    this.link = 'connected';
    this.outage = undefined;
    this.lastFailureLogged = undefined;
    const items = connection.monitoredItems;
    const user = this.options.user ? `user ${this.options.user.userName}` : 'anonymous';
    const security = this.bus.securityMode === 'None' ? 'None' : `${this.bus.securityMode} ${this.securityPolicyName}`;
    const after = outage ? ` after ${Date.now() - outage.since.getTime()} ms and ${attempts} attempt(s)` : '';
    this.logger.log(
      `bus ${this.busId}: ${this.everConnected ? 'reconnected' : 'connected'} to ${this.bus.endpointUrl}${after} ` +
        `(${security}, ${user}), ${items} monitored item(s)`,
    );
    this.everConnected = true;
    void this.pumpWrites();
  }

  private onLost(reason: string): void {
    this.link = 'disconnected';
    this.outage = { since: new Date(), reason };
    this.logger.warn(`bus ${this.busId}: lost ${this.bus.endpointUrl} (${reason}); reconnecting`);
    const receivedAt = new Date();
    for (const point of this.points) this.samples.next(badSample(point.key, 'connection lost', receivedAt));
    if (!this.writesWait) this.failQueued(this.strandedReason());
  }

  private async noteFailure(error: unknown, attempt: number, retryInMs: number): Promise<void> {
    const failure = await describeConnectFailure(error, {
      endpointUrl: this.bus.endpointUrl,
      securityMode: this.bus.securityMode,
      securityPolicy: this.securityPolicyName,
      pkiDir: this.options.pkiDir,
      certificateFile: this.certificateFile,
      userName: this.options.user?.userName,
    });
    if (failure.trustListsMayChange) this.reloadTrustLists = true;
    this.outage = { since: this.outage?.since ?? new Date(), reason: failure.message };
    const line = `bus ${this.busId}: ${failure.message}`;
    if (line !== this.lastFailureLogged) {
      this.lastFailureLogged = line;
      this.logger.warn(`${line} (attempt ${attempt}, retrying in ${retryInMs} ms)`);
    } else {
      this.logger.debug(`${line} (attempt ${attempt}, retrying in ${retryInMs} ms)`);
    }
  }

  /** Closes what is left of a connection; after a loss the server is gone, so nothing waits beyond the bus timeout. */
  private async close(connection: Connection, graceful: boolean): Promise<void> {
    const { client, session, subscription } = connection;
    const timeout = this.bus.timeout;
    if (graceful) {
      await within(subscription.terminate(), timeout, 'DeleteSubscriptions').catch(() => undefined);
      await within(session.close(), timeout, 'CloseSession').catch(() => undefined);
    }
    await within(client.disconnect(), timeout, 'disconnect').catch((error: unknown) => {
      this.logger.debug(`bus ${this.busId}: ${messageOf(error)}`);
    });
  }

  /** Answers every write still queued, never sent. */
  private failQueued(reason: string): void {
    for (const pending of this.queue.splice(0)) {
      clearTimeout(pending.timer);
      pending.settle({ status: 'failed', reason });
    }
  }

  private strandedReason(): string {
    return `not sent: the gateway is stopping and ${this.bus.endpointUrl} is not connected`;
  }

  private expiryReason(notAfter: Date): string {
    return `not connected to ${this.bus.endpointUrl} before the not-after time ${notAfter.toISOString()}`;
  }

  /** Sends queued writes, oldest first, in Write requests of up to 100 values, while connected. */
  private async pumpWrites(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const connection = this.connection;
        if (!connection || this.queue.length === 0) return;
        const batch = this.queue.splice(0, MAX_WRITES_PER_REQUEST);
        const now = Date.now();
        const due: { pending: PendingWrite; nodeId: NodeId }[] = [];
        for (const pending of batch) {
          clearTimeout(pending.timer);
          const nodeId = this.nodeIdOf(pending.point, connection);
          if (pending.notAfter.getTime() <= now) {
            pending.settle({ status: 'expired', reason: this.expiryReason(pending.notAfter) });
          } else if (typeof nodeId === 'string') {
            pending.settle({ status: 'failed', reason: nodeId });
          } else {
            due.push({ pending, nodeId });
          }
        }
        await this.send(connection, due);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async send(connection: Connection, due: { pending: PendingWrite; nodeId: NodeId }[]): Promise<void> {
    if (due.length === 0) return;
    const nodesToWrite = due.map(({ pending, nodeId }) => ({
      nodeId,
      attributeId: AttributeIds.Value,
      value: { value: pending.variant },
    }));
    try {
      const statuses = await within(
        connection.loss.race(connection.session.write(nodesToWrite)),
        this.bus.timeout,
        'Write',
      );
      due.forEach(({ pending }, index) => {
        const status = statuses[index];
        pending.settle(
          status?.isGood()
            ? { status: 'written' }
            : { status: 'failed', reason: status?.name ?? 'no status in the answer' },
        );
      });
    } catch (error) {
      const reason =
        error instanceof ConnectionLossError
          ? `${error.message} while writing: the value may or may not have been written`
          : `${messageOf(error)}: the value may or may not have been written`;
      for (const { pending } of due) pending.settle({ status: 'failed', reason });
    }
  }
}
