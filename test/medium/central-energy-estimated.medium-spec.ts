import type { Profile } from '@beffroi/domain';
import type { OutboxMessage } from '@beffroi/sync';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { PROFILES_DIR, ProtocolGateway } from '../support/protocol-gateway';

/**
 * Issue 16's golden estimated month: a cabinet without a meter whose outputs have their installed power in the
 * gateway config (`installedPower`: 1 000 W on the first, 500 W on the others). The first is lit from 18:00 to 23:00
 * (Paris) every evening of December 2027, the second for one hour on the 10th, by switchings executed with feedback;
 * one more switching of the first, which failed, burned nothing.
 */

const CIRCUIT_1 = 'cabinet:circuit.1.command';
const CIRCUIT_2 = 'cabinet:circuit.2.command';
const TARIFF = {
  subscriptionPerMonth: 30,
  peakPricePerKwh: 0.2,
  offPeakPricePerKwh: 0.15,
  offPeak: [{ from: '22:00', to: '06:00' }],
};
const CO2 = { kgPerKwh: 0.06, source: 'Facteur de test', date: '2026-01-01' };

let central: CentralHarness;
let peer: ProtocolGateway;

/** The simulator's cabinet without its meter: a cabinet whose energy nothing measures. */
function unmeteredProfiles(): Map<string, Profile> {
  const profiles = new Map(loadProfiles(PROFILES_DIR));
  const cabinet = profiles.get('beffroi-sim-cabinet');
  if (cabinet?.protocol !== 'modbus') throw new Error('no Modbus simulator cabinet profile');
  profiles.set('beffroi-sim-cabinet', {
    ...cabinet,
    points: cabinet.points.filter((point) => !point.id.startsWith('meter.')),
  });
  return profiles;
}

function switching(
  pointKey: string,
  at: string,
  value: boolean,
  result: 'applied' | 'failed' = 'applied',
): OutboxMessage {
  return { class: 'switching', payload: { pointKey, value, source: 'schedule:eclairage', result, at } };
}

beforeAll(async () => {
  central = await startCentral({ config: { history: { rollupEvery: '1h', tariff: TARIFF, co2: CO2 } } });
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-estimated' }))
    .body as { credential: string };
  peer = new ProtocolGateway('gw-estimated', credential, central.wsUrl);
  peer.catalogue = buildCatalogue(
    [
      {
        id: 'cabinet',
        name: 'Armoire sans compteur',
        profile: 'beffroi-sim-cabinet',
        installedPower: {
          'circuit.1.command': 1000,
          'circuit.2.command': 500,
          'circuit.3.command': 500,
          'circuit.4.command': 500,
        },
      },
    ],
    unmeteredProfiles(),
    [],
  );
  await peer.connect();
  // Off before December (its state is known from the first evening), then 18:00–23:00 Paris (17:00–22:00 UTC).
  const messages = [1, 2, 3, 4].map((n) => switching(`cabinet:circuit.${n}.command`, '2027-11-30T12:00:00Z', false));
  for (let day = 1; day <= 31; day++) {
    const date = `2027-12-${String(day).padStart(2, '0')}`;
    messages.push(switching(CIRCUIT_1, `${date}T17:00:00Z`, true), switching(CIRCUIT_1, `${date}T22:00:00Z`, false));
  }
  messages.push(
    switching(CIRCUIT_2, '2027-12-10T17:00:00Z', true),
    switching(CIRCUIT_2, '2027-12-10T18:00:00Z', false),
    switching(CIRCUIT_1, '2027-12-20T06:00:00Z', true, 'failed'),
  );
  for (const message of messages) peer.append(message);
  peer.flush();
  await peer.drained();
});

afterAll(async () => {
  peer.close();
  await central.close();
});

describe('estimated energy of a cabinet without a meter', () => {
  it('gives December 2027 of a 1 kW output lit 5 hours an evening: 155 kWh estimated, priced and labelled', async () => {
    const reader = await central.login('agent@02691');
    const { status, body } = await central.api(reader, 'GET', '/api/communes/02691/energy?month=2027-12');
    expect(status).toBe(200);
    expect(body.estimates).toEqual({ available: true, reason: null });
    const cabinet = body.commune.cabinets.find((c: { gatewayId: string }) => c.gatewayId === 'gw-estimated');
    expect(cabinet.meterKey).toBeNull();
    const [first, second] = cabinet.outputs as { pointKey: string; figures: Record<string, unknown> }[];
    expect(first?.pointKey).toBe(CIRCUIT_1);
    expect(first?.figures).toMatchObject({
      kwh: 155,
      source: 'estimated',
      peakKwh: 124,
      offPeakKwh: 31,
      complete: true,
      installedWatts: 1000,
      burningHours: 155,
      switchOns: 31,
      cost: { subscription: 0, energy: 29.45, total: 29.45 },
      kgCo2e: 9.3,
    });
    const dusk = first?.figures.duskToDawnKwh as number;
    expect(dusk).toBeGreaterThan(155);
    expect(first?.figures.savingVsDuskToDawnKwh).toBeCloseTo(dusk - 155, 3);
    expect(second?.figures).toMatchObject({ kwh: 0.5, source: 'estimated', burningHours: 1, switchOns: 1 });
    // The cabinet: the sum of its outputs, labelled estimated, with the month's subscription.
    expect(cabinet.figures).toMatchObject({
      kwh: 155.5,
      source: 'estimated',
      peakKwh: 124.5,
      offPeakKwh: 31,
      complete: true,
      installedWatts: 2500,
      burningHours: 156,
      switchOns: 32,
      cost: { subscription: 30, energy: 29.55, total: 59.55 },
      kgCo2e: 9.33,
      previousYearKwh: null,
    });
  });
});
