import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@beffroi/runtime';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const CIRCUIT = 'cabinet:circuit.1.command';

interface Alarm {
  key: string;
  state: 'active' | 'cleared';
  source: string;
  severity: string;
  message: string;
  equipment: string;
  point: string | null;
  since: string;
  clearedAt: string | null;
  commanded?: unknown;
  seen?: unknown;
}

let sim: SimulatorHarness;
let pkiDir: string;
let dir: string;
let peer: SyncPeer;
let gw: GatewayHarness | undefined;

function startGatewayHere(): Promise<GatewayHarness> {
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, CREDENTIAL, { mode: 0o600 });
  return startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        timeout: '300ms',
        verifyTimeout: '1s',
        reconnectMin: '20ms',
        reconnectMax: '200ms',
        probeMin: '100ms',
        probeMax: '500ms',
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
      {
        id: 'heating',
        protocol: 'opcua',
        endpointUrl: `opc.tcp://127.0.0.1:${sim.ports.heating}`,
        timeout: '300ms',
        verifyTimeout: '1s',
        pkiDir,
        equipment: [{ id: 'heating', profile: 'beffroi-sim-heating' }],
      },
    ],
    dir,
    {
      config: {
        clock: { mode: 'adjustable' },
        control: { minimumOnOff: '0s' },
        central: {
          url: peer.url,
          credentialFile,
          reconnectMin: '20ms',
          reconnectMax: '300ms',
          telemetryInterval: '5s',
          healthInterval: '5s',
        },
      },
    },
  );
}

async function alarms(): Promise<{ active: Alarm[]; cleared: Alarm[] }> {
  return (await api(gw!.url, 'GET', '/alarms')).body as { active: Alarm[]; cleared: Alarm[] };
}

async function activeKeys(): Promise<string[]> {
  return (await alarms()).active.map((a) => a.key).sort();
}

/** The alarm reports central received for `key`, in order: raised / cleared. */
function reported(key: string): string[] {
  return peer
    .appliedOf('alarm')
    .filter((e) => e.payload.key === key)
    .map((e) => e.payload.state);
}

async function pointValue(key: string): Promise<unknown> {
  const points = (await api(gw!.url, 'GET', '/points')).body as { key: string; value: unknown; quality: unknown }[];
  const point = points.find((p) => p.key === key);
  return point === undefined ? undefined : { value: point.value, quality: point.quality };
}

/** Waits until the gateway reads `value` (good) on point `key`. */
async function readsValue(key: string, value: unknown): Promise<void> {
  const seen = await waitFor(
    'pointValue(key): JSON.stringify(p) === JSON.stringify({ value, quality: { status: "good" } })',
    () => pointValue(key),
    (p) => JSON.stringify(p) === JSON.stringify({ value, quality: { status: 'good' } }),
  );
  expect(seen).toEqual({ value, quality: { status: 'good' } });
}

/** Moves the gateway's clock `ms` ahead. */
async function advanceClock(ms: number): Promise<void> {
  const { now } = (await api(gw!.url, 'GET', '/clock')).body as { now: string };
  expect((await api(gw!.url, 'PUT', '/clock', { at: new Date(Date.parse(now) + ms).toISOString() })).status).toBe(200);
}

async function coilWrites(address: number): Promise<number> {
  const { writes } = (await control(sim, 'GET', '/devices/cabinet/writes')).body as {
    writes: { table: string; address: number }[];
  };
  return writes.filter((w) => w.table === 'coil' && w.address === address).length;
}

beforeAll(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'beffroi-alarms-pki-'));
  dir = mkdtempSync(join(tmpdir(), 'beffroi-alarms-'));
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, feedbackDelay: '50ms' }],
        },
      ],
      opcua: [{ id: 'heating', kind: 'heating-controller', port: 0, zones: [{ name: 'Salle' }, { name: 'Cuisine' }] }],
    },
    new SystemClock(),
  );
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
  gw = await startGatewayHere();
  await readsValue('cabinet:door.open', false);
  await readsValue('heating:controller.fault', false);
}, 60_000);

afterAll(async () => {
  await gw?.app.close();
  await peer.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pkiDir, { recursive: true, force: true });
});

