import { Logger } from '@nestjs/common';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandV1, DesiredSections } from '@beffroi/sync';
import { BellService } from '../../apps/gateway/src/control/bell.service';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import {
  cabinetAndBellsBuses,
  control,
  type SimulatorHarness,
  startCabinetAndBells,
} from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const CIRCUIT = (n: number) => `cabinet:circuit.${n}.command`;

/** A ring sequence central may ask for; the programme itself rings nothing. */
const BELLS = `
sequences:
  court: { steps: [{ strike: 1, count: 2, interval: 600ms }] }
calendar: { defaultProgrammeId: jour, rules: [] }
programmes:
  jour: { rings: [] }
`;

/** A lighting schedule as central pushes it: the document as JSON. */
const LIGHTING = {
  calendar: { defaultProgrammeId: 'nuit', rules: [] },
  programmes: {
    nuit: {
      points: [
        { sun: 'sunset', offsetMinutes: 15, value: true },
        { sun: 'sunrise', value: false },
      ],
    },
  },
};

let sim: SimulatorHarness;

function buses() {
  return cabinetAndBellsBuses(sim, {
    timeout: '300ms',
    verifyTimeout: '2s',
    reconnectMin: '20ms',
    reconnectMax: '200ms',
  });
}

function gateway(peer: SyncPeer, dir: string): Promise<GatewayHarness> {
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, CREDENTIAL, { mode: 0o600 });
  return startGateway(buses(), dir, {
    files: { 'bells.yaml': BELLS },
    config: {
      control: { minimumOnOff: '0s' },
      schedules: [{ id: 'cloches', kind: 'bells', file: 'bells.yaml', equipment: 'bells' }],
      central: {
        url: peer.url,
        credentialFile,
        reconnectMin: '20ms',
        reconnectMax: '300ms',
        telemetryInterval: '5s',
        healthInterval: '5s',
      },
    },
  });
}

async function connected(gw: GatewayHarness): Promise<void> {
  const status = await waitFor(
    'GET /sync: s.connected === true',
    async () => (await api(gw.url, 'GET', '/sync')).body,
    (s) => s.connected === true,
  );
  expect(status.connected).toBe(true);
}

async function circuit(n: number): Promise<boolean> {
  const state = await control(sim, 'GET', '/devices/cabinet');
  return (state.body as { circuits: { command: boolean }[] }).circuits[n - 1]?.command ?? false;
}

function circuitOff(n: number): () => Promise<boolean> {
  return async () => !(await circuit(n));
}

async function strikes(bell: number): Promise<number> {
  const state = await control(sim, 'GET', '/devices/bells');
  return (state.body as { bells: { strikes: number }[] }).bells[bell - 1]?.strikes ?? 0;
}

/** Sends a command and waits for its `n`-th result to reach central. */
async function run(peer: SyncPeer, command: CommandV1, n = 1) {
  peer.send(command);
  const results = await waitFor(
    `${n} command results at central`,
    () => peer.appliedOf('commandResult').filter((e) => e.payload.commandId === command.id),
    (list) => list.length >= n,
  );
  expect(results).toHaveLength(n);
  return results[n - 1]!.payload;
}

async function outputOf(gw: GatewayHarness, key: string) {
  return (await api(gw.url, 'GET', `/outputs/${key}`)).body;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'beffroi-sync-'));

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
});

afterAll(() => sim.close());

let peer: SyncPeer;
let gw: GatewayHarness | undefined;
beforeEach(async () => {
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await gw?.close();
  gw = undefined;
  await peer.close();
});

