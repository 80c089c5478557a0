import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYamlFile } from '@beffroi/runtime';
import { localDate, planTransitions, resolveLocalTime, scheduleSchema } from '@beffroi/schedule';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/**
 * Issue 5's partition test, through a real gateway and a real central (real sockets, real SQLite files): central is
 * down while the gateway's schedules run for 72 simulated hours on its adjustable clock; every switching, alarm and
 * command result made meanwhile reaches central after the reconnection, exactly once and in order.
 */

const GATEWAY = 'gw-test';
const SCHEDULE_FILE = join(__dirname, '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml');
const SITE = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };
const CIRCUITS = ['cabinet:circuit.1.command', 'cabinet:circuit.2.command'];
const HOUR = 3_600_000;

interface LocalSwitching {
  at: string;
  key: string;
  value: unknown;
  slot: number;
  cause: string;
  result: string;
}

interface CentralSwitching {
  seq: number;
  at: string;
  pointKey: string;
  value: unknown;
  slot: number;
  source: string;
  commandId: string | null;
  result: string;
}

let sim: SimulatorHarness;
let central: CentralHarness;
let gw: GatewayHarness;
let admin: string;

function buses() {
  const link = { host: '127.0.0.1', timeout: '3s', verifyTimeout: '5s', reconnectMin: '20ms', reconnectMax: '200ms' };
  return [
    {
      id: 'street',
      protocol: 'modbus-tcp',
      port: sim.ports.street,
      ...link,
      equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1, site: 'site' }],
    },
    {
      id: 'belfry',
      protocol: 'modbus-rtu-over-tcp',
      port: sim.ports.belfry,
      ...link,
      timeout: '300ms',
      equipment: [{ id: 'bells', profile: 'beffroi-sim-bells', unit: 2, site: 'site' }],
    },
  ];
}

const setClock = (at: number) => api(gw.url, 'PUT', '/clock', { at: new Date(at).toISOString() });
interface SyncStatus {
  connected: boolean;
  outbox: { switching: number; alarm: number; commandResult: number };
}

const syncStatus = async () => (await api(gw.url, 'GET', '/sync')).body as SyncStatus;

async function localSwitchings(): Promise<LocalSwitching[]> {
  return ((await api(gw.url, 'GET', '/switchings?limit=1000')).body as LocalSwitching[]).reverse();
}

async function centralSwitchings(): Promise<CentralSwitching[]> {
  const { body } = await central.api(admin, 'GET', `/api/gateways/${GATEWAY}/switchings?limit=1000`);
  return (body as CentralSwitching[]).reverse();
}

async function circuits(): Promise<boolean[]> {
  const { body } = await control(sim, 'GET', '/devices/cabinet');
  return (body as { circuits: { command: boolean }[] }).circuits.slice(0, 2).map((c) => c.command);
}

/** Takes the bell controller off the line until its offline alarm is stored, then back until it is cleared. */
async function bellsOutage(): Promise<void> {
  const alarmsBefore = (await syncStatus()).outbox.alarm;
  await control(sim, 'PUT', '/devices/bells/fault', { mode: 'no-answer' });
  await waitFor(
    'syncStatus: s.outbox.alarm === alarmsBefore + 1',
    syncStatus,
    (s) => s.outbox.alarm === alarmsBefore + 1,
    { timeoutMs: 20_000 },
  );
  await control(sim, 'DELETE', '/devices/bells/fault');
  const after = await waitFor(
    'syncStatus: s.outbox.alarm === alarmsBefore + 2',
    syncStatus,
    (s) => s.outbox.alarm === alarmsBefore + 2,
    { timeoutMs: 20_000 },
  );
  expect(after.outbox.alarm).toBe(alarmsBefore + 2);
}

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '50ms' });
  central = await startCentral();
  admin = await central.login('admin@useda');
});

afterAll(async () => {
  await gw.close();
  await central.close();
  await sim.close();
});