describe('equipment alarms come from the profile', () => {
  it('raises the door alarm only once the door has been open for the profile delay, on the gateway clock', async () => {
    await control(sim, 'POST', '/devices/cabinet/inputs', { doorOpen: true });
    await readsValue('cabinet:door.open', true);
    // Read open for a few checks, but the gateway's clock has not moved the 5 s of the profile's delay yet.
    await new Promise((resolve) => setTimeout(resolve, 750));
    expect(await activeKeys()).toEqual([]);

    await advanceClock(6000);
    const raised = await waitFor('activeKeys: keys.includes("cabinet:door.open")', activeKeys, (keys) =>
      keys.includes('cabinet:door.open'),
    );
    expect(raised).toEqual(['cabinet:door.open']);
    const [door] = (await alarms()).active;
    expect(door).toMatchObject({
      key: 'cabinet:door.open',
      state: 'active',
      source: 'condition',
      severity: 'warning',
      message: "Porte de l'armoire ouverte",
      equipment: 'cabinet',
      point: 'door.open',
      clearedAt: null,
    });
    expect(
      await waitFor(
        'reported("cabinet:door.open"): r.length === 1',
        () => reported('cabinet:door.open'),
        (r) => r.length === 1,
      ),
    ).toEqual(['raised']);

    await control(sim, 'POST', '/devices/cabinet/inputs', { doorOpen: false });
    expect(await waitFor('activeKeys: keys.length === 0', activeKeys, (keys) => keys.length === 0)).toEqual([]);
    const cleared = (await alarms()).cleared.find((a) => a.key === 'cabinet:door.open');
    expect(cleared).toMatchObject({ state: 'cleared', since: door?.since });
    expect(Date.parse(cleared?.clearedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(door?.since ?? ''));
    expect(
      await waitFor(
        'reported("cabinet:door.open"): r.length === 2',
        () => reported('cabinet:door.open'),
        (r) => r.length === 2,
      ),
    ).toEqual(['raised', 'cleared']);
  });

  it.each([
    ['breaker tripped', 'cabinet', { breakerTripped: true }, { breakerTripped: false }, 'cabinet:breaker.tripped'],
    ['earth leakage', 'cabinet', { earthLeakage: true }, { earthLeakage: false }, 'cabinet:earth_leakage'],
    ['selector not in auto', 'cabinet', { selector: 'forced' }, { selector: 'auto' }, 'cabinet:selector'],
    ['heating controller fault', 'heating', { fault: true }, { fault: false }, 'heating:controller.fault'],
  ])('raises and clears "%s" injected in the simulator, here and at central', async (_name, device, on, off, key) => {
    await control(sim, 'POST', `/devices/${device}/inputs`, on);
    expect(await waitFor('activeKeys: keys.includes(key)', activeKeys, (keys) => keys.includes(key))).toEqual([key]);
    expect(
      await waitFor(
        'reported(key): r.length === 1',
        () => reported(key),
        (r) => r.length === 1,
      ),
    ).toEqual(['raised']);
    await control(sim, 'POST', `/devices/${device}/inputs`, off);
    expect(await waitFor('activeKeys: keys.length === 0', activeKeys, (keys) => keys.length === 0)).toEqual([]);
    expect(
      await waitFor(
        'reported(key): r.length === 2',
        () => reported(key),
        (r) => r.length === 2,
      ),
    ).toEqual(['raised', 'cleared']);
  });

  it('shows an equipment that stops answering as an alarm, cleared when it answers again', async () => {
    await control(sim, 'PUT', '/devices/cabinet/fault', { mode: 'no-answer' });
    const raised = await waitFor(
      'activeKeys: keys.includes("equipment:cabinet")',
      activeKeys,
      (keys) => keys.includes('equipment:cabinet'),
      { timeoutMs: 20_000 },
    );
    expect(raised).toEqual(['equipment:cabinet']);
    expect((await alarms()).active[0]).toMatchObject({
      source: 'equipment-offline',
      severity: 'critical',
      equipment: 'cabinet',
      point: null,
    });
    await control(sim, 'DELETE', '/devices/cabinet/fault');
    expect(
      await waitFor('activeKeys: keys.length === 0', activeKeys, (keys) => keys.length === 0, { timeoutMs: 20_000 }),
    ).toEqual([]);
    expect(
      await waitFor(
        'reported("equipment:cabinet"): r.length === 2',
        () => reported('equipment:cabinet'),
        (r) => r.length === 2,
      ),
    ).toEqual(['raised', 'cleared']);
    expect(peer.appliedOf('alarm').find((e) => e.payload.key === 'equipment:cabinet')?.payload.message).toMatch(
      /^cabinet is offline: /,
    );
  }, 60_000);

  it('keeps a raised alarm across a restart without raising it again, and clears it when the condition ends', async () => {
    await control(sim, 'POST', '/devices/cabinet/inputs', { breakerTripped: true });
    await waitFor('activeKeys: keys.includes("cabinet:breaker.tripped")', activeKeys, (keys) =>
      keys.includes('cabinet:breaker.tripped'),
    );
    const before = (await alarms()).active[0];
    await gw!.app.close();

    gw = await startGatewayHere();
    // Known at once from the gateway's store, before the field is read again.
    expect((await alarms()).active).toEqual([before]);
    await readsValue('cabinet:breaker.tripped', true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await alarms()).active).toEqual([before]);
    const reports = reported('cabinet:breaker.tripped');
    expect(reports.slice(-1)).toEqual(['raised']);

    await control(sim, 'POST', '/devices/cabinet/inputs', { breakerTripped: false });
    expect(await waitFor('activeKeys: keys.length === 0', activeKeys, (keys) => keys.length === 0)).toEqual([]);
    const after = await waitFor(
      'reported("cabinet:breaker.tripped"): r.length > reports.length',
      () => reported('cabinet:breaker.tripped'),
      (r) => r.length > reports.length,
    );
    expect(after.slice(reports.length)).toEqual(['cleared']);
  }, 60_000);
});