describe('commands from central', () => {
  it('executes a command once, even delivered twice and again after a restart', async () => {
    const dir = tempDir();
    gw = await gateway(peer, dir);
    await connected(gw);
    const on = peer.command({ id: 'cmd-on-1', pointKey: CIRCUIT(1), action: 'switch', value: true });
    expect(await run(peer, on)).toMatchObject({ commandId: 'cmd-on-1', status: 'applied' });
    expect(await circuit(1)).toBe(true);
    expect(await outputOf(gw, CIRCUIT(1))).toMatchObject({ winner: { slot: 10, owner: 'command:cmd-on-1' } });
    const switching = peer.appliedOf('switching').find((e) => e.payload.source === 'command:cmd-on-1');
    expect(switching?.payload).toMatchObject({ commandId: 'cmd-on-1', slot: 10, value: true, result: 'applied' });

    // Delivered again: answered with the recorded result, not executed.
    expect(await run(peer, on, 2)).toMatchObject({ status: 'applied' });
    // And again after a restart (the ledger is in SQLite).
    await gw.app.close();
    gw = await gateway(peer, dir);
    await connected(gw);
    expect(await run(peer, on, 3)).toMatchObject({ status: 'applied' });
    const switchings = (await api(gw.url, 'GET', `/switchings?key=${CIRCUIT(1)}`)).body as { cause: string }[];
    expect(switchings.filter((s) => s.cause === 'command:cmd-on-1')).toHaveLength(1);
  });

  it('reports an expired command expired and leaves the output alone', async () => {
    gw = await gateway(peer, tempDir());
    await connected(gw);
    const before = await outputOf(gw, CIRCUIT(2));
    const late = peer.command({
      id: 'cmd-late',
      pointKey: CIRCUIT(2),
      action: 'switch',
      value: true,
      notAfter: new Date(Date.now() - 1000).toISOString(),
    });
    const result = await run(peer, late);
    expect(result).toMatchObject({ status: 'expired' });
    expect((result as { reason: string }).reason).toMatch(/^not executed: its deadline .* had passed/);
    expect(await circuit(2)).toBe(false);
    expect(await outputOf(gw, CIRCUIT(2))).toEqual(before);
    const switchings = (await api(gw.url, 'GET', `/switchings?key=${CIRCUIT(2)}`)).body as unknown[];
    expect(switchings).toEqual([]);
  });

  it('refuses a command under a maintenance lock-out, and releases the manual slot once it is lifted', async () => {
    gw = await gateway(peer, tempDir());
    await connected(gw);
    await api(gw.url, 'PUT', `/outputs/${CIRCUIT(3)}/lockout`, { value: false, owner: 'technicien:jdupont' });
    const refused = await run(peer, peer.command({ id: 'cmd-locked', pointKey: CIRCUIT(3), value: true }));
    expect(refused).toMatchObject({ status: 'refused' });
    expect((refused as { reason: string }).reason).toContain('locked out for maintenance by technicien:jdupont');
    expect(await circuit(3)).toBe(false);

    await api(gw.url, 'DELETE', `/outputs/${CIRCUIT(3)}/lockout?owner=technicien:jdupont`);
    expect(await run(peer, peer.command({ id: 'cmd-on-3', pointKey: CIRCUIT(3), value: true }))).toMatchObject({
      status: 'applied',
    });
    expect(await circuit(3)).toBe(true);
    const release = peer.command({ id: 'cmd-release-3', pointKey: CIRCUIT(3), action: 'release' });
    expect(await run(peer, release)).toMatchObject({ status: 'applied' });
    expect(await circuit(3)).toBe(false);
    expect((await outputOf(gw, CIRCUIT(3))).winner).toEqual({ slot: 16, name: 'default' });
  });

  it('lifts a lock-out by force when central says who forces it, recording it in the switching that follows', async () => {
    gw = await gateway(peer, tempDir());
    await connected(gw);
    await api(gw.url, 'PUT', `/outputs/${CIRCUIT(4)}/override`, { value: true, permanent: true });
    await api(gw.url, 'PUT', `/outputs/${CIRCUIT(4)}/lockout`, { value: false, owner: 'technicien:jdupont' });
    await waitFor('circuitOff(4): off', circuitOff(4), (off) => off);
    const lift = peer.command({
      id: 'cmd-force-lift',
      pointKey: CIRCUIT(4),
      action: 'force-lift-lockout',
      by: 'central:admin@useda',
      value: undefined,
    });
    expect(await run(peer, lift)).toMatchObject({
      status: 'applied',
      reason: `${CIRCUIT(4)}: lock-out of technicien:jdupont lifted by force by central:admin@useda`,
    });
    expect((await outputOf(gw, CIRCUIT(4))).winner).toMatchObject({ slot: 10, owner: 'local-api' });
    const switchings = await waitFor(
      'GET /switchings?key=${CIRCUIT(4)}&limit=1: list[0]?.cause === "lockout-forced:central:admin@useda"',
      async () => (await api(gw!.url, 'GET', `/switchings?key=${CIRCUIT(4)}&limit=1`)).body as { cause: string }[],
      (list) => list[0]?.cause === 'lockout-forced:central:admin@useda',
    );
    expect(switchings[0]).toMatchObject({ cause: 'lockout-forced:central:admin@useda', value: true });
  });

  it('rings a sequence of the bell schedule, and refuses one it does not know', async () => {
    gw = await gateway(peer, tempDir());
    await connected(gw);
    const before = await strikes(1);
    const ring = peer.command({ id: 'cmd-ring', pointKey: 'bells:bell.1.strike', action: 'ring', value: 'court' });
    expect(await run(peer, ring)).toMatchObject({ status: 'applied' });
    await gw.app.get(BellService).idle();
    expect(await strikes(1)).toBe(before + 2);
    const unknown = peer.command({ id: 'cmd-glas', pointKey: 'bells:bell.1.strike', action: 'ring', value: 'glas' });
    expect(await run(peer, unknown)).toEqual(
      expect.objectContaining({ status: 'refused', reason: 'no ring sequence "glas" for bells (known: court)' }),
    );
    // A bell relay is not switched directly: that would bypass the interlocks.
    const direct = peer.command({ id: 'cmd-swing', pointKey: 'bells:bell.1.swing', value: true });
    expect(await run(peer, direct)).toMatchObject({ status: 'refused' });
  });
});

