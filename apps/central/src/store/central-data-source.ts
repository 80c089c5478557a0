import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { serializeSqliteAccess } from '@beffroi/runtime';
import { CATALOGUE_ENTITIES } from './catalogue.entities';
import { CENTRAL_ENTITIES } from './entities';
import { InitialCentralSchema1795600000000 } from './migrations/1795600000000-initial-central-schema';
import { GatewayCatalogues1795700000000 } from './migrations/1795700000000-gateway-catalogues';
import { InboxEpochs1795710000000 } from './migrations/1795710000000-inbox-epochs';
import { CommandApplyAt1796000000000 } from './migrations/1796000000000-command-apply-at';
import { AccountAlarms1796100000000 } from './migrations/1796100000000-account-alarms';
import { Templates1796120000000 } from './migrations/1796120000000-templates';
import { GatewaySoftware1796130000000 } from './migrations/1796130000000-gateway-software';
import { TEMPLATE_ENTITIES } from './template.entities';
import { CommandEndsAt1796200000000 } from './migrations/1796200000000-command-ends-at';
import { History1796330000000 } from './migrations/1796330000000-history';
import { HistoryBuckets1796340000000 } from './migrations/1796340000000-history-buckets';
import { CommissioningReports1796361000000 } from './migrations/1796361000000-commissioning-reports';
import { HistoryMeterDays1796364000000 } from './migrations/1796364000000-history-meter-days';
import { CommissioningReportEntity } from './commissioning-report.entity';
import { HistoryBucketEntity } from './history-bucket.entity';
import { HISTORY_ENTITIES } from './history.entities';

/** A prepared better-sqlite3 statement, as central's hot read paths use it. */
export interface SqliteStatement {
  /** Rows as arrays of their columns rather than objects (`true`), for reads of many rows. */
  raw(raw: boolean): SqliteStatement;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): unknown;
}

/** The better-sqlite3 connection under central's DataSource. */
export interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(sql: string): SqliteStatement;
}

const connections = new WeakMap<DataSource, SqliteConnection>();

/**
 * The one connection of a DataSource opened by {@link openCentralDatabase}, for the paths that read many rows with
 * prepared statements rather than through the ORM's entities (a syndicate's fleet, the energy reports). Use it only
 * through `withSqliteConnection` (from `@beffroi/runtime`), so that it never reads inside a transaction of the ORM
 * that is still open.
 */
export function sqliteConnectionOf(dataSource: DataSource): SqliteConnection {
  const connection = connections.get(dataSource);
  if (connection === undefined) throw new Error('sqliteConnectionOf: not a DataSource of openCentralDatabase');
  return connection;
}

/**
 * Central's SQLite file: WAL, `synchronous = FULL` (an acknowledged report must survive a power cut), migrations,
 * queries one at a time ({@link serializeSqliteAccess}), its connection reachable for prepared statements
 * ({@link sqliteConnectionOf}).
 */
export async function openCentralDatabase(path: string): Promise<DataSource> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let connection: SqliteConnection | undefined;
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: path,
    entities: [
      ...CENTRAL_ENTITIES,
      ...CATALOGUE_ENTITIES,
      ...TEMPLATE_ENTITIES,
      ...HISTORY_ENTITIES,
      HistoryBucketEntity,
      CommissioningReportEntity,
    ],
    migrations: [
      InitialCentralSchema1795600000000,
      GatewayCatalogues1795700000000,
      InboxEpochs1795710000000,
      CommandApplyAt1796000000000,
      AccountAlarms1796100000000,
      Templates1796120000000,
      GatewaySoftware1796130000000,
      CommandEndsAt1796200000000,
      History1796330000000,
      HistoryBuckets1796340000000,
      CommissioningReports1796361000000,
      HistoryMeterDays1796364000000,
    ],
    migrationsRun: true,
    synchronize: false,
    prepareDatabase: (db: SqliteConnection) => {
      connection = db;
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
    },
  });
  await dataSource.initialize();
  if (connection === undefined) throw new Error('openCentralDatabase: the driver opened no connection');
  connections.set(dataSource, connection);
  serializeSqliteAccess(dataSource);
  return dataSource;
}
