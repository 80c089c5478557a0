import { energyReport, parseLocalDate, timeOfDaySchema } from '@beffroi/schedule';
import type { OutboxMessage } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

const QUARTER = 15 * 60_000;
const HOUR = 3_600_000;
const ENERGY = 'cabinet:meter.energy';
const CIRCUIT = 'cabinet:circuit.1.command';
/** Paris midnights around March 2027 (the clocks go forward on the 28th). */
const MARCH_START = Date.parse('2027-02-28T23:00:00Z');
const MARCH_END = Date.parse('2027-03-31T22:00:00Z');
const TARIFF = {
  subscriptionPerMonth: 30,
  peakPricePerKwh: 0.2,
  offPeakPricePerKwh: 0.15,
  offPeak: [{ from: '22:00', to: '06:00' }],
};
/** The same contract once the syndicate moved its off-peak hours. */
const MOVED = { ...TARIFF, offPeak: [{ from: '23:30', to: '07:30' }] };

interface MeterDayRow {
  start: number;
  peak: number;
  offPeak: number;
  quarters: number;
  key: string;
}

let central: CentralHarness;
let peer: ProtocolGateway;

function config(tariff: typeof TARIFF) {
  return { config: { history: { rollupEvery: '1h', tariff } } };
}

async function enrol(insee: string, gatewayId: string): Promise<string> {
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  return ((await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as { credential: string })
    .credential;
}

/** A meter read every quarter of March whose load changes by the hour (1, 2 or 3 kW), so the split matters. */
function readings(): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  let index = 48_000;
  for (let at = MARCH_START - QUARTER; at < MARCH_END; at += QUARTER) {
    index += (1 + (Math.floor(at / HOUR) % 3)) / 4;
    messages.push({
      class: 'telemetry',
      payload: { pointKey: ENERGY, value: index, quality: { status: 'good' }, receivedAt: new Date(at).toISOString() },
    });
  }
  return messages;
}

async function report(): Promise<{ figures: { kwh: number; peakKwh: number; offPeakKwh: number } }> {
  const reader = await central.login('lecteur@02691');
  const answer = await central.api(reader, 'GET', '/api/communes/02691/energy?month=2027-03');
  expect(answer.status).toBe(200);
  return (answer.body as { commune: { figures: { kwh: number; peakKwh: number; offPeakKwh: number } } }).commune;
}

async function meterDays(): Promise<MeterDayRow[]> {
  return central.app.get(DataSource).query<MeterDayRow[]>(
    `SELECT "start", "peak_increase" AS "peak", "off_peak_increase" AS "offPeak", "quarters", "off_peak_key" AS "key"
       FROM "history_meter_days" WHERE "gateway_id" = 'gw-days' AND "point_key" = ? ORDER BY "start"`,
    [ENERGY],
  );
}

/** The kWh of March computed from the stored quarters by `energyReport`, with the off-peak windows of `tariff`. */
async function fromQuarters(tariff: typeof TARIFF): Promise<{ peakKwh: number; offPeakKwh: number }> {
  const quarters = await central.app.get(HistoryStore).rollups('gw-days', ENERGY, 'quarter', MARCH_START, MARCH_END);
  const site = { latitude: 46.6, longitude: 2.4, timeZone: 'Europe/Paris' };
  const { figures } = energyReport(
    [{ insee: '02691', name: 'Saint-Quentin', site, cabinets: [{ id: 'c', name: 'c', meter: quarters, outputs: [] }] }],
    { first: parseLocalDate('2027-03-01'), last: parseLocalDate('2027-03-31') },
    {
      tariff: {
        ...tariff,
        offPeak: tariff.offPeak.map((w) => ({ from: timeOfDaySchema.parse(w.from), to: timeOfDaySchema.parse(w.to) })),
      },
      co2: { kgPerKwh: 0, source: 'test', date: '2026-01-01' },
    },
  );
  return { peakKwh: figures.peakKwh, offPeakKwh: figures.offPeakKwh };
}

