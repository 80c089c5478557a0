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
  const earliest = new Map<string, number>();
  for (const sample of samples) {
    earliest.set(sample.pointKey, Math.min(earliest.get(sample.pointKey) ?? Infinity, sample.at));
  }
  for (const [pointKey, from] of earliest) {
    await manager.query(
      `INSERT INTO "history_pending" ("gateway_id", "point_key", "from") VALUES (?, ?, ?)
       ON CONFLICT ("gateway_id", "point_key") DO UPDATE SET "from" = min("from", excluded."from")`,
      [gatewayId, pointKey, from],
    );
  }
}
