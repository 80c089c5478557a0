import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { BellRingEntity } from './bell-ring.entity';
import { CommandLedgerEntity } from './command-ledger.entity';
import { InitialGatewaySchema1795300000000 } from './migrations/1795300000000-initial-gateway-schema';
import { ControlAndSchedules1795400000000 } from './migrations/1795400000000-control-and-schedules';
import { Sync1795500000000 } from './migrations/1795500000000-sync';
import { OutboxMessageEntity } from './outbox-message.entity';
import { OutputControlEntity } from './output-control.entity';
import { PointValueEntity } from './point-value.entity';
import { SwitchingEntity } from './switching.entity';
import { SyncStateEntity } from './sync-state.entity';
import { WriteRecordEntity } from './write-record.entity';

export const GATEWAY_ENTITIES = [
  PointValueEntity,
  WriteRecordEntity,
  SwitchingEntity,
  BellRingEntity,
  OutputControlEntity,
  OutboxMessageEntity,
  SyncStateEntity,
  CommandLedgerEntity,
];
export const GATEWAY_MIGRATIONS = [
  InitialGatewaySchema1795300000000,
  ControlAndSchedules1795400000000,
  Sync1795500000000,
];

interface Pragmas {
  pragma(source: string): unknown;
}

/**
 * The gateway's SQLite file: WAL journal (readers never block the writer, a crash loses nothing committed),
 * `synchronous = NORMAL` (safe with WAL), schema from migrations only.
 */
/** The WAL file is cut back to this size after a checkpoint, so one burst of writes does not keep its disk space. */
const WAL_SIZE_LIMIT = 4 * 1024 * 1024;

export async function openGatewayDatabase(path: string): Promise<DataSource> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: path,
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    prepareDatabase: (db: Pragmas) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    },
  });
  await dataSource.initialize();
  serializeTransactions(dataSource);
  return dataSource;
}

/**
 * TypeORM runs every query of a better-sqlite3 DataSource on its one connection, so two transactions started at once
 * interleave there (a BEGIN inside a BEGIN, one commit ending the other's transaction). The gateway's transactions
 * therefore run one at a time. Persisting with `save`/`remove` opens a transaction of its own outside this queue:
 * the gateway writes with insert/update/upsert/delete, in a transaction when several writes belong together.
 */
function serializeTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  const serialized = (...args: unknown[]) => {
    const run = tail.then(() => transaction(...args));
    tail = run.catch(() => undefined);
    return run;
  };
  manager.transaction = serialized;
}
