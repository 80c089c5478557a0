import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  addDays,
  localDateOf,
  type MeterDay,
  meterDayKey,
  meterDays,
  mergeRollups,
  periodSpan,
  QUARTER_MS,
  quarterRollups,
  type Rollup,
  type Sample,
  type SeriesKind,
  type Bucket,
} from '@beffroi/schedule';
import { type CatalogueEquipment, healthPayloadSchema } from '@beffroi/sync';
import { DataSource, type EntityManager } from 'typeorm';
import { CentralConfig } from '../central.config';
import { Clock } from '@beffroi/runtime';
import { GatewayCatalogueEntity } from '../store/catalogue.entities';
import { GatewayEntity } from '../store/entities';
import { ROWS_PER_INSERT } from './history-samples';
import { HistoryPendingEntity, HistoryRollupEntity } from '../store/history.entities';

const MS_PER_DAY = 86_400_000;
/** Units of cumulative energy counters: their energy is the increase of the readings. */
const COUNTER_UNITS = new Set(['Wh', 'kWh', 'MWh']);

/**
 * Central's history store (docs/energy.md): the numeric values gateways report are kept as raw samples for
 * `history.rawRetentionDays`, and rolled up into quarters, local days and local months that are kept for years.
 * Writing a sample twice changes nothing; a rollup run redoes, for each point with new samples, every quarter, day
 * and month from the local day of the earliest new sample on, from the samples kept, so re-running it changes
 * nothing either. Quarters older than the raw retention are never redone (their samples are gone).
 */
