/**
 * `npm run bench:history`: central's ingest of reported samples into its history store (the statements a report's
 * transaction runs, through TypeORM on central's own SQLite file: WAL, `synchronous = FULL`, migrations), against a
 * plain better-sqlite3 loop inserting the same rows into the same table, with the same pragmas and the same batches
 * (one transaction per batch, as one report). Prints both rates and their ratio; budgets: central ≥ 20,000 samples/s
 * and ≥ 0.5× the plain loop, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HistorySample, recordHistorySamples } from '../../apps/central/src/history/history-samples';
import { openCentralDatabase } from '../../apps/central/src/store/central-data-source';

/** The part of better-sqlite3's API the plain loop uses (the package ships no types). */
interface PlainDatabase {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): { run(...params: unknown[]): unknown };
  transaction(work: (rows: readonly HistorySample[]) => void): (rows: readonly HistorySample[]) => void;
  close(): void;
}
const Database = createRequire(__filename)('better-sqlite3') as new (path: string) => PlainDatabase;

const POINTS = Number(process.env.BENCH_POINTS ?? 100);
const INSTANTS = Number(process.env.BENCH_INSTANTS ?? 2000);
/** Samples per transaction: one report's worth (the gateway sends up to 500 messages per report). */
const BATCH = 500;
const GATEWAY = 'gw-bench';

function samples(): HistorySample[] {
  const rows: HistorySample[] = [];
  const start = Date.parse('2027-01-01T00:00:00Z');
  for (let i = 0; i < INSTANTS; i++) {
    for (let p = 0; p < POINTS; p++)
      rows.push({ pointKey: `cabinet-${p}:meter.power`, at: start + i * 5000, value: p + i / 10 });
  }
  return rows;
}

function batches(rows: readonly HistorySample[]): HistorySample[][] {
  const out: HistorySample[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

/** The plain loop: a prepared INSERT per row, one transaction per batch. */
function plainLoop(path: string, work: readonly HistorySample[][]): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    `CREATE TABLE "history_samples" ("gateway_id" text NOT NULL, "point_key" text NOT NULL, "at" integer NOT NULL,
      "value" real NOT NULL, PRIMARY KEY ("gateway_id", "point_key", "at")) WITHOUT ROWID;
     CREATE INDEX "history_samples_at" ON "history_samples" ("at");`,
  );
  const insert = db.prepare(
    `INSERT OR IGNORE INTO "history_samples" ("gateway_id", "point_key", "at", "value") VALUES (?, ?, ?, ?)`,
  );
  const write = db.transaction((rows: readonly HistorySample[]) => {
    for (const row of rows) insert.run(GATEWAY, row.pointKey, row.at, row.value);
  });
  const started = performance.now();
  for (const rows of work) write(rows);
  const ms = performance.now() - started;
  db.close();
  return ms;
}

/** Central: the rows through `recordHistorySamples`, one transaction of central's DataSource per batch. */
async function central(path: string, work: readonly HistorySample[][]): Promise<number> {
  const dataSource = await openCentralDatabase(path);
  const started = performance.now();
  for (const rows of work) await dataSource.transaction((manager) => recordHistorySamples(manager, GATEWAY, rows));
  const ms = performance.now() - started;
  await dataSource.destroy();
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-history-'));
  try {
    const rows = samples();
    const work = batches(rows);
    const plainMs = plainLoop(join(dir, 'plain.sqlite'), work);
    const centralMs = await central(join(dir, 'central.sqlite'), work);
    const plainRate = rows.length / (plainMs / 1000);
    const centralRate = rows.length / (centralMs / 1000);
    const ratio = centralRate / plainRate;
    console.log(`${rows.length} samples (${POINTS} points × ${INSTANTS} instants), ${work.length} batches of ${BATCH}`);
    console.log(`plain better-sqlite3 loop: ${Math.round(plainRate)} samples/s (${Math.round(plainMs)} ms)`);
    console.log(`central history ingest:    ${Math.round(centralRate)} samples/s (${Math.round(centralMs)} ms)`);
    const verdict = centralRate >= 20_000 && ratio >= 0.5 ? 'within budget' : 'OVER BUDGET';
    console.log(`ratio central/plain: ${ratio.toFixed(2)} (budget ≥ 20,000 samples/s and ≥ 0.5×): ${verdict}`);
    if (verdict !== 'within budget') process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