beforeAll(async () => {
  central = await startCentral(config(TARIFF));
  central.clock.offsetMs = Date.parse('2027-04-02T12:00:00Z') - Date.now();
  peer = new ProtocolGateway('gw-days', await enrol('02691', 'gw-days'), central.wsUrl);
  await peer.connect();
  for (const message of readings()) peer.append(message);
  peer.append({
    class: 'switching',
    payload: {
      pointKey: CIRCUIT,
      value: true,
      source: 'schedule:eclairage',
      result: 'applied',
      at: '2027-03-08T00:30:00+02:00',
    },
  });
  peer.flush();
  await peer.drained();
  peer.close();
  await central.app.get(HistoryStore).maintain();
});

afterAll(async () => {
  await central.close();
});

describe("a meter's days split by the tariff (history_meter_days)", () => {
  it('are written with the rollups, once per local day, and rolling up again changes nothing', async () => {
    const days = await meterDays();
    // The 31 days of March, and 28 February whose last quarter has the reading before them.
    expect(days).toHaveLength(32);
    expect(days.every((day) => day.key === 'Europe/Paris 22:00-06:00')).toBe(true);
    expect(days.find((day) => day.start === Date.parse('2027-03-27T23:00:00Z'))?.quarters).toBe(92);
    expect(await report()).toMatchObject({ figures: await fromQuarters(TARIFF) });
    await central.app.get(DataSource).query(
      `INSERT INTO "history_pending" ("gateway_id", "point_key", "from") VALUES
      ('gw-days', ?, ?)`,
      [ENERGY, MARCH_START],
    );
    expect(await central.app.get(HistoryStore).rollUp()).toBe(1);
    expect(await meterDays()).toEqual(days);
  });

  it('are read from their quarters while missing, and split again from them when central starts', async () => {
    const before = await report();
    const dataSource = central.app.get(DataSource);
    await dataSource.query(`DELETE FROM "history_meter_days"`);
    expect(await report()).toEqual(before);
    // As a database from before meter days: no such tables, no migration, a switching with its gateway's offset.
    await dataSource.query(`DROP TABLE "history_meter_days"`);
    await dataSource.query(`DROP TABLE "history_meter_days_pending"`);
    await dataSource.query(`DROP INDEX "switchings_point_at"`);
    await dataSource.query(`DELETE FROM "migrations" WHERE "name" = 'HistoryMeterDays1796364000000'`);
    await dataSource.query(`UPDATE "switchings" SET "at" = '2027-03-08T00:30:00+02:00' WHERE "gateway_id" = 'gw-days'`);
    await central.stop();
    central = await startCentral({ dir: central.dir, ...config(TARIFF) });
    await central.app.get(HistoryStore).refreshMeterDays();
    const days = await meterDays();
    expect(days).toHaveLength(32);
    expect(days.every((day) => day.key === 'Europe/Paris 22:00-06:00')).toBe(true);
    expect(await report()).toEqual(before);
    expect(
      await central.app.get(DataSource).query(`SELECT "at" FROM "switchings" WHERE "gateway_id" = 'gw-days'`),
    ).toEqual([{ at: '2027-03-07T22:30:00.000Z' }]);
  });

  it('are split again when the off-peak hours of the tariff change in the config', async () => {
    const before = await report();
    await central.stop();
    central = await startCentral({ dir: central.dir, ...config(MOVED) });
    await central.app.get(HistoryStore).refreshMeterDays();
    const days = await meterDays();
    expect(days).toHaveLength(32);
    expect(days.every((day) => day.key === 'Europe/Paris 23:30-07:30')).toBe(true);
    const after = await report();
    expect(after.figures).toMatchObject({ kwh: before.figures.kwh, ...(await fromQuarters(MOVED)) });
    expect(after.figures.offPeakKwh).not.toBe(before.figures.offPeakKwh);
  });
});
