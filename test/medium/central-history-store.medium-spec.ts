import type { OutboxMessage } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import { centralConfig } from '../../apps/central/src/central.config';
import { recordHistorySamples } from '../../apps/central/src/history/history-samples';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

const QUARTER = 15 * 60_000;
const DAY = 86_400_000;
/** The meter of the simulator's cabinet profile (unit kWh: a counter) and its total power (kW: a measure). */
const ENERGY = 'cabinet:meter.energy';
const POWER = 'cabinet:meter.power';
/** Paris midnights: 27 March 2027 (24 h), 28 March (23 h, the spring change), 29 March, 30 March. */
const MIDNIGHT_27 = Date.parse('2027-03-26T23:00:00Z');
const MIDNIGHT_28 = Date.parse('2027-03-27T23:00:00Z');
const MIDNIGHT_29 = Date.parse('2027-03-28T22:00:00Z');
const MIDNIGHT_30 = Date.parse('2027-03-29T22:00:00Z');

let central: CentralHarness;
let store: HistoryStore;

async function gateway(gatewayId: string): Promise<ProtocolGateway> {
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const peer = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  await peer.connect();
  return peer;
}

function telemetry(pointKey: string, at: number, value: number, quality: 'good' | 'bad' = 'good'): OutboxMessage {
  return {
    class: 'telemetry',
    payload: {
      pointKey,
      value,
      quality: quality === 'good' ? { status: 'good' } : { status: 'bad', reason: 'timeout' },
      receivedAt: new Date(at).toISOString(),
    },
  };
}

/** A 1 kW load read every quarter from the last quarter of 27 March to the end of the 29th. */
function readings(): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  for (let at = MIDNIGHT_28 - QUARTER; at < MIDNIGHT_30; at += QUARTER) {
    messages.push(telemetry(ENERGY, at, 1200 + (at - MIDNIGHT_28) / 3_600_000));
  }
  return messages;
}

async function send(peer: ProtocolGateway, messages: OutboxMessage[]): Promise<void> {
  for (const message of messages) peer.append(message);
  peer.flush();
  await peer.drained();
}

beforeEach(async () => {
  central = await startCentral({ config: { history: { rollupEvery: '1h' } } });
  central.clock.offsetMs = Date.parse('2027-04-02T12:00:00Z') - Date.now();
  store = central.app.get(HistoryStore);
});

afterEach(async () => {
  await central.close();
});

describe("central's history store", () => {
  it('rolls reported kWh readings up into local days and months, 23 hours on the day of the spring change', async () => {
    const peer = await gateway('gw-history');
    await send(peer, readings());
    await store.maintain();
    const days = await store.rollups('gw-history', ENERGY, 'day', MIDNIGHT_27, MIDNIGHT_30);
    expect(days.map((day) => [day.start, day.increase, day.quarters, day.expectedQuarters])).toEqual([
      [MIDNIGHT_27, 0, 1, 96],
      [MIDNIGHT_28, 23, 92, 92],
      [MIDNIGHT_29, 24, 96, 96],
    ]);
    expect(days.every((day) => day.kind === 'counter')).toBe(true);
    const [march] = await store.rollups('gw-history', ENERGY, 'month', 0, MIDNIGHT_30);
    expect(march).toMatchObject({ increase: 47, resets: 0, quarters: 189, expectedQuarters: 2972 });
    peer.close();
  });

  it('changes nothing when the same readings come again and the rollup runs again', async () => {
    const peer = await gateway('gw-again');
    await send(peer, readings());
    await store.maintain();
    const before = await store.rollups('gw-again', ENERGY, 'quarter', 0, MIDNIGHT_30);
    await central.app.get(DataSource).transaction((manager) =>
      recordHistorySamples(
        manager,
        'gw-again',
        readings().flatMap((m) =>
          m.class === 'telemetry' && typeof m.payload.value === 'number'
            ? [{ pointKey: m.payload.pointKey, at: Date.parse(m.payload.receivedAt), value: m.payload.value }]
            : [],
        ),
      ),
    );
    expect(await store.rollUp()).toBe(1);
    expect(await store.rollUp()).toBe(0);
    expect(await store.rollups('gw-again', ENERGY, 'quarter', 0, MIDNIGHT_30)).toEqual(before);
    expect(before).toHaveLength(189);
    peer.close();
  });

  it('keeps measures with min, max, mean and last, and leaves out values of bad quality', async () => {
    const peer = await gateway('gw-power');
    await send(peer, [
      telemetry(POWER, MIDNIGHT_29 + 60_000, 1.5),
      telemetry(POWER, MIDNIGHT_29 + 120_000, 2.5),
      telemetry(POWER, MIDNIGHT_29 + 180_000, 99, 'bad'),
      telemetry(POWER, MIDNIGHT_29 + 240_000, 2),
    ]);
    await store.maintain();
    expect(await store.rollups('gw-power', POWER, 'quarter', 0, MIDNIGHT_30)).toEqual([
      expect.objectContaining({ kind: 'measure', count: 3, min: 1.5, max: 2.5, mean: 2, last: 2, increase: 0 }),
    ]);
    peer.close();
  });

  it('deletes raw samples past their retention and keeps their rollups', async () => {
    const peer = await gateway('gw-old');
    await send(peer, readings());
    await store.maintain();
    const days = await store.rollups('gw-old', ENERGY, 'day', 0, MIDNIGHT_30);
    central.clock.offsetMs += 40 * DAY;
    expect(await store.prune()).toBe(readings().length);
    expect(await store.prune()).toBe(0);
    // A late reading of a day whose samples are gone is kept raw but does not redo that day from what is left.
    await send(peer, [telemetry(ENERGY, MIDNIGHT_28 + 5 * QUARTER + 60_000, 1205.3)]);
    await store.maintain();
    expect(await store.rollups('gw-old', ENERGY, 'day', 0, MIDNIGHT_30)).toEqual(days);
    peer.close();
  });
});

describe('history configuration', () => {
  it('refuses a retention that is not a whole number of days, naming the key', () => {
    expect(() => centralConfig({ history: { rawRetentionDays: 0 } })).toThrow(/rawRetentionDays/);
    expect(() => centralConfig({ history: { rawRetentionDays: 0 } })).toThrow(
      /expected a whole number of days 1\.\.3650/,
    );
    const badWindow = { history: { tariff: { offPeak: [{ from: '25:00', to: '06:00' }] } } };
    expect(() => centralConfig(badWindow)).toThrow(/"offPeak"/);
    expect(() => centralConfig(badWindow)).toThrow(/expected a local time/);
  });
});
