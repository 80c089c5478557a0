import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { serializeSqliteAccess } from '@beffroi/runtime';
import { AlarmEntity } from './alarm.entity';
import { BellRingEntity } from './bell-ring.entity';
import { CommandLedgerEntity } from './command-ledger.entity';
import { CommissioningReportEntity } from './commissioning-report.entity';
import { InitialGatewaySchema1795300000000 } from './migrations/1795300000000-initial-gateway-schema';
import { ControlAndSchedules1795400000000 } from './migrations/1795400000000-control-and-schedules';
import { Sync1795500000000 } from './migrations/1795500000000-sync';
import { Alarms1795610000000 } from './migrations/1795610000000-alarms';
import { TelemetryBuckets1796340000001 } from './migrations/1796340000001-telemetry-buckets';

import { CommissioningReports1796350000000 } from './migrations/1796350000000-commissioning-reports';
import { OutboxMessageEntity } from './outbox-message.entity';
import { OutputControlEntity } from './output-control.entity';
import { PointValueEntity } from './point-value.entity';
import { SwitchingEntity } from './switching.entity';
import { SyncStateEntity } from './sync-state.entity';
import { TelemetryBucketEntity } from './telemetry-bucket.entity';
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
  AlarmEntity,
  TelemetryBucketEntity,
  CommissioningReportEntity,
];
export const GATEWAY_MIGRATIONS = [
  InitialGatewaySchema1795300000000,
  ControlAndSchedules1795400000000,
  Sync1795500000000,
  Alarms1795610000000,
  TelemetryBuckets1796340000001,
  CommissioningReports1796350000000,
];

/** A prepared statement of better-sqlite3, as the gateway uses it. */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
}

/** The better-sqlite3 connection under a DataSource, as the gateway uses it. */
export interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(sql: string): SqliteStatement;
  /** A function running `work` in BEGIN … COMMIT (ROLLBACK if it throws). */
  transaction(work: () => void): () => void;
}

const connections = new WeakMap<DataSource, SqliteConnection>();

/**
 * The one connection of a DataSource opened by {@link openGatewayDatabase}, for the hot paths that use prepared
 * statements rather than the ORM. Use it only through `withSqliteConnection` (from `@beffroi/runtime`).
 */
export function sqliteConnectionOf(dataSource: DataSource): SqliteConnection {
  const connection = connections.get(dataSource);
  if (connection === undefined) throw new Error('sqliteConnectionOf: not a DataSource of openGatewayDatabase');
  return connection;
}

/** The WAL file is cut back to this size after a checkpoint, so one burst of writes does not keep its disk space. */
const WAL_SIZE_LIMIT = 4 * 1024 * 1024;

/**
 * The gateway's SQLite file: WAL journal (readers never block the writer, a crash loses nothing committed),
 * `synchronous = NORMAL` (safe with WAL), schema from migrations only, queries one at a time
 * ({@link serializeSqliteAccess}), its connection reachable for prepared statements ({@link sqliteConnectionOf}).
 */
export async function openGatewayDatabase(path: string): Promise<DataSource> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let connection: SqliteConnection | undefined;
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: path,
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    prepareDatabase: (db: SqliteConnection) => {
      connection = db;
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    },
  });
  await dataSource.initialize();
  serializeSqliteAccess(dataSource);
  if (connection !== undefined) connections.set(dataSource, connection);
  return dataSource;
}
