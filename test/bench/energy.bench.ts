/**
 * `npm run bench:energy`: a syndicate's monthly energy report (`GET /api/energy?month=…`) over 800 communes
 * (`BENCH_COMMUNES`), each with one cabinet whose meter has 12 months of 15-minute rollups (with their days, months
 * and meter days) and four circuits switched every evening, through central's real report code
 * (`EnergyReportService.syndicate`) on central's own SQLite file (its migrations, WAL). The file is seeded with
 * better-sqlite3, not through the ingest, but with rows computed by the history store's own functions.
 *
 * Printed beside it, measured in the same run: the same reads done by a plain better-sqlite3 loop on the same shape
 * (each meter's days of the month and of the month a year earlier, each circuit's switchings from the last one before
 * them), and the old shape's SQL aggregate of the month's quarters, whose kWh both must equal the report's; the load
 * average of the machine; and the storage per point-year of the rollups and of the meter days (their pages on disk,
 * from SQLite's `dbstat`). Budget: the report ≤ 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyndicateEnergyReport } from '@beffroi/api';
import { meterDayKey, meterDays, mergeRollups, quarterRollups, type Sample, type Tariff } from '@beffroi/schedule';
import type { CatalogueEquipment } from '@beffroi/sync';
import { AuditLog } from '../../apps/central/src/audit.service';
import type { Caller } from '../../apps/central/src/auth/caller';
import { centralConfig } from '../../apps/central/src/central.config';
import { SystemClock } from '@beffroi/runtime';
import { EnergyReportService } from '../../apps/central/src/history/energy-report.service';
import { openCentralDatabase } from '../../apps/central/src/store/central-data-source';
import { TenantService } from '../../apps/central/src/tenants/tenant.service';

/** The part of better-sqlite3's API the seeding and the baseline use (the package ships no types). */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface PlainDatabase {
  pragma(source: string): unknown;
  prepare(source: string): Statement;
  transaction(work: () => void): () => void;
  close(): void;
}
const Database = createRequire(__filename)('better-sqlite3') as new (path: string) => PlainDatabase;

const COMMUNES = Number(process.env.BENCH_COMMUNES ?? 800);
/** The year of rollups kept (local months of Paris), and the month reported: the last one. */
const YEAR_START = Date.parse('2026-12-31T23:00:00Z');
const YEAR_END = Date.parse('2027-12-31T23:00:00Z');
const MONTH = '2027-12';
const MONTH_START = Date.parse('2027-11-30T23:00:00Z');
/** The same month a year earlier (before the rollups kept: its figures are unknown, but the report reads it). */
const PREVIOUS_MONTH_START = Date.parse('2026-11-30T23:00:00Z');
const PREVIOUS_MONTH_END = YEAR_START;
const TIME_ZONE = 'Europe/Paris';
const METER = 'cabinet:meter.energy';
const QUARTER = 15 * 60_000;
const DAY = 86_400_000;
const SYNDICATE = 'sde-bench';
const REPEATS = 3;
const BUDGET_MS = 1000;
const CIRCUITS = ['circuit.1.command', 'circuit.2.command', 'circuit.3.command', 'circuit.4.command'];
const WATTS = [1000, 500, 500, 500];

const CABINET: CatalogueEquipment[] = [
  {
    id: 'cabinet',
    name: 'Armoire',
    profile: 'beffroi-sim-cabinet',
    points: [
      {
        id: 'meter.energy',
        name: 'Énergie',
        kind: 'measure',
        type: 'float32',
        unit: 'kWh',
        writable: false,
        counter: true,
      },
      ...CIRCUITS.map((id, index) => ({
        id,
        name: `Départ ${index + 1}`,
        kind: 'command' as const,
        type: 'bool' as const,
        writable: true,
        installedWatts: WATTS[index],
      })),
    ],
  },
];

/** Whether the cabinet burns at `at`: from 17:00 to 23:00 UTC, every evening. */
function lit(at: number): boolean {
  const hour = Math.floor((at % DAY) / 3_600_000);
  return hour >= 17 && hour < 23;
}

/**
 * The meter's readings: one at the end of every quarter of the year (and the one before it), 2.5 kW of circuits when
 * lit plus the cabinet's own 25 W.
 */
function readings(): { previous: Sample; samples: Sample[] } {
  const previous = { at: YEAR_START - QUARTER, value: 10_000 };
  const samples: Sample[] = [];
  let index = previous.value;
  for (let at = YEAR_START; at < YEAR_END; at += QUARTER) {
    index += ((lit(at - QUARTER) ? 2.5 : 0) + 0.025) / 4;
    samples.push({ at, value: index });
  }
  return { previous, samples };
}