describe('desired state from central', () => {
  function snapshot(version: number, desired: Partial<Record<keyof DesiredSections, Record<string, unknown>>>) {
    peer.send({
      type: 'desired.snapshot',
      v: 1,
      version,
      desired: { config: {}, schedules: {}, overrides: {}, ...desired } as DesiredSections,
    });
  }

  async function answered(type: 'desired.applied' | 'desired.resync', version: number) {
    const found = await waitFor(
      `a ${type} frame of version ${version}`,
      () => peer.framesOf(type).find((f) => f.version === version),
      (f) => f !== undefined,
    );
    expect(found).toEqual({ type, v: 1, version });
  }

  it('puts an override in the manual slot and releases it when it leaves; a delta on another base asks for a snapshot', async () => {
    gw = await gateway(peer, tempDir());
    await connected(gw);
    snapshot(1, {
      overrides: { [CIRCUIT(2)]: { value: true, until: null, owner: 'mairie:jdupont' } },
      config: { polling: { note: 'stored only' } },
    });
    await answered('desired.applied', 1);
    expect(await outputOf(gw, CIRCUIT(2))).toMatchObject({
      value: true,
      winner: { slot: 10, name: 'manual', owner: 'mairie:jdupont' },
    });
    expect(
      await waitFor(
        'circuit(2): v',
        () => circuit(2),
        (v) => v,
      ),
    ).toBe(true);

    peer.send({
      type: 'desired.delta',
      v: 1,
      baseVersion: 1,
      version: 2,
      set: {},
      remove: { overrides: [CIRCUIT(2)] },
    });
    await answered('desired.applied', 2);
    expect((await outputOf(gw, CIRCUIT(2))).winner).toEqual({ slot: 16, name: 'default' });
    expect(
      await waitFor(
        'circuit(2): !v',
        () => circuit(2),
        (v) => !v,
      ),
    ).toBe(false);

    peer.send({ type: 'desired.delta', v: 1, baseVersion: 5, version: 6, set: {}, remove: {} });
    await answered('desired.resync', 2);
    expect((await api(gw.url, 'GET', '/sync')).body.desiredVersion).toBe(2);
  });

  it('runs valid desired schedules and raises an alarm for an invalid one, naming it and the problem', async () => {
    const dir = tempDir();
    gw = await gateway(peer, dir);
    await connected(gw);
    snapshot(3, {
      schedules: {
        'eclairage-central': { kind: 'lighting', site: 'site', outputs: [CIRCUIT(4)], schedule: LIGHTING },
        'eclairage-faux': { kind: 'lighting', outputs: ['cabinet:circuit.9.command'], schedule: LIGHTING },
        'eclairage-casse': { kind: 'lighting', outputs: [CIRCUIT(4)], schedule: { calendar: 'toujours' } },
      },
    });
    await answered('desired.applied', 3);
    const schedules = (await api(gw.url, 'GET', '/schedules')).body.schedules as { id: string; origin: string }[];
    expect(schedules.map((s) => [s.id, s.origin])).toEqual([
      ['cloches', 'config'],
      ['eclairage-central', 'central'],
    ]);
    expect((await outputOf(gw, CIRCUIT(4))).winner).toMatchObject({ slot: 12, owner: 'schedule:eclairage-central' });
    const alarms = await waitFor(
      'peer.appliedOf("alarm").map((e) => e.payload): list.filter((a) => a.key.startsWith("desired.schedules.")).len…',
      () => peer.appliedOf('alarm').map((e) => e.payload),
      (list) => list.filter((a) => a.key.startsWith('desired.schedules.')).length === 2,
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        key: 'desired.schedules.eclairage-faux',
        state: 'raised',
        message:
          'desired schedule "eclairage-faux" not applied: outputs[0]: equipment "cabinet" (profile beffroi-sim-cabinet) has no point "circuit.9.command"',
      }),
    );
    expect(alarms.find((a) => a.key === 'desired.schedules.eclairage-casse')?.message).toMatch(
      /^desired schedule "eclairage-casse" not applied: schedule\.calendar: /,
    );

    // Kept across a restart: the hello says version 3 and the schedule runs from boot.
    await gw.app.close();
    gw = await gateway(peer, dir);
    await connected(gw);
    expect(peer.hellos.at(-1)?.desiredVersion).toBe(3);
    const after = (await api(gw.url, 'GET', '/schedules')).body.schedules as { id: string }[];
    expect(after.map((s) => s.id)).toContain('eclairage-central');

    // Removed by central: its slot is released.
    peer.send({
      type: 'desired.delta',
      v: 1,
      baseVersion: 3,
      version: 4,
      set: {},
      remove: { schedules: ['eclairage-central', 'eclairage-faux', 'eclairage-casse'] },
    });
    await answered('desired.applied', 4);
    expect((await outputOf(gw, CIRCUIT(4))).winner).toEqual({ slot: 16, name: 'default' });
    const cleared = await waitFor(
      'two cleared alarms at central',
      () =>
        peer
          .appliedOf('alarm')
          .filter((e) => e.payload.state === 'cleared')
          .map((e) => e.payload.key),
      (keys) => keys.length >= 2,
    );
    expect(cleared.sort()).toEqual(['desired.schedules.eclairage-casse', 'desired.schedules.eclairage-faux']);
  });
});

