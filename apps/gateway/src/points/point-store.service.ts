import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { PointScalar, PointValue, Quality } from '@beffroi/domain';
import type { PointSample } from '@beffroi/fieldbus';
import { machineClock, type Timer, withSqliteConnection } from '@beffroi/runtime';
import { DataSource } from 'typeorm';
import { type SqliteStatement, sqliteConnectionOf } from '../store/gateway-data-source';
import { PointValueEntity } from '../store/point-value.entity';

/** How often the changed values are written to SQLite (write-behind: one transaction, whatever the poll rate). */
const FLUSH_INTERVAL_MS = 1000;

const UPSERT = `
  INSERT INTO "point_values" ("key", "value_json", "quality", "reason", "observed_at", "received_at")
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT ("key") DO UPDATE SET
    "value_json" = excluded."value_json", "quality" = excluded."quality", "reason" = excluded."reason",
    "observed_at" = excluded."observed_at", "received_at" = excluded."received_at"`;

/** The latest value of one point, updated in place by every sample (no object per sample). */
interface Entry {
  key: string;
  value: PointScalar | null;
  quality: Quality;
  receivedAt: Date;
  observedAt: Date | undefined;
  /** The value as {@link PointStore.get} gives it (ISO-8601 instants), made when first asked for after a change. */
  view: PointValue | undefined;
  /** Changed since it was last written to SQLite. */
  dirty: boolean;
}

/**
 * ISO-8601 text of instants, remembering the last one: the samples of one read share their instant, so a flush of
 * thousands of values formats each read's instant once rather than once per value.
 */
class IsoText {
  private lastMs = NaN;
  private lastText = '';

  of(date: Date): string {
    const ms = date.getTime();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastText = date.toISOString();
    }
    return this.lastText;
  }
}

function sameQuality(a: Quality, b: Quality): boolean {
  if (a === b) return true;
  return a.status === b.status && (a.status === 'good' || b.status === 'good' || a.reason === b.reason);
}

/**
 * The latest value of every point, in memory for the API, telemetry and the poller, and in SQLite so that a restart
 * knows the last state; values restored at boot are `stale` until the field answers again. A sample updates its
 * point's entry in place; only changes of value or quality mark it to be written. The changed values are written
 * once a second and at shutdown, in one transaction of prepared statements on the database's one connection, in
 * turn with the rest of the gateway's database work (`withSqliteConnection`). A write that fails leaves its values
 * marked: the next flush writes them.
 */
@Injectable()
export class PointStore implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(PointStore.name);
  private readonly latest = new Map<string, Entry>();
  private dirty: Entry[] = [];
  private flushTimer: Timer | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private upsert: SqliteStatement | undefined;
  private readonly iso = new IsoText();

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const rows = await this.dataSource.getRepository(PointValueEntity).find();
    for (const row of rows) {
      const view: PointValue = {
        value: JSON.parse(row.valueJson) as PointValue['value'],
        quality: { status: 'stale', reason: 'last value before the gateway restarted' },
        receivedAt: row.receivedAt,
        ...(row.observedAt === null ? {} : { observedAt: row.observedAt }),
      };
      this.latest.set(row.key, {
        key: row.key,
        value: view.value,
        quality: view.quality,
        receivedAt: new Date(row.receivedAt),
        observedAt: row.observedAt === null ? undefined : new Date(row.observedAt),
        view,
        dirty: false,
      });
    }
    this.flushTimer = machineClock.setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.logger.log(`${rows.length} point values restored from storage (stale until read again)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.flushTimer?.cancel();
    await this.flush();
  }

  get(key: string): PointValue | undefined {
    const entry = this.latest.get(key);
    if (entry === undefined) return undefined;
    entry.view ??= {
      value: entry.value,
      quality: entry.quality,
      receivedAt: this.iso.of(entry.receivedAt),
      ...(entry.observedAt === undefined ? {} : { observedAt: this.iso.of(entry.observedAt) }),
    };
    return entry.view;
  }

  /** Records samples; only changes of value or quality are written to disk. */
  update(samples: readonly PointSample[]): void {
    for (const sample of samples) {
      const entry = this.latest.get(sample.key);
      if (entry === undefined) {
        const created: Entry = {
          key: sample.key,
          value: sample.value,
          quality: sample.quality,
          receivedAt: sample.receivedAt,
          observedAt: sample.observedAt,
          view: undefined,
          dirty: true,
        };
        this.latest.set(sample.key, created);
        this.dirty.push(created);
        continue;
      }
      const changed = entry.value !== sample.value || !sameQuality(entry.quality, sample.quality);
      entry.value = sample.value;
      entry.quality = sample.quality;
      entry.receivedAt = sample.receivedAt;
      entry.observedAt = sample.observedAt;
      entry.view = undefined;
      if (changed && !entry.dirty) {
        entry.dirty = true;
        this.dirty.push(entry);
      }
    }
  }

  /** Writes the changed values in one transaction; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeDirty());
    return this.flushing;
  }

  private async writeDirty(): Promise<void> {
    if (this.dirty.length === 0 || !this.dataSource.isInitialized) return;
    const entries = this.dirty;
    this.dirty = [];
    try {
      await withSqliteConnection(this.dataSource, () => this.write(entries));
    } catch (error: unknown) {
      for (const entry of entries) if (entry.dirty) this.dirty.push(entry);
      this.logger.error(
        `cannot store ${entries.length} point values (kept for the next flush): ` +
          (error instanceof Error ? error.message : String(error)),
      );
    }
  }

  /** One transaction of upserts of the entries as they are now; they are clean once it commits. */
  private write(entries: readonly Entry[]): void {
    const connection = sqliteConnectionOf(this.dataSource);
    const upsert = (this.upsert ??= connection.prepare(UPSERT));
    connection.transaction(() => {
      for (const entry of entries) {
        const { quality } = entry;
        upsert.run(
          entry.key,
          JSON.stringify(entry.value),
          quality.status,
          quality.status === 'good' ? null : quality.reason,
          entry.observedAt === undefined ? null : this.iso.of(entry.observedAt),
          this.iso.of(entry.receivedAt),
        );
      }
    })();
    for (const entry of entries) entry.dirty = false;
  }
}
