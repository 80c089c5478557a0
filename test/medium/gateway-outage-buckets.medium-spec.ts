import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeRollups, quarterRollups, quarterStart, type Sample } from '@beffroi/schedule';
import { DataSource } from 'typeorm';
import { PointStore } from '../../apps/gateway/src/points/point-store.service';
import { ManualClock } from '@beffroi/runtime';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, PROFILES_DIR, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/**
 * Issue 16: central is down for 7 days of the gateway's adjustable clock (and of the simulator's manual one, so the
 * cabinet's meter advances by the simulated hours) while the cabinet's four circuits burn. The outbox holds only 30
 * telemetry messages, so the outage's telemetry is downsampled to about each point's last value; the gateway's
 * 15-minute buckets still bring every reading of the meter to central, whose days and month then hold exactly the
 * energy the meter counted, day by day.
 */

const GATEWAY = 'gw-test';
const ENERGY = 'cabinet:meter.energy';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 8 March 2027, 00:01 UTC (01:01 in Paris): the outage starts, with the meter at 0. */
const START = Date.parse('2027-03-08T00:01:00Z');
const STEP = 6 * HOUR;

let sim: SimulatorHarness;
let central: CentralHarness;
let gw: GatewayHarness;
const clock = new ManualClock(START);

/** The shipped profiles, with the meter's energy read every 100 ms instead of every minute. */
function fastProfiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-profiles-'));
  cpSync(PROFILES_DIR, dir, { recursive: true });
  const file = join(dir, 'beffroi-sim-cabinet.yaml');
  const text = readFileSync(file, 'utf8');
  const fast = text.replace(/(id: meter\.energy[\s\S]*?period: )60s/, '$1100ms');
  expect(fast).not.toBe(text);
  writeFileSync(file, fast);
  return dir;
}

async function meterKwh(): Promise<number> {
  return ((await control(sim, 'GET', '/devices/cabinet')).body as { energyWh: number }).energyWh / 1000;
}

interface OpenBucket {
  start: number;
  last: number;
}

async function openBucket(): Promise<OpenBucket | undefined> {
  const [row] = await gw.app
    .get(DataSource)
    .query<OpenBucket[]>(`SELECT "start", "last" FROM "telemetry_buckets" WHERE "point_key" = ?`, [ENERGY]);
  return row;
}

/** Moves both clocks to `at` and waits until the gateway has folded the meter's reading of that moment. */
async function moveTo(at: number): Promise<Sample> {
  await clock.advance(at - clock.now().getTime());
  await api(gw.url, 'PUT', '/clock', { at: new Date(at).toISOString() });
  const kwh = await meterKwh();
  const bucket = await waitFor(
    'openBucket: the reading of this moment is folded',
    openBucket,
    (b) => b?.start === quarterStart(at) && Math.abs(b.last - kwh) < 1e-9,
    { timeoutMs: 10_000, context: () => JSON.stringify(gw.app.get(PointStore).get(ENERGY)) },
  );
  return { at, value: bucket?.last ?? Number.NaN };
}

async function centralCount(sql: string): Promise<number> {
  const [row] = await central.app.get(DataSource).query<{ n: number }[]>(sql, [GATEWAY, ENERGY]);
  return row?.n ?? 0;
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
    clock,
  );
  central = await startCentral({ config: { history: { rollupEvery: '1h' } } });
});

afterAll(async () => {
  await gw.close();
  await central.close();
  await sim.close();
});

it('central down for 7 days: the month and every day hold the energy the meter counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-outage-'));
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const link = { host: '127.0.0.1', timeout: '3s', reconnectMin: '20ms', reconnectMax: '200ms' };
  gw = await startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        port: sim.ports.street,
        ...link,
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1, site: 'site' }],
      },
    ],
    dir,
    {
      profilesDir: fastProfiles(),
      bootAt: new Date(START),
      config: {
        clock: { mode: 'adjustable' },
        central: {
          url: central.url,
          enrolmentCode: code,
          credentialFile: join(dir, 'gateway-credential'),
          reconnectMin: '20ms',
          reconnectMax: '300ms',
          telemetryInterval: '100ms',
          healthInterval: '5s',
          outbox: { telemetry: 30 },
        },
      },
    },
  );
  // Central has the meter's first reading, 0 kWh, before it goes down.
  await waitFor(
    'central keeps a reading of the meter',
    () => centralCount(`SELECT count(*) AS n FROM history_samples WHERE gateway_id = ? AND point_key = ?`),
    (n) => n > 0,
    { timeoutMs: 15_000 },
  );
  await central.stop();
  await waitFor(
    'GET /sync: not connected',
    async () => (await api(gw.url, 'GET', '/sync')).body as { connected: boolean },
    (s) => !s.connected,
  );

  // Seven days of the four circuits forced on, read every 6 hours; then the circuits off and a last reading.
  const readings: Sample[] = [{ at: START, value: 0 }];
  await control(sim, 'POST', '/devices/cabinet/inputs', { selector: 'forced' });
  for (let at = START + STEP; at <= START + 7 * DAY; at += STEP) readings.push(await moveTo(at));
  await control(sim, 'POST', '/devices/cabinet/inputs', { selector: 'off' });
  readings.push(await moveTo(START + 7 * DAY + HOUR));
  const advance = await meterKwh();
  // Four circuits of 1 kW and the cabinet's own 25 W for 7 days, then the 25 W for one hour.
  expect(advance).toBeCloseTo(7 * 24 * 4.025 + 0.025, 6);

  central = await startCentral({ dir: central.dir, port: Number(new URL(central.url).port) });
  // Every bucket closed, sent and acknowledged: each quarter of the outage with a reading is on central.
  await waitFor('the open buckets are all closed', openBucket, (b) => b === undefined, { timeoutMs: 20_000 });
  await waitFor(
    'GET /sync: connected, no bucket waiting',
    async () => (await api(gw.url, 'GET', '/sync')).body as { connected: boolean; outbox: { bucket: number } },
    (s) => s.connected && s.outbox.bucket === 0,
    { timeoutMs: 20_000 },
  );
  expect(
    await centralCount(`SELECT count(*) AS n FROM history_buckets WHERE gateway_id = ? AND point_key = ?`),
  ).toBeGreaterThanOrEqual(readings.length - 1);
  const store = central.app.get(HistoryStore);
  await store.maintain();

  const [march] = await store.rollups(GATEWAY, ENERGY, 'month', 0, Date.parse('2027-04-01T00:00:00Z'));
  expect(march?.increase).toBeCloseTo(advance, 9);
  expect(march?.resets).toBe(0);
  // Day by day, central's rollups are those of the meter's readings themselves.
  const [first, ...rest] = readings;
  const expected = mergeRollups(quarterRollups('counter', rest, first), 'day', 'Europe/Paris');
  const days = await store.rollups(GATEWAY, ENERGY, 'day', START - DAY, START + 8 * DAY);
  expect(days.map((day) => [day.start, day.increase.toFixed(6), day.last.toFixed(6)])).toEqual(
    expected.map((day) => [day.start, day.increase.toFixed(6), day.last.toFixed(6)]),
  );
  expect(days.filter((day) => day.increase > 0)).toHaveLength(8);
}, 120_000);
