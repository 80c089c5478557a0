import type { OutboxMessage } from '@beffroi/sync';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

const QUARTER = 15 * 60_000;
const HOUR = 3_600_000;
/** The simulator cabinet's meter (unit kWh) and its first two circuits. */
const ENERGY = 'cabinet:meter.energy';
const CIRCUIT_1 = 'cabinet:circuit.1.command';
const CIRCUIT_2 = 'cabinet:circuit.2.command';
/** Paris midnights around March 2027 (31 days, 743 hours: the clocks go forward on the 28th). */
const MARCH_START = Date.parse('2027-02-28T23:00:00Z');
const MARCH_END = Date.parse('2027-03-31T22:00:00Z');
/** A constant 2 kW load. */
const KW = 2;
const TARIFF = {
  subscriptionPerMonth: 30,
  peakPricePerKwh: 0.2,
  offPeakPricePerKwh: 0.15,
  offPeak: [{ from: '22:00', to: '06:00' }],
};
const CO2 = { kgPerKwh: 0.06, source: 'Facteur de test', date: '2026-01-01' };

let central: CentralHarness;
let peer: ProtocolGateway;

function reading(at: number, value: number): OutboxMessage {
  return {
    class: 'telemetry',
    payload: { pointKey: ENERGY, value, quality: { status: 'good' }, receivedAt: new Date(at).toISOString() },
  };
}

function switching(pointKey: string, at: string, value: boolean, result: 'applied' | 'failed'): OutboxMessage {
  return { class: 'switching', payload: { pointKey, value, source: 'schedule:eclairage', result, at } };
}

async function send(messages: OutboxMessage[]): Promise<void> {
  for (const message of messages) peer.append(message);
  peer.flush();
  await peer.drained();
}

beforeAll(async () => {
  central = await startCentral({ config: { history: { rollupEvery: '1h', tariff: TARIFF, co2: CO2 } } });
  central.clock.offsetMs = Date.parse('2027-04-02T12:00:00Z') - Date.now();
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-energy' }))
    .body as { credential: string };
  peer = new ProtocolGateway('gw-energy', credential, central.wsUrl);
  await peer.connect();
  // The meter read every quarter of March, from the last quarter of February on: 2 kWh an hour.
  const readings: OutboxMessage[] = [];
  for (let at = MARCH_START - QUARTER; at < MARCH_END; at += QUARTER) {
    readings.push(reading(at, 48_000 + (KW * (at - MARCH_START)) / HOUR));
  }
  await send(readings);
  await send([
    // Lit before March (so its state is known from the first day), off 6 hours into March 1st.
    switching(CIRCUIT_1, '2027-02-28T20:00:00.000Z', true, 'applied'),
    switching(CIRCUIT_1, '2027-03-01T05:00:00.000Z', false, 'applied'),
    // Lit for 12 hours on the night of the 10th.
    switching(CIRCUIT_1, '2027-03-10T18:00:00.000Z', true, 'applied'),
    switching(CIRCUIT_1, '2027-03-11T06:00:00.000Z', false, 'applied'),
    // Asked but not executed: it burned nothing.
    switching(CIRCUIT_1, '2027-03-20T18:00:00.000Z', true, 'failed'),
  ]);
  await central.app.get(HistoryStore).maintain();
});

afterAll(async () => {
  peer.close();
  await central.close();
});

