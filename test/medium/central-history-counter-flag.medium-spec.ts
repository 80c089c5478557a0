import type { Profile } from '@beffroi/domain';
import type { OutboxMessage } from '@beffroi/sync';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { PROFILES_DIR, ProtocolGateway } from '../support/protocol-gateway';

/**
 * A profile's `counter: true` reaches central in the catalogue: a lamp's operating hours (unit h, which central would
 * otherwise take for a measure) are rolled up as a counter, while the same readings of an unflagged point are not.
 */

const QUARTER = 15 * 60_000;
const START = Date.parse('2027-03-10T12:00:00Z');
const HOURS = 'cabinet:lamp.hours';
const PLAIN = 'cabinet:lamp.hours_plain';

let central: CentralHarness;
let peer: ProtocolGateway;

function withHourCounters(): Map<string, Profile> {
  const profiles = new Map(loadProfiles(PROFILES_DIR));
  const cabinet = profiles.get('beffroi-sim-cabinet');
  if (cabinet?.protocol !== 'modbus') throw new Error('no Modbus simulator cabinet profile');
  const hours = {
    id: 'lamp.hours',
    kind: 'measure',
    type: 'uint32',
    unit: 'h',
    address: { table: 'input-register', address: 40 },
  } as const;
  profiles.set('beffroi-sim-cabinet', {
    ...cabinet,
    points: [
      ...cabinet.points,
      { ...hours, counter: true },
      { ...hours, id: 'lamp.hours_plain', address: { table: 'input-register', address: 42 } },
    ],
  });
  return profiles;
}

function reading(pointKey: string, at: number, value: number): OutboxMessage {
  return {
    class: 'telemetry',
    payload: { pointKey, value, quality: { status: 'good' }, receivedAt: new Date(at).toISOString() },
  };
}

beforeAll(async () => {
  central = await startCentral({ config: { history: { rollupEvery: '1h' } } });
  central.clock.offsetMs = Date.parse('2027-03-12T12:00:00Z') - Date.now();
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-hours' }))
    .body as { credential: string };
  peer = new ProtocolGateway('gw-hours', credential, central.wsUrl);
  peer.catalogue = buildCatalogue([{ id: 'cabinet', profile: 'beffroi-sim-cabinet' }], withHourCounters(), []);
  await peer.connect();
});

afterAll(async () => {
  peer.close();
  await central.close();
});

it('rolls up a point its profile marks counter: true as a counter, whatever its unit', async () => {
  for (const key of [HOURS, PLAIN]) {
    [1000, 1000.25, 1000.5, 1000.5].forEach((value, i) => peer.append(reading(key, START + i * QUARTER, value)));
  }
  peer.flush();
  await peer.drained();
  const store = central.app.get(HistoryStore);
  await store.maintain();
  const [counter] = await store.rollups('gw-hours', HOURS, 'day', 0, START + 86_400_000);
  const [measure] = await store.rollups('gw-hours', PLAIN, 'day', 0, START + 86_400_000);
  expect(counter).toMatchObject({ kind: 'counter', increase: 0.5, count: 4 });
  expect(measure).toMatchObject({ kind: 'measure', increase: 0, count: 4 });
});
