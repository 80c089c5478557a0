import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PointSample } from '@beffroi/fieldbus';
import type { DataSource } from 'typeorm';
import { PointStore } from '../../apps/gateway/src/points/point-store.service';
import { openGatewayDatabase } from '../../apps/gateway/src/store/gateway-data-source';

interface Row {
  key: string;
  value_json: string;
  quality: string;
  reason: string | null;
  observed_at: string | null;
  received_at: string;
}

const AT = new Date('2027-01-04T17:00:00.000Z');
const LATER = new Date('2027-01-04T17:00:01.000Z');

function good(key: string, value: number | boolean | string, receivedAt = AT): PointSample {
  return { key, value, quality: { status: 'good' }, observedAt: receivedAt, receivedAt };
}

let dir: string;
let dataSource: DataSource;
let store: PointStore;

async function open(): Promise<void> {
  dataSource = await openGatewayDatabase(join(dir, 'gateway.sqlite'));
  store = new PointStore(dataSource);
  await store.onModuleInit();
}

async function close(): Promise<void> {
  await store.beforeApplicationShutdown();
  await dataSource.destroy();
}

const rows = () => dataSource.query<Row[]>('SELECT * FROM point_values ORDER BY key');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beffroi-point-store-'));
  await open();
});

afterEach(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the point store: latest values in memory, changes in SQLite', () => {
  it('writes the latest values to SQLite and restores them as stale after a restart', async () => {
    store.update([
      good('cab:a', 12.5),
      good('cab:b', true),
      { key: 'cab:c', value: null, quality: { status: 'bad', reason: 'exception 02' }, receivedAt: AT },
    ]);
    await store.flush();
    expect(await rows()).toEqual([
      {
        key: 'cab:a',
        value_json: '12.5',
        quality: 'good',
        reason: null,
        observed_at: AT.toISOString(),
        received_at: AT.toISOString(),
      },
      {
        key: 'cab:b',
        value_json: 'true',
        quality: 'good',
        reason: null,
        observed_at: AT.toISOString(),
        received_at: AT.toISOString(),
      },
      {
        key: 'cab:c',
        value_json: 'null',
        quality: 'bad',
        reason: 'exception 02',
        observed_at: null,
        received_at: AT.toISOString(),
      },
    ]);
    await close();
    await open();
    expect(store.get('cab:a')).toEqual({
      value: 12.5,
      quality: { status: 'stale', reason: 'last value before the gateway restarted' },
      observedAt: AT.toISOString(),
      receivedAt: AT.toISOString(),
    });
    expect(store.get('cab:c')).toEqual({
      value: null,
      quality: { status: 'stale', reason: 'last value before the gateway restarted' },
      receivedAt: AT.toISOString(),
    });
  });

  it('gives the newest sample at once, and writes only what changed in value or quality', async () => {
    store.update([good('cab:a', 1), good('cab:b', 2)]);
    await store.flush();
    store.update([good('cab:a', 1, LATER), good('cab:b', 3, LATER)]);
    expect(store.get('cab:a')).toEqual({
      value: 1,
      quality: { status: 'good' },
      observedAt: LATER.toISOString(),
      receivedAt: LATER.toISOString(),
    });
    await store.flush();
    expect((await rows()).map((r) => [r.key, r.value_json, r.received_at])).toEqual([
      ['cab:a', '1', AT.toISOString()],
      ['cab:b', '3', LATER.toISOString()],
    ]);
    store.update([{ key: 'cab:a', value: 1, quality: { status: 'bad', reason: 'timeout' }, receivedAt: LATER }]);
    await store.flush();
    expect((await rows())[0]).toMatchObject({ key: 'cab:a', quality: 'bad', reason: 'timeout' });
  });

  it('writes at shutdown what changed since the last flush', async () => {
    store.update([good('cab:a', 7)]);
    await close();
    await open();
    expect(store.get('cab:a')).toMatchObject({ value: 7, quality: { status: 'stale' } });
  });

  it('keeps the values of a flush that failed and writes them at the next one', async () => {
    await dataSource.query('ALTER TABLE point_values RENAME TO point_values_away');
    store.update([good('cab:a', 5)]);
    await store.flush();
    await dataSource.query('ALTER TABLE point_values_away RENAME TO point_values');
    await store.flush();
    expect((await rows()).map((r) => [r.key, r.value_json])).toEqual([['cab:a', '5']]);
  });

  it('writes between the transactions of the rest of the gateway, never inside one', async () => {
    const failing = dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO sync_state (key, value_json, updated_at) VALUES ('probe', '1', 'now')`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw new Error('rolled back');
    });
    store.update([good('cab:a', 9)]);
    const flushed = store.flush();
    await expect(failing).rejects.toThrow('rolled back');
    await flushed;
    expect((await rows()).map((r) => [r.key, r.value_json])).toEqual([['cab:a', '9']]);
  });
});