describe("a commune's energy report", () => {
  it('gives the metered kWh of March per cabinet, split at the off-peak hours, with cost and kgCO2e', async () => {
    const reader = await central.login('lecteur@02691');
    const answer = await central.api(reader, 'GET', '/api/communes/02691/energy?month=2027-03');
    expect(answer.status).toBe(200);
    const report = answer.body as {
      period: unknown;
      co2: unknown;
      estimates: { available: boolean; reason: string };
      commune: {
        name: string;
        timeZone: string;
        figures: unknown;
        cabinets: { figures: unknown; outputs: unknown[] }[];
      };
    };
    expect(report.period).toEqual({ from: '2027-03-01', to: '2027-03-31', month: '2027-03' });
    expect(report.co2).toEqual(CO2);
    expect(report.estimates.available).toBe(false);
    expect(report.estimates.reason).toMatch(/installed power/);
    expect(report.commune).toMatchObject({ name: 'Saint-Quentin', timeZone: 'Europe/Paris' });
    // 743 hours × 2 kW; off-peak 22:00–06:00 is 8 hours a night but 7 on the night the clocks go forward.
    const offPeakKwh = (31 * 8 - 1) * KW;
    const metered = {
      kwh: 743 * KW,
      source: 'metered',
      peakKwh: 743 * KW - offPeakKwh,
      offPeakKwh,
      complete: true,
      missingQuarters: 0,
      resets: 0,
      installedWatts: null,
      burningHours: 18,
      switchOns: 1,
      cost: { subscription: 30, energy: 272.5, total: 302.5 },
      kgCo2e: 89.16,
      duskToDawnKwh: null,
      savingVsDuskToDawnKwh: null,
      previousYearKwh: null,
      previousYearSource: 'none',
      savingVsPreviousYearKwh: null,
    };
    expect(report.commune.figures).toEqual(metered);
    expect(report.commune.cabinets).toHaveLength(1);
    expect(report.commune.cabinets[0]).toMatchObject({
      gatewayId: 'gw-energy',
      equipmentId: 'cabinet',
      name: 'Armoire',
      meterKey: ENERGY,
      figures: metered,
    });
  });

  it('counts the burning hours and switch-ons each output executed, and never estimates its kWh', async () => {
    const reader = await central.login('lecteur@02691');
    const { body } = await central.api(reader, 'GET', '/api/communes/02691/energy?from=2027-03-01&to=2027-03-31');
    const outputs = (body as { commune: { cabinets: { outputs: { pointKey: string; figures: unknown }[] }[] } }).commune
      .cabinets[0]?.outputs;
    expect(outputs?.map((output) => output.pointKey)).toEqual([
      CIRCUIT_1,
      CIRCUIT_2,
      'cabinet:circuit.3.command',
      'cabinet:circuit.4.command',
    ]);
    expect(outputs?.[0]?.figures).toMatchObject({
      kwh: null,
      source: 'none',
      burningHours: 18,
      switchOns: 1,
      complete: true,
    });
    // Nothing known of circuit 2: no hours, and not complete (its state at the start of March is unknown).
    expect(outputs?.[1]?.figures).toMatchObject({ kwh: null, source: 'none', burningHours: 0, complete: false });
  });

  it('compares a period with the same days of the previous year, this year a week of readings', async () => {
    const reader = await central.login('lecteur@02691');
    const { body } = await central.api(reader, 'GET', '/api/communes/02691/energy?from=2027-03-01&to=2027-03-07');
    expect((body as { commune: { figures: unknown } }).commune.figures).toMatchObject({
      kwh: 7 * 24 * KW,
      source: 'metered',
      cost: { subscription: 6.77 },
      previousYearKwh: null,
      savingVsPreviousYearKwh: null,
    });
  });

  it("gives the syndicate's report per commune, the communes without a meter known as such", async () => {
    const admin = await central.login('admin@useda');
    const answer = await central.api(admin, 'GET', '/api/energy?month=2027-03');
    expect(answer.status).toBe(200);
    const report = answer.body as { figures: unknown; communes: { insee: string; figures: { kwh: unknown } }[] };
    expect(report.communes.find((commune) => commune.insee === '02691')?.figures).toMatchObject({
      kwh: 743 * KW,
      source: 'metered',
    });
    expect(report.communes.filter((commune) => commune.insee !== '02691').map((c) => c.figures.kwh)).toEqual(
      report.communes.filter((commune) => commune.insee !== '02691').map(() => null),
    );
    expect(report.figures).toMatchObject({ kwh: 743 * KW, source: 'metered', complete: false });
  });

  it('refuses a period that is not a month or a pair of local dates, naming the field', async () => {
    const reader = await central.login('lecteur@02691');
    const bad = await central.api(reader, 'GET', '/api/communes/02691/energy?month=2027-13');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/month.*expected a month such as \\"2027-03\\"/);
    const reversed = await central.api(reader, 'GET', '/api/communes/02691/energy?from=2027-03-10&to=2027-03-01');
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toMatch(/the period ends before it starts/);
    const none = await central.api(reader, 'GET', '/api/communes/02691/energy');
    expect(none.status).toBe(400);
  });
});
