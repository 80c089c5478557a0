import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SystemClock } from '@beffroi/runtime';
import { ControlService } from '../../apps/gateway/src/control/control.service';
import { OutboxMessageEntity } from '../../apps/gateway/src/store/outbox-message.entity';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const CMD = 'cabinet:circuit.1.command';

let sim: SimulatorHarness;

function buses() {
  return [
    {
      id: 'street',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: sim.ports.street,
      timeout: '300ms',
      verifyTimeout: '2s',
      reconnectMin: '20ms',
      reconnectMax: '200ms',
      equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
    },
  ];
}

interface Options {
  central?: Record<string, unknown>;
  /** Write the credential file before the gateway boots (an enrolled gateway). */
  enrolled?: boolean;
}

function credentialPath(dir: string): string {
  return join(dir, 'secrets', 'gateway-credential');
}

function gateway(peer: SyncPeer, dir: string, options: Options = {}): Promise<GatewayHarness> {
  if (options.enrolled === true) {
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(credentialPath(dir), `${CREDENTIAL}\n`, { mode: 0o600 });
  }
  return startGateway(buses(), dir, {
    config: {
      control: { minimumOnOff: '0s' },
      central: {
        url: peer.url,
        credentialFile: credentialPath(dir),
        reconnectMin: '20ms',
        reconnectMax: '300ms',
        telemetryInterval: '1s',
        healthInterval: '1s',
        ...options.central,
      },
    },
  });
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'beffroi-sync-'));

async function syncStatus(gw: GatewayHarness): Promise<any> {
  return (await api(gw.url, 'GET', '/sync')).body;
}

/** Overrides circuit 1 to `value` and waits for the verified switching that follows. */
async function switchCircuit(gw: GatewayHarness, value: boolean): Promise<void> {
  await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value, owner: 'test', permanent: true });
  await gw.app.get(ControlService).idle(CMD);
  const [last] = (await api(gw.url, 'GET', `/switchings?key=${CMD}&limit=1`)).body as { value: boolean }[];
  expect(last?.value).toBe(value);
}

function switchingSeqs(envelopes: { class: string; seq: number }[]): number[] {
  return envelopes.filter((e) => e.class === 'switching').map((e) => e.seq);
}

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, feedbackDelay: '20ms' }],
        },
      ],
    },
    new SystemClock(),
  );
});

afterAll(() => sim.close());

