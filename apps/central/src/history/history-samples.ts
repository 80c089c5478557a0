import type { Bucket } from '@beffroi/schedule';
import type { EntityManager } from 'typeorm';

/** Rows per INSERT: at most 17 parameters each, far below SQLite's limit on parameters. */
export const ROWS_PER_INSERT = 250;

/** A numeric value of a point, at an instant in epoch milliseconds. */
export interface HistorySample {
  readonly pointKey: string;
  readonly at: number;
  readonly value: number;
}

/**
 * Keeps `samples` of a gateway as raw history, in the caller's transaction (the report that carried them): an instant
 * already kept for a point keeps its first value, so a report applied twice changes nothing. Their points are marked
 * for the next rollup run, from the earliest of their new samples.
 */
export async function recordHistorySamples(
  manager: EntityManager,
  gatewayId: string,
  samples: readonly HistorySample[],
): Promise<void> {
  for (let i = 0; i < samples.length; i += ROWS_PER_INSERT) {
    const rows = samples.slice(i, i + ROWS_PER_INSERT);
    await manager.query(
      `INSERT OR IGNORE INTO "history_samples" ("gateway_id", "point_key", "at", "value") VALUES ${rows
        .map(() => '(?, ?, ?, ?)')
        .join(', ')}`,
      rows.flatMap((row) => [gatewayId, row.pointKey, row.at, row.value]),
    );
  }
  await markPending(manager, gatewayId, samples);
}

/** Marks the points of `readings` for the next rollup run, from the earliest of them. */
async function markPending(
  manager: EntityManager,
  gatewayId: string,
  readings: readonly { pointKey: string; at: number }[],
): Promise<void> {
  const earliest = new Map<string, number>();
  for (const reading of readings) {
    earliest.set(reading.pointKey, Math.min(earliest.get(reading.pointKey) ?? Infinity, reading.at));
  }
  for (const [pointKey, from] of earliest) {
    await manager.query(
      `INSERT INTO "history_pending" ("gateway_id", "point_key", "from") VALUES (?, ?, ?)
       ON CONFLICT ("gateway_id", "point_key") DO UPDATE SET "from" = min("from", excluded."from")`,
      [gatewayId, pointKey, from],
    );
  }
}

/** A quarter of a point's readings that its gateway folded while central was out of reach (epoch milliseconds). */
export interface HistoryBucket extends Bucket {
  readonly pointKey: string;
}

/**
 * Keeps a gateway's `buckets` beside its raw samples, in the caller's transaction: a quarter already kept for a point
 * keeps its first bucket, so a bucket sent again changes nothing. Their points are marked for the next rollup run.
 */
export async function recordHistoryBuckets(
  manager: EntityManager,
  gatewayId: string,
  buckets: readonly HistoryBucket[],
): Promise<void> {
  for (let i = 0; i < buckets.length; i += ROWS_PER_INSERT) {
    const rows = buckets.slice(i, i + ROWS_PER_INSERT);
    await manager.query(
      `INSERT OR IGNORE INTO "history_buckets" ("gateway_id", "point_key", "start", "count", "min", "max", "sum", "last",
         "last_at") VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flatMap((b) => [gatewayId, b.pointKey, b.start, b.count, b.min, b.max, b.sum, b.last, b.lastAt]),
    );
  }
  await markPending(
    manager,
    gatewayId,
    buckets.map((bucket) => ({ pointKey: bucket.pointKey, at: bucket.start })),
  );
}
