/**
 * The physical floor of "poll and keep", run by `field.bench.ts` as a process of its own, beside the gateway: every
 * period, for each device, the same two batched requests as the gateway's read plan (registers 0–124 and 125–199),
 * then one better-sqlite3 transaction of a prepared upsert of the values that changed. No framework, no point model,
 * no API. Periods are fixed slots like the gateway's: a slot whose previous cycle still runs is skipped. Arguments:
 * `<ports, comma-separated> <period ms> <SQLite file>`. Answers `{ type: 'stats' }` with `{ done, missed }`: periods
 * in which a cycle started, periods that ended without one.
 */
import ModbusRTU from 'modbus-serial';
import { DataSource } from 'typeorm';

const REGISTERS = 200;
const FIRST_BATCH = 125;

interface Connection {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction(work: () => void): () => void;
}

async function main(): Promise<void> {
  const [portList = '', periodText = '1000', path = ':memory:'] = process.argv.slice(2);
  const ports = portList.split(',').map(Number);
  const periodMs = Number(periodText);
  let connection: Connection | undefined;
  // TypeORM only opens the file (as the gateway does); every write below is a prepared statement.
  const dataSource = await new DataSource({
    type: 'better-sqlite3',
    database: path,
    prepareDatabase: (db: Connection & { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      connection = db;
    },
  }).initialize();
  await dataSource.query(
    'CREATE TABLE IF NOT EXISTS point_values (key TEXT PRIMARY KEY, value_json TEXT NOT NULL, received_at TEXT NOT NULL)',
  );
  if (connection === undefined) throw new Error('no connection');
  const db = connection;
  const upsert = db.prepare(
    'INSERT INTO point_values (key, value_json, received_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, received_at = excluded.received_at',
  );

  const devices = await Promise.all(
    ports.map(async (port, device) => {
      const client = new ModbusRTU();
      await client.connectTCP('127.0.0.1', { port });
      client.setID(1);
      client.setTimeout(2000);
      const keys = Array.from({ length: REGISTERS }, (_, address) => `bank-${device}:register.${address}`);
      return { client, keys, last: new Int32Array(REGISTERS).fill(-1) };
    }),
  );

  /** One cycle: read every device, keep what changed in one transaction. */
  const cycle = async () => {
    const changed: [string, number][] = [];
    await Promise.all(
      devices.map(async ({ client, keys, last }) => {
        const head = await client.readHoldingRegisters(0, FIRST_BATCH);
        const tail = await client.readHoldingRegisters(FIRST_BATCH, REGISTERS - FIRST_BATCH);
        const values = [...head.data, ...tail.data];
        for (let i = 0; i < REGISTERS; i++) {
          const value = values[i] ?? -1;
          if (value === last[i]) continue;
          last[i] = value;
          changed.push([keys[i] ?? '', value]);
        }
      }),
    );
    if (changed.length === 0) return;
    const at = new Date().toISOString();
    db.transaction(() => {
      for (const [key, value] of changed) upsert.run(key, String(value), at);
    })();
  };

  const armedAt = performance.now();
  let running = false;
  let done = 0;
  let lastRead = -1;
  const slot = () => Math.floor((performance.now() - armedAt) / periodMs);
  const tick = (period: number) => {
    const current = Math.max(period, slot());
    if (!running && current > lastRead) {
      running = true;
      lastRead = current;
      done++;
      void cycle().finally(() => (running = false));
    }
    setTimeout(() => tick(current + 1), armedAt + (current + 1) * periodMs - performance.now());
  };
  tick(0);
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stats') return;
    const current = slot();
    process.send?.({ type: 'stats', done, missed: current - (done - (lastRead === current ? 1 : 0)) });
  });
  process.send?.({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