describe('enrolment and refusals', () => {
  let peer: SyncPeer;
  let gw: GatewayHarness | undefined;
  beforeEach(async () => {
    peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL, enrolmentCode: 'K7QX-2M4P' });
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await peer.close();
  });

  it('exchanges the enrolment code once, writes the credential file with mode 0600, and connects with it', async () => {
    const dir = tempDir();
    gw = await gateway(peer, dir, { central: { enrolmentCode: 'K7QX-2M4P' } });
    const status = await waitFor(
      'syncStatus(gw): s.connected === true',
      () => syncStatus(gw!),
      (s) => s.connected === true,
    );
    expect(status).toMatchObject({ state: 'connected', enrolled: true, configured: true, desiredVersion: 0 });
    expect(peer.enrolments).toEqual([{ code: 'K7QX-2M4P', gatewayId: GATEWAY, status: 201 }]);
    expect(statSync(credentialPath(dir)).mode & 0o777).toBe(0o600);
    expect(readFileSync(credentialPath(dir), 'utf8').trim()).toBe(CREDENTIAL);
    expect(peer.hellos[0]).toMatchObject({ gatewayId: GATEWAY, protocolVersion: 2, desiredVersion: 0 });

    // Restarted, it uses the file and does not enrol again.
    await gw.app.close();
    gw = await gateway(peer, dir, { central: { enrolmentCode: 'K7QX-2M4P' } });
    await waitFor(
      'syncStatus(gw): s.connected === true',
      () => syncStatus(gw!),
      (s) => s.connected === true,
    );
    expect(peer.enrolments).toHaveLength(1);
    expect(peer.hellos).toHaveLength(2);
  });

  it('without a credential or a code, runs alone and says why; a refused code is not tried again', async () => {
    gw = await gateway(peer, tempDir());
    const alone = await waitFor(
      'syncStatus(gw): s.state === "not-enrolled"',
      () => syncStatus(gw!),
      (s) => s.state === 'not-enrolled',
    );
    expect(alone.status).toMatch(/^not-enrolled: no credential in .* and no central.enrolmentCode/);
    expect(alone.enrolled).toBe(false);
    // The field layer and the local API work without central.
    await switchCircuit(gw, true);
    await gw.close();

    gw = await gateway(peer, tempDir(), { central: { enrolmentCode: 'WRONG-CODE' } });
    const refused = await waitFor(
      'syncStatus(gw): s.state === "not-enrolled"',
      () => syncStatus(gw!),
      (s) => s.state === 'not-enrolled',
    );
    expect(refused.status).toContain(
      'enrolment refused: central answered 401 (unknown, used or expired enrolment code)',
    );
    expect(refused.nextAttempt).toBeNull();
    expect(peer.enrolments).toHaveLength(1);
    expect(peer.upgrades).toBe(0);
  });

  it.each([
    ['a refused welcome (revoked)', 'revoked', /^refused: revoked \(refused by the test peer: revoked\)/],
    ['HTTP 401 at the upgrade', 'bad-credential', /^refused: bad-credential \(HTTP 401 at the upgrade\)/],
  ] as const)('reports %s in GET /sync and retries only every reconnectMax', async (_case, reason, expected) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    // Revoked: central knows the credential and refuses it; bad credential: one central does not accept.
    writeFileSync(credentialPath(dir), reason === 'revoked' ? CREDENTIAL : 'stale-credential', { mode: 0o600 });
    if (reason === 'revoked') peer.refusal = 'revoked';
    gw = await gateway(peer, dir, { central: { reconnectMin: '10ms', reconnectMax: '30s' } });
    const status = await waitFor(
      'syncStatus(gw): s.state === "refused"',
      () => syncStatus(gw!),
      (s) => s.state === 'refused',
    );
    expect(status.status).toMatch(expected);
    expect(status.connected).toBe(false);
    expect(status.lastError.message).toContain(reason);
    // The next attempt is reconnectMax away (with jitter, at least half of it), not reconnectMin.
    expect(status.nextAttempt.delayMs).toBeGreaterThanOrEqual(15_000);
    expect(peer.upgrades).toBe(1);
  });
});