describe('bad frames from central', () => {
  it('are logged with the reason and ignored; the gateway keeps working', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    gw = await gateway(peer, tempDir());
    await connected(gw);
    const upgrades = peer.upgrades;
    peer.sendRaw('this is not JSON');
    peer.sendRaw(JSON.stringify({ type: 'teleport', v: 1 }));
    peer.sendRaw(JSON.stringify({ type: 'command', v: 1, id: 'cmd-x', action: 'switch', pointKey: 'nowhere' }));
    peer.sendRaw(Buffer.alloc(5 * 1024 * 1024, 0x20));
    const status = await waitFor(
      'GET /sync: s.badFrames === 4',
      async () => (await api(gw!.url, 'GET', '/sync')).body,
      (s) => s.badFrames === 4,
    );
    expect(status).toMatchObject({ connected: true, badFrames: 4 });
    expect(status.lastBadFrame.reason).toBe('frame of 5242880 bytes exceeds the limit of 4194304 bytes');
    const logged = warn.mock.calls.map(([message]) => String(message)).filter((m) => m.startsWith('ignored a frame'));
    expect(logged).toEqual([
      expect.stringContaining('frame is not JSON'),
      expect.stringContaining('unknown message type "teleport"'),
      expect.stringContaining('invalid command v1 from central'),
      expect.stringContaining('exceeds the limit'),
    ]);
    expect(peer.upgrades).toBe(upgrades);
    expect(await run(peer, peer.command({ id: 'cmd-after', pointKey: CIRCUIT(1), value: true }))).toMatchObject({
      status: 'applied',
    });
    // Clock exchanges both ways still work: central's ping is answered, the gateway's pongs give an offset.
    peer.send({ type: 'clock.ping', v: 1, id: 42, sentAt: new Date().toISOString() });
    const pong = await waitFor(
      'the clock.pong answering ping 42',
      () => peer.framesOf('clock.pong').find((p) => p.id === 42),
      (p) => p !== undefined,
    );
    expect(pong).toMatchObject({ type: 'clock.pong', id: 42 });
    expect(typeof (await api(gw.url, 'GET', '/sync')).body.clockOffsetMs).toBe('number');
  });
});
