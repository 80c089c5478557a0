import { type ExecutedSwitching, type MeterDay, type Rollup } from '@beffroi/schedule';
import type { SqliteConnection, SqliteStatement } from '../store/central-data-source';
import { type RollupRow, rollupOf } from './history-store.service';

/** A gateway as a report needs it: its commune, and the health it last reported (its sites). */
export interface ReportGateway {
  readonly id: string;
  readonly insee: string;
  readonly healthJson: string | null;
}

/** An instant span `[start, end)` in epoch milliseconds. */
interface Span {
  readonly start: number;
  readonly end: number;
}

interface DayRow {
  start: number;
  end: number | null;
  peak: number | null;
  offPeak: number | null;
  quarters: number | null;
  resets: number | null;
  key: string | null;
}

/** A switching as `[point key, id, at, value JSON]` (raw rows: no object per row). */
type SwitchingRow = [string, number, string, string];

interface ReportStatements {
  gateways: SqliteStatement;
  catalogues: SqliteStatement;
  days: SqliteStatement;
  quarters: SqliteStatement;
  lastSwitching: SqliteStatement;
  switchings: SqliteStatement;
}

const prepared = new WeakMap<SqliteConnection, ReportStatements>();

function statementsOf(connection: SqliteConnection): ReportStatements {
  let statements = prepared.get(connection);
  if (statements === undefined) {
    statements = {
      gateways: connection.prepare(
        `SELECT "id", "commune_insee" AS "insee", "health_json" AS "healthJson" FROM "gateways"
         WHERE "commune_insee" IN (SELECT "value" FROM json_each(?)) ORDER BY "id"`,
      ),
      catalogues: connection.prepare(
        `SELECT "gateway_id" AS "gatewayId", "equipment_json" AS "equipmentJson" FROM "gateway_catalogues"
         WHERE "gateway_id" IN (SELECT "value" FROM json_each(?))`,
      ),
      // A day rollup with the meter day kept beside it, if any (absent until central has split it, see the store).
      days: connection.prepare(
        `SELECT r."start", m."end", m."peak_increase" AS "peak", m."off_peak_increase" AS "offPeak", m."quarters",
           m."resets", m."off_peak_key" AS "key"
         FROM "history_rollups" r LEFT JOIN "history_meter_days" m
           ON m."gateway_id" = r."gateway_id" AND m."point_key" = r."point_key" AND m."start" = r."start"
         WHERE r."gateway_id" = ? AND r."point_key" = ? AND r."period" = 'day' AND r."start" >= ? AND r."start" < ?
         ORDER BY r."start"`,
      ),
      quarters: connection.prepare(
        `SELECT * FROM "history_rollups" WHERE "gateway_id" = ? AND "point_key" = ? AND "period" = 'quarter'
           AND "start" >= ? AND "start" < ? ORDER BY "start"`,
      ),
      // Instants are stored in UTC (`toISOString`), so their text orders as time does (migration 1796364000000);
      // the index on gateway, point, result, instant and value covers both reads.
      lastSwitching: connection
        .prepare(
          `SELECT "point_key", "id", "at", "value_json" FROM "switchings" WHERE "gateway_id" = ? AND "point_key" = ?
             AND "result" = 'applied' AND "at" <= ? ORDER BY "at" DESC, "id" DESC LIMIT 1`,
        )
        .raw(true),
      switchings: connection
        .prepare(
          `SELECT "point_key", "id", "at", "value_json" FROM "switchings" WHERE "gateway_id" = ?
             AND "point_key" IN (SELECT "value" FROM json_each(?)) AND "result" = 'applied' AND "at" > ? AND "at" < ?
           ORDER BY "point_key", "at", "id"`,
        )
        .raw(true),
    };
    prepared.set(connection, statements);
  }
  return statements;
}

/**
 * What an energy report reads, as plain rows of prepared statements on central's connection (run it inside
 * `withSqliteConnection`): a syndicate's report reads thousands of rows per commune, where building entities cost more
 * than the report itself (docs/energy.md, "Report benchmark").
 */
export class EnergyReportRows {
  private readonly statements: ReportStatements;

  constructor(connection: SqliteConnection) {
    this.statements = statementsOf(connection);
  }

  /** The gateways of these communes, by id. */
  gateways(insees: readonly string[]): ReportGateway[] {
    return this.statements.gateways.all(JSON.stringify(insees)) as ReportGateway[];
  }

  /** The catalogues (equipment JSON) of these gateways, by gateway id. */
  catalogues(gatewayIds: readonly string[]): Map<string, string> {
    const rows = this.statements.catalogues.all(JSON.stringify(gatewayIds)) as {
      gatewayId: string;
      equipmentJson: string;
    }[];
    return new Map(rows.map((row) => [row.gatewayId, row.equipmentJson]));
  }

  /**
   * A counter's energy over `span` (whole local days): its meter days when every day rollup there has one split with
   * `key` (the report's time zone and tariff), else its quarters (days not split yet, or split for another tariff or
   * other days), which the report splits itself.
   */
  meter(gatewayId: string, pointKey: string, span: Span, key: string): (Rollup | MeterDay)[] {
    const days = this.statements.days.all(gatewayId, pointKey, span.start, span.end) as DayRow[];
    if (days.length > 0 && days.every((day) => day.key === key)) {
      return days.map((day) => ({
        start: day.start,
        end: day.end ?? day.start,
        peakIncrease: day.peak ?? 0,
        offPeakIncrease: day.offPeak ?? 0,
        quarters: day.quarters ?? 0,
        resets: day.resets ?? 0,
      }));
    }
    const rows = this.statements.quarters.all(gatewayId, pointKey, span.start, span.end) as RollupRow[];
    return rows.map(rollupOf);
  }

  /**
   * The switchings executed with feedback of a gateway's outputs (`pointKeys`) that a report over `spans` needs, by
   * point: for each span, the last one at or before its start (the state it began in) and those within it, once
   * each, in time order.
   */
  switchings(
    gatewayId: string,
    pointKeys: readonly string[],
    spans: readonly Span[],
  ): Map<string, ExecutedSwitching[]> {
    const byPoint = new Map<string, { seen: Set<number>; list: ExecutedSwitching[] }>(
      pointKeys.map((key) => [key, { seen: new Set(), list: [] }]),
    );
    const add = (row: SwitchingRow | undefined) => {
      const point = row === undefined ? undefined : byPoint.get(row[0]);
      if (row === undefined || point === undefined || point.seen.has(row[1])) return;
      point.seen.add(row[1]);
      const value = row[3] === 'true' ? true : row[3] === 'false' ? false : (JSON.parse(row[3]) as unknown);
      if (typeof value === 'boolean' || typeof value === 'number') point.list.push({ at: Date.parse(row[2]), value });
    };
    const keys = JSON.stringify(pointKeys);
    for (const span of spans) {
      const start = new Date(span.start).toISOString();
      // Each point's last one before the span comes before its switchings within it.
      const within = this.statements.switchings.all(gatewayId, keys, start, new Date(span.end).toISOString());
      for (const pointKey of pointKeys) {
        add(this.statements.lastSwitching.get(gatewayId, pointKey, start) as SwitchingRow | undefined);
      }
      for (const row of within as SwitchingRow[]) add(row);
    }
    return new Map([...byPoint].map(([key, point]) => [key, point.list]));
  }
}
