import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type OpcuaPointDefinition, parseYaml, profileSchema } from '@beffroi/domain';
import type { Subscription } from 'rxjs';
import { ManualClock } from '@beffroi/runtime';
import { HeatingController } from '../../apps/simulator/src/devices/heating/heating-controller.device';
import { simulatorConfigSchema } from '../../apps/simulator/src/simulator.config';
import type { BoundPoint, PointSample } from '../../libs/fieldbus/src/field-driver';
import {
  OpcuaDriver,
  type OpcuaBusSettings,
  type OpcuaDriverOptions,
} from '../../libs/fieldbus/src/opcua/opcua.driver';
import { present, waitFor } from '../support/wait-for';

const PROFILE_PATH = join(__dirname, '../../config/profiles/beffroi-sim-heating.yaml');
const EQUIPMENT = 'heating-salle';
/** Retry fast so that a test waits for the server, not for the backoff. */
const FAST_RECONNECT = { initialMs: 100, maxMs: 500 };
const BUS_TIMEOUT = 1000;

/** The heating profile bound to one equipment, at a quarter of the profile's periods (1 s → 250 ms, 10 s → 2.5 s). */
function heatingPoints(): BoundPoint<OpcuaPointDefinition>[] {
  const profile = parseYaml(profileSchema, readFileSync(PROFILE_PATH, 'utf8'), PROFILE_PATH);
  if (profile.protocol !== 'opcua') throw new Error(`${PROFILE_PATH} is not an OPC UA profile`);
  return profile.points.map((definition) => ({
    key: `${EQUIPMENT}/${definition.id}`,
    equipmentId: EQUIPMENT,
    definition,
    periodMs: (definition.period ?? profile.defaults.period) / 4,
  }));
}