describe('the outbox', () => {
  let peer: SyncPeer;
  let gw: GatewayHarness | undefined;
  beforeEach(async () => {
    peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await peer.close();
  });

  it('sends switchings made while central is down once, in seq order, after the reconnection, and deletes them once acknowledged', async () => {
    gw = await gateway(peer, tempDir(), { enrolled: true });
    await waitFor(
      'syncStatus(gw): s.connected === true',
      () => syncStatus(gw!),
      (s) => s.connected === true,
    );
    peer.down();
    await waitFor(
      'syncStatus(gw): s.state === "disconnected"',
      () => syncStatus(gw!),
      (s) => s.state === 'disconnected',
    );
    for (const value of [true, false, true]) await switchCircuit(gw, value);
    const waiting = await syncStatus(gw);
    expect(waiting.outbox.switching).toBe(3);

    peer.up();
    const received = await waitFor(
      'peer.appliedOf("switching"): list.length === 3',
      () => peer.appliedOf('switching'),
      (list) => list.length === 3,
    );
    expect(received.map((e) => [e.payload.pointKey, e.payload.value, e.payload.source, e.payload.result])).toEqual([
      [CMD, true, 'test', 'applied'],
      [CMD, false, 'test', 'applied'],
      [CMD, true, 'test', 'applied'],
    ]);
    const seqs = received.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // Sent once each: the inbox saw no duplicate of them.
    expect(switchingSeqs(peer.sentEnvelopes())).toEqual(seqs);
    expect(peer.duplicates.filter((seq) => seqs.includes(seq))).toEqual([]);

    // Acknowledged, so deleted from SQLite.
    const after = await waitFor(
      'syncStatus(gw): s.outbox.switching === 0',
      () => syncStatus(gw!),
      (s) => s.outbox.switching === 0,
    );
    expect(after.lastAckAt).not.toBeNull();
    const rows = await gw.app.get(DataSource).getRepository(OutboxMessageEntity).countBy({ class: 'switching' });
    expect(rows).toBe(0);
    // The output's explanation went along with each change of its priority array.
    expect(peer.appliedOf('output').at(-1)?.payload).toMatchObject({
      pointKey: CMD,
      value: true,
      winner: { slot: 10, name: 'manual', owner: 'test' },
    });
  });

  it('after a restart resends what central did not acknowledge, and never reuses a seq', async () => {
    const dir = tempDir();
    // Telemetry and health once at boot only, so the outbox empties once acknowledged.
    const quiet = { enrolled: true, central: { telemetryInterval: '1h', healthInterval: '1h' } };
    gw = await gateway(peer, dir, quiet);
    await waitFor(
      'syncStatus(gw): s.connected === true',
      () => syncStatus(gw!),
      (s) => s.connected === true,
    );
    // Central receives the next reports but loses them (it stops before storing): nothing is acknowledged.
    peer.storeReports = false;
    await switchCircuit(gw, true);
    await switchCircuit(gw, false);
    const sent = await waitFor(
      'switchingSeqs(peer.sentEnvelopes()): list.length === 2',
      () => switchingSeqs(peer.sentEnvelopes()),
      (list) => list.length === 2,
    );
    await gw.app.close();
    const lastSeqBefore = Math.max(...peer.sentEnvelopes().map((e) => e.seq));

    peer.storeReports = true;
    gw = await gateway(peer, dir, quiet);
    await waitFor(
      'syncStatus(gw): s.connected === true && s.outbox.switching === 0',
      () => syncStatus(gw!),
      (s) => s.connected === true && s.outbox.switching === 0,
    );
    const hello = peer.hellos.at(-1)!;
    expect(hello.outbox.firstSeq).toBeLessThanOrEqual(sent[0]!);
    expect(hello.outbox.lastSeq).toBeGreaterThanOrEqual(lastSeqBefore);
    // Sent again after the restart, with their seqs, and stored once.
    expect(switchingSeqs(peer.sentEnvelopes())).toEqual([...sent, ...sent]);
    expect(peer.appliedOf('switching').map((e) => e.seq)).toEqual(sent);

    // Everything acknowledged: an empty outbox across a restart still never gives a seq twice.
    const empty = await waitFor(
      'syncStatus(gw): s.outbox.total === 0',
      () => syncStatus(gw!),
      (s) => s.outbox.total === 0,
    );
    expect(empty.outbox.total).toBe(0);
    await gw.app.close();
    const highest = Math.max(...peer.sentEnvelopes().map((e) => e.seq));
    gw = await gateway(peer, dir, quiet);
    await waitFor(
      'syncStatus(gw): s.connected === true',
      () => syncStatus(gw!),
      (s) => s.connected === true,
    );
    const range = peer.hellos.at(-1)!.outbox;
    expect(range.firstSeq).toBe(highest + 1);
    expect(range.lastSeq).toBeGreaterThanOrEqual(highest);
    await switchCircuit(gw, true);
    const next = await waitFor(
      'peer.appliedOf("switching"): list.length === 3',
      () => peer.appliedOf('switching'),
      (list) => list.length === 3,
    );
    expect(next[2]!.seq).toBeGreaterThan(highest);
    const all = peer.applied.map((e) => e.seq);
    expect(new Set(all).size).toBe(all.length);
  });

  it('keeps its files bounded through a long outage at a high telemetry rate, switchings all kept', async () => {
    peer.down();
    const dir = tempDir();
    gw = await gateway(peer, dir, {
      enrolled: true,
      central: { telemetryInterval: '50ms', outbox: { telemetry: 500 } },
    });
    for (const value of [true, false]) await switchCircuit(gw, value);
    const diskAt = async (lastSeq: number) => {
      const status = await waitFor(
        'syncStatus(gw): s.outbox.lastSeq >= lastSeq',
        () => syncStatus(gw!),
        (s) => s.outbox.lastSeq >= lastSeq,
        { timeoutMs: 60_000 },
      );
      expect(status.outbox.lastSeq).toBeGreaterThanOrEqual(lastSeq);
      return readdirSync(dir)
        .filter((name) => name.startsWith('gateway.sqlite'))
        .reduce((total, name) => total + statSync(join(dir, name)).size, 0);
    };
    // Past the quota and a few WAL checkpoints, then 10,000 more telemetry messages than the quota holds.
    const settled = await diskAt(6000);
    const later = await diskAt(16_000);
    const rows = await gw.app
      .get(DataSource)
      .query<{ bytes: number }[]>(
        "SELECT avg(length(payload_json)) AS bytes FROM outbox_messages WHERE class = 'telemetry'",
      );
    const keptEverything = 10_000 * (rows[0]?.bytes ?? 0);
    expect(keptEverything).toBeGreaterThan(1_000_000);
    expect(later - settled).toBeLessThan(keptEverything / 4);
    const held = await syncStatus(gw);
    expect(held.outbox.telemetry).toBeLessThanOrEqual(500);
    expect(held.outbox.switching).toBe(2);
  }, 90_000);

  it('downsamples telemetry over its quota while every switching is kept, and raises the outbox alarm', async () => {
    peer.down();
    gw = await gateway(peer, tempDir(), {
      enrolled: true,
      central: { telemetryInterval: '50ms', outbox: { telemetry: 40, switching: 2 } },
    });
    for (const value of [true, false, true, false]) await switchCircuit(gw, value);
    // Many rounds of the cabinet's 27 points later, telemetry is held to its quota; switchings are all there.
    const held = await waitFor(
      'syncStatus(gw): s.outbox.lastSeq >= 400',
      () => syncStatus(gw!),
      (s) => s.outbox.lastSeq >= 400,
      { timeoutMs: 20_000 },
    );
    expect(held.outbox.lastSeq).toBeGreaterThanOrEqual(400);
    expect(held.outbox.telemetry).toBeLessThanOrEqual(40);
    expect(held.outbox.switching).toBe(4);

    peer.up();
    await waitFor(
      'peer.appliedOf("switching"): list.length === 4',
      () => peer.appliedOf('switching'),
      (list) => list.length === 4,
    );
    const hello = peer.hellos.at(-1)!;
    // The switchings come early in the backlog: wait for its last message (the newest, never dropped) too.
    await waitFor(
      'peer.applied: the last message of the backlog',
      () => Math.max(0, ...peer.applied.map((e) => e.seq)),
      (seq) => seq >= hello.outbox.lastSeq,
    );
    const backlog = peer.applied.filter((e) => e.seq <= hello.outbox.lastSeq);
    expect(backlog.filter((e) => e.class === 'telemetry').length).toBeLessThanOrEqual(40);
    expect(backlog.length).toBeLessThan(hello.outbox.lastSeq);
    expect(peer.appliedOf('switching').map((e) => e.payload.value)).toEqual([true, false, true, false]);
    expect(peer.appliedOf('alarm').map((e) => e.payload)).toContainEqual(
      expect.objectContaining({
        key: 'gateway.outbox',
        state: 'raised',
        message: expect.stringContaining('outbox over quota for switching: 3 messages waiting (quota 2)'),
      }),
    );
    // Each point's latest value made it through the outage.
    const points = new Set(backlog.filter((e) => e.class === 'telemetry').map((e) => e.payload.pointKey));
    expect(points.size).toBe(27);
  });
});