/**
 * Seeds communes, gateways, catalogues, switchings and a year of rollups with their meter days; returns the
 * point-years of rollups. The first commune's rows are computed by the history store's own functions
 * (`quarterRollups`, `mergeRollups`, `meterDays`), so they have the shapes of real rollups; every other commune's are
 * copied from them by SQLite (`INSERT … SELECT`, its counter shifted by its number), with the journal in memory.
 */
function seed(path: string, offPeak: Tariff['offPeak']): number {
  const db = new Database(path);
  // better-sqlite3 refuses `journal_mode = OFF` (defensive mode); MEMORY writes no WAL file nor rollback journal.
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = OFF');
  const at = new Date(YEAR_START).toISOString();
  db.prepare(`INSERT INTO "syndicates" ("id", "name") VALUES (?, ?)`).run(SYNDICATE, 'Syndicat du banc');
  const commune = db.prepare(
    `INSERT INTO "communes" ("insee", "name", "department", "syndicate_id") VALUES (?, ?, '02', ?)`,
  );
  const gateway = db.prepare(
    `INSERT INTO "gateways" ("id", "commune_insee", "credential_hash", "enrolled_at", "desired_version", "desired_json",
       "applied_version", "inbox_applied_up_to", "inbox_held_json") VALUES (?, ?, ?, ?, 0, '{}', 0, 0, '[]')`,
  );
  const catalogue = db.prepare(
    `INSERT INTO "gateway_catalogues" ("gateway_id", "hash", "equipment_json", "schedules_json", "received_at")
       VALUES (?, 'bench', ?, '[]', ?)`,
  );
  const switching = db.prepare(
    `INSERT INTO "switchings" ("gateway_id", "seq", "point_key", "value_json", "source", "result", "at")
       VALUES (?, ?, ?, ?, 'schedule:eclairage', 'applied', ?)`,
  );
  const rollup = db.prepare(
    `INSERT INTO "history_rollups" ("gateway_id", "point_key", "period", "start", "end", "kind", "count", "min", "max",
       "sum", "mean", "last", "last_at", "increase", "resets", "quarters", "expected_quarters")
       VALUES (?, ?, ?, ?, ?, 'counter', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const meterDay = db.prepare(
    `INSERT INTO "history_meter_days" ("gateway_id", "point_key", "start", "end", "peak_increase", "off_peak_increase",
       "quarters", "resets", "off_peak_key") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const copyRollups = db.prepare(
    `INSERT INTO "history_rollups" SELECT ?, "point_key", "period", "start", "end", "kind", "count", "min" + ?,
       "max" + ?, "sum" + ? * "count", "mean" + ?, "last" + ?, "last_at", "increase", "resets", "quarters",
       "expected_quarters" FROM "history_rollups" WHERE "gateway_id" = ? ORDER BY "point_key", "period", "start"`,
  );
  const copyMeterDays = db.prepare(
    `INSERT INTO "history_meter_days" SELECT ?, "point_key", "start", "end", "peak_increase", "off_peak_increase",
       "quarters", "resets", "off_peak_key" FROM "history_meter_days" WHERE "gateway_id" = ? ORDER BY "point_key", "start"`,
  );
  const copySwitchings = db.prepare(
    `INSERT INTO "switchings" ("gateway_id", "seq", "point_key", "value_json", "source", "result", "at")
       SELECT ?, "seq", "point_key", "value_json", "source", "result", "at" FROM "switchings" WHERE "gateway_id" = ?
       ORDER BY "id"`,
  );
  const equipmentJson = JSON.stringify(CABINET);
  const { previous, samples } = readings();
  const quarters = quarterRollups('counter', samples, previous);
  const rollups = [
    ...quarters,
    ...mergeRollups(quarters, 'day', TIME_ZONE),
    ...mergeRollups(quarters, 'month', TIME_ZONE),
  ];
  const days = meterDays(quarters, offPeak, TIME_ZONE);
  const key = meterDayKey(offPeak, TIME_ZONE);
  const template = 'gw-90000';
  db.transaction(() => {
    for (let c = 0; c < COMMUNES; c++) {
      const insee = `9${String(c).padStart(4, '0')}`;
      const id = `gw-${insee}`;
      commune.run(insee, `Commune ${c}`, SYNDICATE);
      gateway.run(id, insee, `hash-${insee}`, at);
      catalogue.run(id, equipmentJson, at);
      if (c === 0) {
        let seq = 0;
        for (let day = YEAR_START - DAY; day < YEAR_END; day += DAY) {
          for (const circuit of CIRCUITS) {
            switching.run(id, ++seq, `cabinet:${circuit}`, 'true', new Date(day + 18 * 3_600_000).toISOString());
            switching.run(id, ++seq, `cabinet:${circuit}`, 'false', new Date(day + 24 * 3_600_000).toISOString());
          }
        }
        for (const r of rollups) {
          rollup.run(
            id,
            METER,
            r.period,
            r.start,
            r.end,
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
          );
        }
        for (const d of days) {
          meterDay.run(id, METER, d.start, d.end, d.peakIncrease, d.offPeakIncrease, d.quarters, d.resets, key);
        }
      } else {
        copySwitchings.run(id, template);
        copyRollups.run(id, c, c, c, c, c, template);
        copyMeterDays.run(id, template);
      }
    }
  })();
  db.close();
  return COMMUNES * ((YEAR_END - YEAR_START) / (365 * DAY));
}

/** The old baseline: the month's kWh of every meter, summed by SQLite over the quarter rows (a scan of the table). */
function quarterAggregate(path: string): { ms: number; kwh: number } {
  const db = new Database(path);
  const statement = db.prepare(
    `SELECT sum("kwh") AS "kwh" FROM (SELECT "gateway_id", sum("increase") AS "kwh" FROM "history_rollups"
       WHERE "period" = 'quarter' AND "start" >= ? AND "start" < ? GROUP BY "gateway_id", "point_key")`,
  );
  const started = performance.now();
  const row = statement.get(MONTH_START, YEAR_END) as { kwh: number };
  const ms = performance.now() - started;
  db.close();
  return { ms, kwh: row.kwh };
}

/**
 * The baseline of the same reads on the new shape, with plain prepared statements: for every commune, its gateway,
 * its meter's days of the month and of the same month a year earlier (summed), and each circuit's switchings from
 * the last one before each of the two months (read and parsed). Returns the month's kWh.
 */
function plainAggregate(path: string): { ms: number; kwh: number; switchings: number } {
  const db = new Database(path);
  const gateways = db.prepare(`SELECT "id" FROM "gateways" WHERE "commune_insee" = ?`);
  const days = db.prepare(
    `SELECT sum("peak_increase") AS "peak", sum("off_peak_increase") AS "offPeak", sum("quarters") AS "quarters"
       FROM "history_meter_days" WHERE "gateway_id" = ? AND "point_key" = ? AND "start" >= ? AND "start" < ?`,
  );
  const last = db.prepare(
    `SELECT "at", "value_json" FROM "switchings" WHERE "gateway_id" = ? AND "point_key" = ? AND "result" = 'applied'
       AND "at" <= ? ORDER BY "at" DESC, "id" DESC LIMIT 1`,
  );
  const within = db.prepare(
    `SELECT "at", "value_json" FROM "switchings" WHERE "gateway_id" = ? AND "point_key" = ? AND "result" = 'applied'
       AND "at" > ? AND "at" < ? ORDER BY "at", "id"`,
  );
  const windows = [
    { start: PREVIOUS_MONTH_START, end: PREVIOUS_MONTH_END },
    { start: MONTH_START, end: YEAR_END },
  ];
  const started = performance.now();
  let kwh = 0;
  let switchings = 0;
  for (let c = 0; c < COMMUNES; c++) {
    const { id } = gateways.get(`9${String(c).padStart(4, '0')}`) as { id: string };
    for (const window of windows) {
      const sums = days.get(id, METER, window.start, window.end) as { peak: number | null; offPeak: number | null };
      if (window.start === MONTH_START) kwh += (sums.peak ?? 0) + (sums.offPeak ?? 0);
      const from = new Date(window.start).toISOString();
      const to = new Date(window.end).toISOString();
      for (const circuit of CIRCUITS) {
        const rows = [last.get(id, `cabinet:${circuit}`, from), ...within.all(id, `cabinet:${circuit}`, from, to)];
        for (const row of rows as ({ at: string; value_json: string } | undefined)[]) {
          if (row !== undefined && Date.parse(row.at) > 0 && JSON.parse(row.value_json) !== null) switchings++;
        }
      }
    }
  }
  const ms = performance.now() - started;
  db.close();
  return { ms, kwh, switchings };
}

/** The bytes of a table (its pages, from SQLite's `dbstat`). */
function tableBytes(path: string, table: string): number {
  const db = new Database(path);
  const row = db.prepare(`SELECT sum("pgsize") AS "bytes" FROM "dbstat" WHERE "name" = ?`).get(table) as {
    bytes: number;
  };
  db.close();
  return row.bytes;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-energy-'));
  const path = join(dir, 'central.sqlite');
  try {
    const config = centralConfig({
      history: { timeZone: TIME_ZONE, tariff: { offPeak: [{ from: '22:00', to: '06:00' }] } },
    });
    await (await openCentralDatabase(path)).destroy();
    const seeding = performance.now();
    const pointYears = seed(path, config.history.tariff.offPeak);
    const seedMs = performance.now() - seeding;
    const rollupBytes = tableBytes(path, 'history_rollups');
    const meterDayBytes = tableBytes(path, 'history_meter_days');

    const dataSource = await openCentralDatabase(path);
    const clock = new SystemClock();
    const service = new EnergyReportService(
      dataSource,
      new TenantService(dataSource, new AuditLog(dataSource, clock)),
      config,
    );
    const caller: Caller = {
      accountId: 1,
      login: 'bench',
      role: 'read-only',
      syndicateId: SYNDICATE,
      communeInsee: null,
    };
    const runs: number[] = [];
    let figures: SyndicateEnergyReport['figures'] | undefined;
    for (let i = 0; i < REPEATS; i++) {
      const started = performance.now();
      const report = await service.syndicate(caller, { month: MONTH });
      runs.push(performance.now() - started);
      figures = report.figures;
      if (report.communes.length !== COMMUNES) throw new Error(`${report.communes.length} communes reported`);
    }
    await dataSource.destroy();
    const plain = plainAggregate(path);
    const scan = quarterAggregate(path);

    const slowest = Math.max(...runs);
    const kwh = figures?.kwh ?? null;
    console.log(
      `load average: ${loadavg()
        .map((load) => load.toFixed(2))
        .join(', ')}`,
    );
    console.log(
      `${COMMUNES} communes, 1 meter each with 12 months of 15-minute rollups (${COMMUNES * 35_040} quarters) and ` +
        `their meter days, 4 circuits switched every evening; seeded in ${Math.round(seedMs)} ms`,
    );
    console.log(
      `plain better-sqlite3 reads of ${MONTH} on the same shape: ${Math.round(plain.ms)} ms ` +
        `(${plain.kwh.toFixed(3)} kWh, ${plain.switchings} switchings)`,
    );
    console.log(
      `central syndicate report of ${MONTH}: ${runs.map((ms) => `${Math.round(ms)} ms`).join(', ')} ` +
        `(${kwh ?? 'null'} kWh, ${figures?.source ?? 'none'}, peak ${figures?.peakKwh ?? 0}, ` +
        `off-peak ${figures?.offPeakKwh ?? 0}, ${figures?.switchOns ?? 0} switch-ons)`,
    );
    console.log(
      `(old shape) SQL aggregate of ${MONTH}'s quarters: ${Math.round(scan.ms)} ms (${scan.kwh.toFixed(3)} kWh)`,
    );
    console.log(
      `storage per point-year: rollups ${(rollupBytes / pointYears / 1e6).toFixed(2)} MB ` +
        `(${Math.round(rollupBytes / (pointYears * (35_040 + 365 + 12)))} bytes per rollup), meter days ` +
        `${(meterDayBytes / pointYears / 1e3).toFixed(1)} kB (${Math.round(meterDayBytes / (pointYears * 365))} bytes ` +
        `per day); ${((rollupBytes + meterDayBytes) / 1e6).toFixed(1)} MB for ${pointYears} point-years`,
    );
    const metered = kwh !== null && Math.abs(kwh - plain.kwh) < 0.01 && Math.abs(kwh - scan.kwh) < 0.01;
    const verdict = slowest <= BUDGET_MS ? 'within budget' : 'OVER BUDGET';
    console.log(
      `ratio report/plain reads: ${(slowest / plain.ms).toFixed(1)}; slowest report ${Math.round(slowest)} ms ` +
        `(budget ≤ ${BUDGET_MS} ms): ${verdict}; report kWh ${metered ? 'equal' : 'DIFFERENT from'} both aggregates`,
    );
    if (verdict !== 'within budget' || !metered) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