it('central down for 72 h of schedules: every switching, alarm and command result arrives once, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-partition-'));
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const start = resolveLocalTime(localDate(2027, 1, 4), 13, 0, 0, SITE.timeZone).instant.getTime();
  gw = await startGateway(buses(), dir, {
    files: { 'eclairage.yaml': readFileSync(SCHEDULE_FILE, 'utf8') },
    bootAt: new Date(start),
    config: {
      clock: { mode: 'adjustable' },
      control: { minimumOnOff: '0s' },
      schedules: [{ id: 'eclairage', kind: 'lighting', file: 'eclairage.yaml', outputs: CIRCUITS }],
      central: {
        url: central.url,
        enrolmentCode: code,
        credentialFile: join(dir, 'gateway-credential'),
        reconnectMin: '20ms',
        reconnectMax: '300ms',
        telemetryInterval: '5s',
        healthInterval: '5s',
      },
    },
  });
  expect(
    await waitFor('circuits: state.every((c) => !c)', circuits, (state) => state.every((c) => !c), {
      timeoutMs: 10_000,
    }),
  ).toEqual([false, false]);
  await waitFor('syncStatus: s.connected', syncStatus, (s) => s.connected, { timeoutMs: 10_000 });
  // Central checks commands against the gateway's catalogue, reported just after the connection.
  await waitFor(
    'GET /api/gateways/${GATEWAY}/equipment: status === 200',
    async () => (await central.api(admin, 'GET', `/api/gateways/${GATEWAY}/equipment`)).status,
    (status) => status === 200,
  );

  // A command whose result is made after central went down: the cabinet answers slowly while it runs.
  await control(sim, 'PUT', '/devices/cabinet/fault', { mode: 'slow', delayMs: 1200 });
  const command = (
    await central.api(await central.login('agent@02691'), 'POST', `/api/gateways/${GATEWAY}/commands`, {
      action: 'switch',
      pointKey: 'cabinet:circuit.3.command',
      value: true,
      // No programme drives circuit 3: a switch there lasts until it is released.
      permanent: true,
    })
  ).body as { id: string };
  await waitFor(
    'GET /api/commands/${command.id}: status === "sent"',
    async () => (await central.api(admin, 'GET', `/api/commands/${command.id}`)).body.status,
    (status) => status === 'sent',
  );
  const before = await centralSwitchings();
  await central.stop();
  await control(sim, 'DELETE', '/devices/cabinet/fault');
  await waitFor('syncStatus: s.outbox.commandResult === 1', syncStatus, (s) => s.outbox.commandResult === 1, {
    timeoutMs: 15_000,
  });

  // 72 h of the lighting schedule, with the clock moved to just before each transition; two bell outages.
  const schedule = loadYamlFile(scheduleSchema, SCHEDULE_FILE);
  const { transitions } = planTransitions(schedule, SITE, new Date(start), new Date(start + 72 * HOUR));
  expect(transitions).toHaveLength(12);
  for (const [i, transition] of transitions.entries()) {
    const at = transition.at.getTime();
    await setClock(at - 1000);
    const expected = [transition.value, transition.value];
    expect(
      await waitFor(
        'circuits: state.every((c, j) => c === expected[j])',
        circuits,
        (state) => state.every((c, j) => c === expected[j]),
        { timeoutMs: 10_000 },
      ),
    ).toEqual(expected);
    if (i === 3 || i === 8) await bellsOutage();
  }
  // The two switchings at boot (lights off in the afternoon), then two per transition.
  const local = await waitFor(
    'localSwitchings: list.filter((s) => s.slot === 12).length === 26',
    localSwitchings,
    (list) => list.filter((s) => s.slot === 12).length === 26,
  );
  expect(local.filter((s) => s.slot === 12)).toHaveLength(26);
  const held = await syncStatus();
  expect(held.connected).toBe(false);
  expect(held.outbox).toMatchObject({ switching: local.length - before.length, alarm: 4, commandResult: 1 });

  central = await startCentral({ dir: central.dir, port: Number(new URL(central.url).port) });
  admin = await central.login('admin@useda');
  const drained = await waitFor(
    'syncStatus: s.connected && s.outbox.switching + s.outbox.alarm + s.outbox.commandResult === 0',
    syncStatus,
    (s) => s.connected && s.outbox.switching + s.outbox.alarm + s.outbox.commandResult === 0,
    { timeoutMs: 30_000 },
  );
  expect(drained.connected).toBe(true);

  // Switchings: the gateway's record, each exactly once at central, in seq order.
  const stored = await centralSwitchings();
  expect(stored.map((s) => ({ at: s.at, key: s.pointKey, value: s.value, slot: s.slot, cause: s.source }))).toEqual(
    local.map((s) => ({ at: s.at, key: s.key, value: s.value, slot: s.slot, cause: s.cause })),
  );
  const seqs = stored.map((s) => s.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  const scheduled = stored.filter((s) => s.source === 'schedule:eclairage');
  expect(scheduled.filter((s) => Date.parse(s.at) >= start + HOUR)).toHaveLength(24);

  // Alarms: two outages, two alarms each raised then cleared once, in order, all during the partition.
  const alarms = (
    (await central.api(admin, 'GET', '/api/alarms?all=true')).body as {
      key: string;
      raisedAt: string;
      clearedAt: string | null;
    }[]
  )
    .filter((a) => a.key === 'equipment:bells')
    .reverse();
  expect(alarms).toHaveLength(2);
  const instants = alarms.flatMap((a) => [Date.parse(a.raisedAt), Date.parse(a.clearedAt ?? '')]);
  expect(instants).toEqual([...instants].sort((a, b) => a - b));
  expect(instants[0]).toBeGreaterThan(start);

  // The command result made while central was down: applied, recorded once.
  const done = (await central.api(admin, 'GET', `/api/commands/${command.id}`)).body as { status: string };
  expect(done.status).toBe('applied');
  const audit = (await central.api(admin, 'GET', '/api/audit?limit=1000')).body as { action: string; target: string }[];
  expect(audit.filter((e) => e.action === 'command.result' && e.target.includes(command.id))).toHaveLength(1);
  expect(stored.filter((s) => s.commandId === command.id)).toHaveLength(1);
}, 240_000);