/** Offers None, Sign and SignAndEncrypt; trusts only client certificates it was given; one account. */
function heatingConfig() {
  const config = simulatorConfigSchema.parse({
    opcua: [
      {
        id: 'medium-opcua-driver',
        kind: 'heating-controller',
        port: 0,
        zones: [
          { name: 'Salle des fêtes', initialTemperature: 14 },
          { name: 'Mairie', initialTemperature: 20 },
        ],
        securityModes: ['None', 'Sign', 'SignAndEncrypt'],
        acceptUnknownClientCertificates: false,
        users: [{ userName: 'agent', password: 'clocher-1905' }],
      },
    ],
  }).opcua[0];
  if (!config) throw new Error('no heating controller in the config');
  return config;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A TCP relay to the controller that can turn into a black hole: while frozen it keeps every socket open and drops
 * every byte both ways, as a dead 4G link or a crashed router does; thawing drops the connections it swallowed.
 */
class LinkProxy {
  private readonly server = createServer((socket) => {
    this.relay(socket);
  });
  private readonly sockets = new Set<Socket>();
  /** The driver's side of each relayed connection. */
  private readonly clients = new Set<Socket>();
  private frozen = false;

  constructor(private readonly upstreamPort: () => number) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  /** Connections currently open through the relay (client side). */
  get connections(): number {
    return this.clients.size;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.upstreamPort(), '127.0.0.1');
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk) => {
        if (!this.frozen) to.write(chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}

/** Everything a driver emitted on changes$. */
class SampleLog {
  readonly samples: PointSample[] = [];
  private readonly subscription: Subscription;

  constructor(driver: OpcuaDriver) {
    this.subscription = driver.changes$.subscribe((sample) => this.samples.push(sample));
  }

  get mark(): number {
    return this.samples.length;
  }

  since(mark: number): PointSample[] {
    return this.samples.slice(mark);
  }

  /** The first sample of `point` after `mark` that `accept` takes, waiting for it. */
  next(point: string, mark: number, accept: (sample: PointSample) => boolean): Promise<PointSample> {
    return waitFor(
      `a sample of ${point}`,
      () => this.since(mark).find((sample) => sample.key === `${EQUIPMENT}/${point}` && accept(sample)),
      present,
    );
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}

const value = (expected: unknown) => (sample: PointSample) =>
  sample.quality.status === 'good' && sample.value === expected;

describe('OpcuaDriver against the simulated heating controller', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'beffroi-opcua-driver-'));
  const gatewayPki = join(workDir, 'gateway-pki');
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 8));
  const device = new HeatingController(heatingConfig(), clock, { pkiDir: join(workDir, 'controller-pki') });
  const points = heatingPoints();
  const point = (id: string): BoundPoint<OpcuaPointDefinition> => {
    const found = points.find((candidate) => candidate.key === `${EQUIPMENT}/${id}`);
    if (!found) throw new Error(`no point ${id} in ${PROFILE_PATH}`);
    return found;
  };
  const started: { driver: OpcuaDriver; log: SampleLog }[] = [];

  /** What an operator does once: the gateway's certificate on the controller, the controller's in the gateway's PKI. */
  const trustEachOther = async (driver: OpcuaDriver) => {
    const certificateFile = await driver.ensureCertificate();
    await device.trustClientCertificate(new X509Certificate(readFileSync(certificateFile)).raw);
    copyFileSync(device.certificateFile, join(gatewayPki, 'trusted', 'certs', 'heating-controller.pem'));
  };

  const startDriver = async (
    bus: Partial<OpcuaBusSettings> = {},
    options: Partial<OpcuaDriverOptions> = {},
    beforeStart: (driver: OpcuaDriver) => Promise<void> = () => Promise.resolve(),
  ): Promise<{ driver: OpcuaDriver; log: SampleLog }> => {
    const driver = new OpcuaDriver(
      { id: 'heating-bus', endpointUrl: device.endpointUrl, securityMode: 'None', timeout: BUS_TIMEOUT, ...bus },
      points,
      { pkiDir: gatewayPki, reconnect: FAST_RECONNECT, ...options },
    );
    const log = new SampleLog(driver);
    started.push({ driver, log });
    await beforeStart(driver);
    await driver.start();
    return { driver, log };
  };
  const connected = (driver: OpcuaDriver) =>
    waitFor('the driver to connect', () => driver.health().link === 'connected', present, { timeoutMs: 15_000 });
  const inFuture = (ms: number) => new Date(Date.now() + ms);

  beforeAll(() => device.start());

  afterEach(async () => {
    for (const { driver, log } of started.splice(0)) {
      await driver.stop();
      log.close();
    }
  });

  afterAll(async () => {
    await device.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('reads every point of the heating profile, converted to the type the profile declares', async () => {
    const { driver, log } = await startDriver();
    expect(driver.health().link).not.toBe('connected');
    await connected(driver);

    const samples = await driver.read(points);

    expect(samples.map((sample) => [sample.key, sample.quality])).toEqual(
      points.map((bound) => [bound.key, { status: 'good' }]),
    );
    const byId = new Map(samples.map((sample) => [sample.key.split('/')[1], sample]));
    expect(byId.get('zone.1.mode')?.value).toBe('comfort');
    expect(byId.get('zone.1.comfort_setpoint')?.value).toBe(19);
    expect(byId.get('zone.1.temperature')?.value).toBe(14);
    expect(byId.get('zone.1.heater_on')?.value).toBe(true);
    expect(byId.get('zone.2.heater_on')?.value).toBe(false);
    expect(byId.get('outdoor.temperature')?.value).toBe(8);
    for (const sample of samples) expect(sample.observedAt).toBeInstanceOf(Date);

    // the subscription delivered every point too, once, with one monitored item per point on the server
    await waitFor(
      'a sample of every point',
      () => new Set(log.samples.map((sample) => sample.key)).size === points.length,
      present,
    );
    expect(device.clientStats()).toEqual({ sessions: 1, subscriptions: 1, monitoredItems: points.length });
    expect(driver.health()).toEqual({ busId: 'heating-bus', link: 'connected', offline: [], queued: 0 });
  });

  it('writes a mode and a setpoint and sees them come back through the subscription', async () => {
    const { driver, log } = await startDriver();
    await connected(driver);
    const mark = log.mark;

    expect(await driver.write(point('zone.2.eco_setpoint'), 15.5, inFuture(5000))).toEqual({ status: 'written' });
    expect(await driver.write(point('zone.2.mode'), 'eco', inFuture(5000))).toEqual({ status: 'written' });

    await log.next('zone.2.mode', mark, value('eco'));
    await log.next('zone.2.eco_setpoint', mark, value(15.5));
    await log.next('zone.2.active_setpoint', mark, value(15.5));
    expect(device.state().zones[1]).toMatchObject({ mode: 'eco', activeSetpoint: 15.5 });
  });

  it('answers a value the controller refuses with its status code name, and one of the wrong type without sending it', async () => {
    const { driver } = await startDriver();
    await connected(driver);
    const soon = inFuture(5000);

    expect(await driver.write(point('zone.1.mode'), 'turbo', soon)).toEqual({
      status: 'failed',
      reason: 'BadOutOfRange',
    });
    expect(await driver.write(point('zone.1.comfort_setpoint'), 31, soon)).toEqual({
      status: 'failed',
      reason: 'BadOutOfRange',
    });
    expect(await driver.write(point('zone.1.temperature'), 25, soon)).toEqual({
      status: 'failed',
      reason: 'BadNotWritable',
    });
    expect(await driver.write(point('zone.1.comfort_setpoint'), 'warm', soon)).toEqual({
      status: 'failed',
      reason: 'expected a finite number (float64), got "warm"',
    });
    expect(device.state().zones[0]).toMatchObject({ mode: 'comfort', setpoints: { comfort: 19 } });
  });

  it('resumes after three server restarts in a row, with one subscription and one monitored item per point', async () => {
    const { driver, log } = await startDriver();
    await connected(driver);

    for (let restart = 1; restart <= 3; restart += 1) {
      const mark = log.mark;
      const restarted = device.restart(200);
      const lost = await waitFor(
        `connection lost (restart ${restart})`,
        () => {
          const bad = log.since(mark).filter((sample) => sample.quality.status === 'bad');
          return bad.length >= points.length && bad;
        },
        present,
      );
      expect(lost.map((sample) => sample.quality)).toEqual(
        points.map(() => ({ status: 'bad', reason: 'connection lost' })),
      );
      await restarted;

      // values flow again: every point once, none twice (the model's clock stands still, so nothing changes)
      await waitFor(
        `a good sample of every point after restart ${restart}`,
        () => {
          const good = log.since(mark).filter((sample) => sample.quality.status === 'good');
          return new Set(good.map((sample) => sample.key)).size === points.length;
        },
        present,
      );
      await sleep(600);
      const perPoint = new Map<string, number>();
      for (const sample of log.since(mark)) {
        if (sample.quality.status === 'good') perPoint.set(sample.key, (perPoint.get(sample.key) ?? 0) + 1);
      }
      expect([...perPoint.values()]).toEqual(points.map(() => 1));
      expect(device.clientStats()).toEqual({ sessions: 1, subscriptions: 1, monitoredItems: points.length });
      expect(driver.health().link).toBe('connected');
    }
  });

  it('sends a write issued during an outage once the controller is back, and expires one whose not-after time passes first', async () => {
    const { driver } = await startDriver();
    await connected(driver);

    const restarted = device.restart(1500);
    await waitFor('the driver to notice the outage', () => driver.health().link !== 'connected', present);
    const readDuringOutage = await driver.read([point('zone.1.mode')]);
    expect(readDuringOutage[0]?.quality).toEqual({ status: 'bad', reason: 'not connected' });
    const later = driver.write(point('zone.1.comfort_setpoint'), 20.5, inFuture(15_000));
    const tooLate = driver.write(point('zone.2.frost_setpoint'), 7, inFuture(300));
    expect(driver.health().queued).toBe(2);

    expect(await tooLate).toEqual({
      status: 'expired',
      reason: expect.stringContaining(`not connected to ${device.endpointUrl} before the not-after time`) as string,
    });
    expect(driver.health().queued).toBe(1);
    await restarted;
    expect(await later).toEqual({ status: 'written' });

    const [comfort] = await driver.read([point('zone.1.comfort_setpoint')]);
    expect(comfort).toMatchObject({ value: 20.5, quality: { status: 'good' } });
    expect(device.state().zones[0]?.setpoints.comfort).toBe(20.5);
    expect(device.state().zones[1]?.setpoints.frost).toBe(8);
    expect(driver.health().queued).toBe(0);
  });

  it('reports an unreachable server in health(), answers reads at once and fails queued writes when stopped', async () => {
    const endpointUrl = `opc.tcp://127.0.0.1:${await closedPort()}`;
    const { driver } = await startDriver({ endpointUrl });

    const health = await waitFor(
      'the failure in health()',
      () => {
        const current = driver.health();
        return current.offline.length > 0 && current;
      },
      present,
    );
    expect(health).toMatchObject({ link: expect.stringMatching(/connecting|disconnected/) as string, queued: 0 });
    expect(health.offline).toEqual([
      {
        equipmentId: EQUIPMENT,
        since: expect.any(Date) as Date,
        reason: `the server at ${endpointUrl} refuses connections (ECONNREFUSED): is it running?`,
      },
    ]);
    const samples = await driver.read(points);
    expect(samples.map((sample) => sample.quality)).toEqual(
      points.map(() => ({ status: 'bad', reason: 'not connected' })),
    );

    const pending = driver.write(point('zone.1.mode'), 'eco', inFuture(60_000));
    expect(driver.health().queued).toBe(1);
    await driver.stop();

    expect(await pending).toEqual({ status: 'failed', reason: 'driver stopped' });
    expect(await driver.write(point('zone.1.mode'), 'eco', inFuture(60_000))).toEqual({
      status: 'failed',
      reason: 'driver stopped',
    });
    expect(driver.health()).toMatchObject({ link: 'disconnected', queued: 0 });
  });

  it('declares a silent link dead from the missing keep-alives, reconnects when it answers again, and the server drops the old session', async () => {
    const proxy = new LinkProxy(() => device.port);
    const endpointUrl = `opc.tcp://127.0.0.1:${await proxy.listen()}`;
    try {
      const { driver, log } = await startDriver(
        { endpointUrl },
        { keepAliveMs: 200, sessionTimeoutMs: 3000, connectTimeoutMs: 1500 },
      );
      await connected(driver);
      const mark = log.mark;

      proxy.freeze();
      const reason = await waitFor('the silence to be noticed', () => driver.health().offline[0]?.reason, present);
      expect(reason).toMatch(/^no keep-alive from the server for \d+ ms$/);
      expect(log.since(mark).map((sample) => sample.quality)).toEqual(
        points.map(() => ({ status: 'bad', reason: 'connection lost' })),
      );
      // attempts into the black hole give up on their own, one at a time: the relay holds at most the abandoned
      // connection and the current attempt
      await waitFor(
        'an attempt to time out',
        () => driver.health().offline[0]?.reason.endsWith('no session and subscription within 1500 ms'),
        present,
      );
      expect(proxy.connections).toBeLessThanOrEqual(2);

      proxy.thaw();
      await connected(driver);
      await waitFor(
        'values to flow again',
        () => log.since(mark).some((sample) => sample.quality.status === 'good'),
        present,
      );
      await waitFor(
        'the server to drop the abandoned session',
        () => device.clientStats().sessions === 1 && device.clientStats(),
        present,
      );
      expect(device.clientStats()).toEqual({ sessions: 1, subscriptions: 1, monitoredItems: points.length });
    } finally {
      await proxy.close();
    }
  });

  it('refuses an untrusted server certificate saying which file to move where, then signs once each side trusts the other', async () => {
    const { driver } = await startDriver({ securityMode: 'Sign' });

    const untrusted = await waitFor(
      'the untrusted server certificate',
      () => driver.health().offline[0]?.reason,
      present,
    );
    expect(untrusted).toContain(
      `the server at ${device.endpointUrl} presented a certificate this gateway does not trust`,
    );
    const [, rejectedFile, trustedDir] =
      /\(BadCertificateUntrusted\): .*move (.+\.pem) into (.+)\/;/.exec(untrusted) ?? [];
    expect(trustedDir).toBe(join(gatewayPki, 'trusted', 'certs'));
    expect(existsSync(rejectedFile!)).toBe(true);

    renameSync(rejectedFile!, join(trustedDir!, basename(rejectedFile!)));

    // the driver trusts the server now (without a restart); the controller does not know the gateway yet
    const refused = await waitFor(
      'the controller to refuse the gateway',
      () =>
        /refused the secure channel \((\w+)\).* add (.+) to the server/.exec(driver.health().offline[0]?.reason ?? ''),
      present,
    );
    expect(refused[1]).toBe('BadSecurityChecksFailed');
    expect(refused[2]).toBe(driver.certificateFile);

    await device.trustClientCertificate(new X509Certificate(readFileSync(driver.certificateFile)).raw);
    await connected(driver);
    const [mode] = await driver.read([point('zone.1.mode')]);
    expect(mode?.quality).toEqual({ status: 'good' });
  });

  it('logs in with a user name and password over SignAndEncrypt, and reads, writes and subscribes', async () => {
    const { driver, log } = await startDriver(
      { securityMode: 'SignAndEncrypt' },
      { user: { userName: 'agent', password: 'clocher-1905' } },
      trustEachOther,
    );
    await connected(driver);
    const mark = log.mark;

    expect(await driver.write(point('zone.1.mode'), 'frost', inFuture(5000))).toEqual({ status: 'written' });

    await log.next('zone.1.mode', mark, value('frost'));
    await log.next('zone.1.active_setpoint', mark, value(8));
    const [frost] = await driver.read([point('zone.1.frost_setpoint')]);
    expect(frost).toMatchObject({ value: 8, quality: { status: 'good' } });
  });

  it('refuses a wrong password with a message naming the user', async () => {
    const { driver } = await startDriver({}, { user: { userName: 'agent', password: 'angelus' } });

    const reason = await waitFor('the login to be refused', () => driver.health().offline[0]?.reason, present);

    expect(reason).toBe(
      `the server at ${device.endpointUrl} refused the login of user "agent" (BadUserAccessDenied): ` +
        'check the user name and password of this bus',
    );
    expect(driver.health().link).not.toBe('connected');
  });
});
