import { withSqliteConnection } from '@beffroi/runtime';
import type { Bucket } from '@beffroi/schedule';
import type { DataSource } from 'typeorm';
import { type SqliteConnection, type SqliteStatement, sqliteConnectionOf } from './gateway-data-source';

/** An open bucket's row (table `telemetry_buckets`, see {@link TelemetryBucketEntity}). */
export interface BucketRow extends Bucket {
  readonly pointKey: string;
}

interface BucketStatements {
  upsert: SqliteStatement;
  remove: SqliteStatement;
}

const prepared = new WeakMap<SqliteConnection, BucketStatements>();

function statementsOf(connection: SqliteConnection): BucketStatements {
  let statements = prepared.get(connection);
  if (statements === undefined) {
    statements = {
      upsert: connection.prepare(
        'INSERT INTO "telemetry_buckets" ("point_key", "start", "count", "min", "max", "sum", "last", "last_at") ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("point_key") DO UPDATE SET "start" = excluded."start", ' +
          '"count" = excluded."count", "min" = excluded."min", "max" = excluded."max", "sum" = excluded."sum", ' +
          '"last" = excluded."last", "last_at" = excluded."last_at"',
      ),
      remove: connection.prepare('DELETE FROM "telemetry_buckets" WHERE "point_key" = ?'),
    };
    prepared.set(connection, statements);
  }
  return statements;
}

/**
 * Writes open buckets with prepared statements: every numeric point passes here at each telemetry interval while
 * central is out of reach. Meant to run inside a transaction of the DataSource (the outbox append's), where it joins it.
 */
export function upsertBucketRows(dataSource: DataSource, rows: readonly BucketRow[]): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  return withSqliteConnection(dataSource, () => {
    const { upsert } = statementsOf(sqliteConnectionOf(dataSource));
    for (const r of rows) upsert.run(r.pointKey, r.start, r.count, r.min, r.max, r.sum, r.last, r.lastAt);
  });
}

/** Deletes open buckets by point key, as {@link upsertBucketRows} writes them (inside a transaction of the DataSource). */
export function deleteBucketRows(dataSource: DataSource, pointKeys: readonly string[]): Promise<void> {
  if (pointKeys.length === 0) return Promise.resolve();
  return withSqliteConnection(dataSource, () => {
    const { remove } = statementsOf(sqliteConnectionOf(dataSource));
    for (const key of pointKeys) remove.run(key);
  });
}