@Injectable()
export class HistoryStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HistoryStore.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: CentralConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.refreshMeterDays().then(
      () => undefined,
      (error: unknown) => {
        this.logger.error(`history meter days failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => this.maintain())
        .catch((error: unknown) => {
          this.logger.error(`history rollup failed: ${error instanceof Error ? error.message : String(error)}`);
        });
    }, this.config.history.rollupEvery);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Rolls up what is pending, then deletes samples past their retention: what the periodic job does. */
  async maintain(): Promise<void> {
    await this.rollUp();
    await this.splitMeterDays();
    await this.prune();
  }

  /**
   * What central does when it starts: marks the counters whose meter days were split with other off-peak windows (the
   * tariff of central's config changed) or in another time zone, then splits the days of every marked counter again
   * from its quarters (those the migration to meter days marked too). Until then a report reads those days' quarters.
   */
  async refreshMeterDays(): Promise<number> {
    const kept = await this.dataSource.query<{ gatewayId: string; pointKey: string; key: string }[]>(
      `SELECT DISTINCT "gateway_id" AS "gatewayId", "point_key" AS "pointKey", "off_peak_key" AS "key"
         FROM "history_meter_days"`,
    );
    const keys = new Map<string, string>();
    for (const row of kept) {
      let expected = keys.get(row.gatewayId);
      if (expected === undefined) {
        expected = meterDayKey(this.config.history.tariff.offPeak, await this.timeZoneOf(row.gatewayId));
        keys.set(row.gatewayId, expected);
      }
      if (row.key === expected) continue;
      await this.dataSource.query(
        `INSERT OR IGNORE INTO "history_meter_days_pending" ("gateway_id", "point_key") VALUES (?, ?)`,
        [row.gatewayId, row.pointKey],
      );
    }
    return this.splitMeterDays();
  }

  /** Splits again, from their quarters, every day of the counters marked for it; returns how many counters. */
  async splitMeterDays(): Promise<number> {
    const pending = await this.dataSource.query<{ gatewayId: string; pointKey: string }[]>(
      `SELECT "gateway_id" AS "gatewayId", "point_key" AS "pointKey" FROM "history_meter_days_pending"`,
    );
    for (const { gatewayId, pointKey } of pending) {
      const timeZone = await this.timeZoneOf(gatewayId);
      await this.dataSource.transaction(async (manager) => {
        const quarters = (
          await manager.query<RollupRow[]>(
            `SELECT * FROM "history_rollups" WHERE "gateway_id" = ? AND "point_key" = ? AND "period" = 'quarter'
             ORDER BY "start"`,
            [gatewayId, pointKey],
          )
        ).map(rollupOf);
        await this.writeMeterDays(manager, gatewayId, pointKey, -Infinity, quarters, timeZone);
        await manager.query(`DELETE FROM "history_meter_days_pending" WHERE "gateway_id" = ? AND "point_key" = ?`, [
          gatewayId,
          pointKey,
        ]);
      });
    }
    return pending.length;
  }

  /** Redoes the rollups of every point with new samples; returns how many points it rolled up. */
  async rollUp(): Promise<number> {
    const pending = await this.dataSource.getRepository(HistoryPendingEntity).find();
    const counters = new Map<string, ReadonlySet<string>>();
    for (const point of pending) {
      let keys = counters.get(point.gatewayId);
      if (keys === undefined) {
        keys = await this.counterKeys(point.gatewayId);
        counters.set(point.gatewayId, keys);
      }
      const kind: SeriesKind = keys.has(point.pointKey) ? 'counter' : 'measure';
      const timeZone = await this.timeZoneOf(point.gatewayId);
      await this.dataSource.transaction((manager) => this.rollUpPoint(manager, point, kind, timeZone));
    }
    return pending.length;
  }

  /**
   * Deletes the samples taken more than `history.rawRetentionDays` ago, and the buckets whose quarter ended before
   * then (their rollups stay); returns how many samples and buckets.
   */
  async prune(): Promise<number> {
    const horizon = this.horizon();
    const [{ count }] = await this.dataSource.query<[{ count: number }]>(
      `SELECT (SELECT count(*) FROM "history_samples" WHERE "at" < ?)
         + (SELECT count(*) FROM "history_buckets" WHERE "start" + ? <= ?) AS "count"`,
      [horizon, QUARTER_MS, horizon],
    );
    await this.dataSource.query(`DELETE FROM "history_samples" WHERE "at" < ?`, [horizon]);
    await this.dataSource.query(`DELETE FROM "history_buckets" WHERE "start" + ? <= ?`, [QUARTER_MS, horizon]);
    return count;
  }

  /** A point's rollups of one period from `from` (epoch ms, included) to `to` (excluded), in time order. */
  async rollups(
    gatewayId: string,
    pointKey: string,
    period: Rollup['period'],
    from: number,
    to: number,
  ): Promise<HistoryRollupEntity[]> {
    const rows = await this.dataSource.query<RollupRow[]>(
      `SELECT * FROM "history_rollups" WHERE "gateway_id" = ? AND "point_key" = ? AND "period" = ?
         AND "start" >= ? AND "start" < ? ORDER BY "start"`,
      [gatewayId, pointKey, period, from, to],
    );
    return rows.map(entityOf);
  }

  private async rollUpPoint(
    manager: EntityManager,
    point: HistoryPendingEntity,
    kind: SeriesKind,
    timeZone: string,
  ): Promise<void> {
    const { gatewayId, pointKey } = point;
    const horizon = this.horizon();
    // The first local day to redo: the earliest new sample's, or the first whose samples are all still kept.
    let firstDay = localDateOf(new Date(Math.max(point.from, horizon)), timeZone);
    if (periodSpan(firstDay, 'day', timeZone).start < horizon) firstDay = addDays(firstDay, 1);
    const start = periodSpan(firstDay, 'day', timeZone).start;
    const monthStart = periodSpan(firstDay, 'month', timeZone).start;
    const samples = await manager.query<Sample[]>(
      `SELECT "at", "value" FROM "history_samples" WHERE "gateway_id" = ? AND "point_key" = ? AND "at" >= ?
       ORDER BY "at"`,
      [gatewayId, pointKey, start],
    );
    const [previousSample] = await manager.query<Sample[]>(
      `SELECT "at", "value" FROM "history_samples" WHERE "gateway_id" = ? AND "point_key" = ? AND "at" < ?
       ORDER BY "at" DESC LIMIT 1`,
      [gatewayId, pointKey, start],
    );
    const buckets = await manager.query<Bucket[]>(
      `SELECT "start", "count", "min", "max", "sum", "last", "last_at" AS "lastAt" FROM "history_buckets"
       WHERE "gateway_id" = ? AND "point_key" = ? AND "start" >= ? ORDER BY "start"`,
      [gatewayId, pointKey, start],
    );
    const [previousBucket] = await manager.query<Sample[]>(
      `SELECT "last_at" AS "at", "last" AS "value" FROM "history_buckets" WHERE "gateway_id" = ? AND "point_key" = ?
         AND "start" < ? ORDER BY "start" DESC LIMIT 1`,
      [gatewayId, pointKey, start],
    );
    // The reading before the window, raw or folded: the later of the two.
    const previous =
      previousBucket !== undefined && (previousSample === undefined || previousBucket.at > previousSample.at)
        ? previousBucket
        : previousSample;
    const quarters = quarterRollups(kind, samples, previous, buckets);
    const days = mergeRollups(quarters, 'day', timeZone);
    const earlierDays = (
      await manager.query<RollupRow[]>(
        `SELECT * FROM "history_rollups" WHERE "gateway_id" = ? AND "point_key" = ? AND "period" = 'day'
           AND "start" >= ? AND "start" < ? ORDER BY "start"`,
        [gatewayId, pointKey, monthStart, start],
      )
    ).map(rollupOf);
    const months = mergeRollups([...earlierDays, ...days], 'month', timeZone);
    await manager.query(
      `DELETE FROM "history_rollups" WHERE "gateway_id" = ? AND "point_key" = ?
         AND (("period" IN ('quarter', 'day') AND "start" >= ?) OR ("period" = 'month' AND "start" >= ?))`,
      [gatewayId, pointKey, start, monthStart],
    );
    const rows = [...quarters, ...days, ...months];
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + ROWS_PER_INSERT);
      await manager.query(
        `INSERT INTO "history_rollups" ("gateway_id", "point_key", "period", "start", "end", "kind", "count", "min",
           "max", "sum", "mean", "last", "last_at", "increase", "resets", "quarters", "expected_quarters")
         VALUES ${chunk.map(() => `(${new Array(17).fill('?').join(', ')})`).join(', ')}`,
        chunk.flatMap((r) => [
          gatewayId,
          pointKey,
          r.period,
          r.start,
          r.end,
          kind,
          r.count,
          r.min,
          r.max,
          r.sum,
          r.mean,
          r.last,
          r.lastAt,
          r.increase,
          r.resets,
          r.quarters,
          r.expectedQuarters,
        ]),
      );
    }
    if (kind === 'counter') await this.writeMeterDays(manager, gatewayId, pointKey, start, quarters, timeZone);
    // New samples that came in meanwhile lowered nothing: this run read every sample from `start` on.
    await manager.query(`DELETE FROM "history_pending" WHERE "gateway_id" = ? AND "point_key" = ? AND "from" >= ?`, [
      gatewayId,
      pointKey,
      point.from,
    ]);
  }

  /**
   * Replaces a counter's meter days from `start` (a local midnight) on by those of its `quarters` from there, split by
   * the off-peak windows of central's tariff: what a report reads instead of the quarters (docs/energy.md).
   */
  private async writeMeterDays(
    manager: EntityManager,
    gatewayId: string,
    pointKey: string,
    start: number,
    quarters: readonly Rollup[],
    timeZone: string,
  ): Promise<void> {
    const { offPeak } = this.config.history.tariff;
    const key = meterDayKey(offPeak, timeZone);
    const days: MeterDay[] = meterDays(quarters, offPeak, timeZone);
    await manager.query(
      `DELETE FROM "history_meter_days" WHERE "gateway_id" = ? AND "point_key" = ? AND "start" >= ?`,
      [gatewayId, pointKey, start],
    );
    for (let i = 0; i < days.length; i += ROWS_PER_INSERT) {
      const chunk = days.slice(i, i + ROWS_PER_INSERT);
      await manager.query(
        `INSERT INTO "history_meter_days" ("gateway_id", "point_key", "start", "end", "peak_increase",
           "off_peak_increase", "quarters", "resets", "off_peak_key")
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((d) => [
          gatewayId,
          pointKey,
          d.start,
          d.end,
          d.peakIncrease,
          d.offPeakIncrease,
          d.quarters,
          d.resets,
          key,
        ]),
      );
    }
  }

  /** The gateway's counters: the points its catalogue marks `counter: true`, or whose unit is Wh, kWh or MWh. */
  private async counterKeys(gatewayId: string): Promise<ReadonlySet<string>> {
    const row = await this.dataSource.getRepository(GatewayCatalogueEntity).findOneBy({ gatewayId });
    const keys = new Set<string>();
    for (const equipment of row === null ? [] : (JSON.parse(row.equipmentJson) as CatalogueEquipment[])) {
      for (const point of equipment.points) {
        const energy = point.unit !== undefined && COUNTER_UNITS.has(point.unit);
        if (point.counter === true || energy) keys.add(`${equipment.id}:${point.id}`);
      }
    }
    return keys;
  }

  /** Samples taken before this instant are past their retention. */
  private horizon(): number {
    return this.clock.now().getTime() - this.config.history.rawRetentionDays * MS_PER_DAY;
  }

  /** The time zone of the gateway's first reported site, or `history.timeZone`. */
  private async timeZoneOf(gatewayId: string): Promise<string> {
    const gateway = await this.dataSource.getRepository(GatewayEntity).findOneBy({ id: gatewayId });
    const healthJson = gateway?.healthJson ?? null;
    const health = healthPayloadSchema.safeParse(healthJson === null ? null : JSON.parse(healthJson));
    return (health.success ? health.data.sites?.[0]?.timeZone : undefined) ?? this.config.history.timeZone;
  }
}

/** A row of `history_rollups`, as SQLite returns it. */
export interface RollupRow {
  gateway_id: string;
  point_key: string;
  period: Rollup['period'];
  start: number;
  end: number;
  kind: SeriesKind;
  count: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
  last: number;
  last_at: number;
  increase: number;
  resets: number;
  quarters: number;
  expected_quarters: number;
}

/** A stored rollup as the computation takes it. */
export function rollupOf(row: RollupRow): Rollup {
  return {
    period: row.period,
    start: row.start,
    end: row.end,
    count: row.count,
    min: row.min,
    max: row.max,
    sum: row.sum,
    mean: row.mean,
    last: row.last,
    lastAt: row.last_at,
    increase: row.increase,
    resets: row.resets,
    quarters: row.quarters,
    expectedQuarters: row.expected_quarters,
  };
}

function entityOf(row: RollupRow): HistoryRollupEntity {
  return Object.assign(new HistoryRollupEntity(), {
    ...rollupOf(row),
    gatewayId: row.gateway_id,
    pointKey: row.point_key,
    kind: row.kind,
  });
}
