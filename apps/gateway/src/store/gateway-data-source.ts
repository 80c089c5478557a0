import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { BellRingEntity } from './bell-ring.entity';
import { InitialGatewaySchema1795300000000 } from './migrations/1795300000000-initial-gateway-schema';
import { ControlAndSchedules1795400000000 } from './migrations/1795400000000-control-and-schedules';
import { OutputControlEntity } from './output-control.entity';
import { PointValueEntity } from './point-value.entity';
import { SwitchingEntity } from './switching.entity';
import { WriteRecordEntity } from './write-record.entity';

export const GATEWAY_ENTITIES = [
  PointValueEntity,
  WriteRecordEntity,
  SwitchingEntity,
  BellRingEntity,
  OutputControlEntity,
];
export const GATEWAY_MIGRATIONS = [InitialGatewaySchema1795300000000, ControlAndSchedules1795400000000];

interface Pragmas {
  pragma(source: string): unknown;
}

/**
 * The gateway's SQLite file: WAL journal (readers never block the writer, a crash loses nothing committed),
 * `synchronous = NORMAL` (safe with WAL), schema from migrations only.
 */
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
    },
  });
  return dataSource.initialize();
}