describe('the field agrees with the decision, or an alarm says it does not', () => {
  it('leaves alone an output nothing decided, even when someone asked why it is in its state', async () => {
    const writesBefore = await coilWrites(1);
    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [{ circuit: 2, value: true }] });
    await readsValue('cabinet:circuit.2.feedback', true);
    expect((await api(gw!.url, 'GET', '/outputs/cabinet:circuit.2.command')).body).toMatchObject({ value: false });
    // Longer than the profile's feedbackDelay (1 s) + the feedback's period (1 s) + the margin (1 s).
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(await activeKeys()).toEqual([]);
    expect(await coilWrites(1)).toBe(writesBefore);
    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [] });
  });

  it('raises feedback-mismatch with commanded and seen, writes the output again once, and clears when they agree', async () => {
    await api(gw!.url, 'PUT', `/outputs/${CIRCUIT}/override`, { value: true, owner: 'test', permanent: true });
    await readsValue('cabinet:circuit.1.feedback', true);
    const writesBefore = await coilWrites(0);

    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [{ circuit: 1, value: false }] });
    const key = `feedback-mismatch:${CIRCUIT}`;
    expect(await waitFor('activeKeys: keys.includes(key)', activeKeys, (keys) => keys.includes(key))).toEqual([key]);
    expect((await alarms()).active[0]).toMatchObject({
      source: 'feedback-mismatch',
      equipment: 'cabinet',
      point: 'circuit.1.command',
      commanded: true,
      seen: false,
      feedbackKey: 'cabinet:circuit.1.feedback',
    });
    expect((await alarms()).active[0]?.message).toContain('commandé marche');
    expect(
      await waitFor(
        'reported(key): r.length === 1',
        () => reported(key),
        (r) => r.length === 1,
      ),
    ).toEqual(['raised']);
    // The re-assert: one more write of the coil (its verified write then waits for the feedback for 1 s).
    expect(
      await waitFor(
        'coilWrites(0): n > writesBefore',
        () => coilWrites(0),
        (n) => n > writesBefore,
      ),
    ).toBe(writesBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await coilWrites(0)).toBe(writesBefore + 1);
    expect(await activeKeys()).toEqual([key]);

    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [] });
    expect(await waitFor('activeKeys: keys.length === 0', activeKeys, (keys) => keys.length === 0)).toEqual([]);
    expect(
      await waitFor(
        'reported(key): r.length === 2',
        () => reported(key),
        (r) => r.length === 2,
      ),
    ).toEqual(['raised', 'cleared']);
  });
});
