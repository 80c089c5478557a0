/**
 * `npm run bench:energy`: a syndicate's monthly energy report (`GET /api/energy?month=…`) over 800 communes, each with
 * one cabinet whose meter has 12 months of 15-minute rollups (and their days and months) and four circuits switched
 * every evening, through central's real report code (`EnergyReportService.syndicate`) on central's own SQLite file
 * (its migrations, WAL). The file is seeded with prepared statements of better-sqlite3, not through the ingest.
 *
 * Printed beside it, measured in the same run: a plain SQL aggregate over the same quarter rows (the month's kWh per
 * meter, summed in SQLite), whose total must equal the report's metered kWh; and the storage of rollups per
 * point-year (the rollup table's pages on disk over the point-years it holds). Budget: the report ≤ 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueEquipment } from '@beffroi/sync';
import { AuditLog } from '../../apps/central/src/audit.service';
import type { Caller } from '../../apps/central/src/auth/caller';
import { centralConfig } from '../../apps/central/src/central.config';
import { Clock } from '../../apps/central/src/clock';
import { EnergyReportService } from '../../apps/central/src/history/energy-report.service';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { openCentralDatabase } from '../../apps/central/src/store/central-data-source';
import { TenantService } from '../../apps/central/src/tenants/tenant.service';

/** The part of better-sqlite3's API the seeding and the baseline use (the package ships no types). */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
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

/** Whether the cabinet burns in the quarter starting at `at`: from 17:00 to 23:00 UTC, every evening. */
function lit(at: number): boolean {
  const hour = Math.floor((at % DAY) / 3_600_000);
  return hour >= 17 && hour < 23;
}

/** The kWh a quarter draws: 2.5 kW of circuits when lit, plus the cabinet's own 25 W. */
function quarterKwh(at: number): number {
  return (lit(at) ? 2.5 : 0) / 4 + 0.025 / 4;
}

/** Seeds communes, gateways, catalogues, switchings and a year of rollups; returns the point-years of rollups. */
function seed(path: string): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
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
       VALUES (?, 'cabinet:meter.energy', ?, ?, ?, 'counter', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const equipmentJson = JSON.stringify(CABINET);
  for (let c = 0; c < COMMUNES; c++) {
    const insee = `9${String(c).padStart(4, '0')}`;
    const id = `gw-${insee}`;
    db.transaction(() => {
      commune.run(insee, `Commune ${c}`, SYNDICATE);
      gateway.run(id, insee, `hash-${insee}`, at);
      catalogue.run(id, equipmentJson, at);
      let seq = 0;
      for (let day = YEAR_START - DAY; day < YEAR_END; day += DAY) {
        for (const circuit of CIRCUITS) {
          const on = new Date(day + 18 * 3_600_000).toISOString();
          const off = new Date(day + 24 * 3_600_000).toISOString();
          switching.run(id, ++seq, `cabinet:${circuit}`, 'true', on);
          switching.run(id, ++seq, `cabinet:${circuit}`, 'false', off);
        }
      }
      let index = 10_000 + c;
      let dayStart = YEAR_START;
      let day = { count: 0, first: index, increase: 0 };
      for (let start = YEAR_START; start < YEAR_END; start += QUARTER) {
        const before = index;
        index += quarterKwh(start);
        rollup.run(
          id,
          'quarter',
          start,
          start + QUARTER,
          1,
          index,
          index,
          index,
          index,
          index,
          start,
          index - before,
          1,
          1,
        );
        day.count++;
        day.increase += index - before;
        if (start + QUARTER - dayStart === DAY || start + QUARTER === YEAR_END) {
          const n = day.count;
          rollup.run(id, 'day', dayStart, start + QUARTER, n, day.first, index, 0, 0, index, start, day.increase, n, n);
          dayStart = start + QUARTER;
          day = { count: 0, first: index, increase: 0 };
        }
      }
      // Twelve months, each a row like a day's (their exact figures do not matter to the report, which reads quarters).
      for (let month = 0; month < 12; month++) {
        const start = Date.UTC(2027, month, 1) - 3_600_000;
        rollup.run(
          id,
          'month',
          start,
          Date.UTC(2027, month + 1, 1) - 3_600_000,
          2976,
          0,
          0,
          0,
          0,
          0,
          start,
          0,
          2976,
          2976,
        );
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return COMMUNES * ((YEAR_END - YEAR_START) / (365 * DAY));
}

/** The baseline: the month's kWh of every meter, summed by SQLite over the same quarter rows. */
function plainAggregate(path: string): { ms: number; kwh: number } {
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

/** The bytes of the rollup table (its pages, from SQLite's `dbstat`). */
function rollupBytes(path: string): number {
  const db = new Database(path);
  const row = db.prepare(`SELECT sum("pgsize") AS "bytes" FROM "dbstat" WHERE "name" = 'history_rollups'`).get() as {
    bytes: number;
  };
  db.close();
  return row.bytes;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-energy-'));
  const path = join(dir, 'central.sqlite');
  try {
    await (await openCentralDatabase(path)).destroy();
    const seeding = performance.now();
    const pointYears = seed(path);
    const seedMs = performance.now() - seeding;
    const bytes = rollupBytes(path);

    const config = centralConfig({ history: { timeZone: 'Europe/Paris' } });
    const dataSource = await openCentralDatabase(path);
    const clock = new Clock();
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
    let kwh: number | null = null;
    let source = '';
    for (let i = 0; i < REPEATS; i++) {
      const started = performance.now();
      const report = await service.syndicate(caller, { month: MONTH });
      runs.push(performance.now() - started);
      kwh = report.figures.kwh;
      source = report.figures.source;
      if (report.communes.length !== COMMUNES) throw new Error(`${report.communes.length} communes reported`);
    }
    await dataSource.destroy();
    const plain = plainAggregate(path);

    const slowest = Math.max(...runs);
    console.log(
      `${COMMUNES} communes, 1 meter each with 12 months of 15-minute rollups (${COMMUNES * 35_040} quarters), ` +
        `4 circuits switched every evening; seeded in ${Math.round(seedMs)} ms`,
    );
    console.log(`plain SQL aggregate of ${MONTH}'s quarters: ${Math.round(plain.ms)} ms (${plain.kwh.toFixed(3)} kWh)`);
    console.log(
      `central syndicate report of ${MONTH}:     ${runs.map((ms) => `${Math.round(ms)} ms`).join(', ')} ` +
        `(${kwh ?? 'null'} kWh, ${source})`,
    );
    console.log(
      `rollup storage: ${(bytes / 1e6).toFixed(1)} MB for ${pointYears} point-years = ` +
        `${(bytes / pointYears / 1e6).toFixed(2)} MB per point-year (${Math.round(bytes / (pointYears * (35_040 + 365 + 12)))} bytes per rollup)`,
    );
    const metered = kwh !== null && Math.abs(kwh - plain.kwh) < 0.01 * COMMUNES;
    const verdict = slowest <= BUDGET_MS ? 'within budget' : 'OVER BUDGET';
    console.log(
      `ratio report/aggregate: ${(slowest / plain.ms).toFixed(1)}; slowest report ${Math.round(slowest)} ms ` +
        `(budget ≤ ${BUDGET_MS} ms): ${verdict}; report kWh ${metered ? 'equal' : 'DIFFERENT from'} the aggregate`,
    );
    if (verdict !== 'within budget' || !metered) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
