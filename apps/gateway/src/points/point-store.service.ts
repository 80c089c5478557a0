import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { PointValue } from '@beffroi/domain';
import type { PointSample } from '@beffroi/fieldbus';
import { DataSource } from 'typeorm';
import { PointValueEntity } from '../store/point-value.entity';

/** How often the latest values are written to SQLite (write-behind: one transaction, whatever the poll rate). */
const FLUSH_INTERVAL_MS = 1000;
/** Rows per statement, well under SQLite's limit of bound parameters. */
const UPSERT_CHUNK = 500;

function toPointValue(sample: PointSample): PointValue {
  return {
    value: sample.value,
    quality: sample.quality,
    receivedAt: sample.receivedAt.toISOString(),
    ...(sample.observedAt ? { observedAt: sample.observedAt.toISOString() } : {}),
  };
}

/**
 * The latest value of every point, in memory for the API and the poller, and in SQLite so that a restart knows the
 * last state. Values restored at boot are `stale` until the field answers again.
 */
@Injectable()
export class PointStore implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(PointStore.name);
  private readonly latest = new Map<string, PointValue>();
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const rows = await this.dataSource.getRepository(PointValueEntity).find();
    for (const row of rows) {
      this.latest.set(row.key, {
        value: JSON.parse(row.valueJson) as PointValue['value'],
        quality: { status: 'stale', reason: 'last value before the gateway restarted' },
        receivedAt: row.receivedAt,
        ...(row.observedAt === null ? {} : { observedAt: row.observedAt }),
      });
    }
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.logger.log(`${rows.length} point values restored from storage (stale until read again)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flush();
  }

  get(key: string): PointValue | undefined {
    return this.latest.get(key);
  }

  /** Records samples; only changes of value or quality are written to disk. */
  update(samples: readonly PointSample[]): void {
    for (const sample of samples) {
      const next = toPointValue(sample);
      const previous = this.latest.get(sample.key);
      this.latest.set(sample.key, next);
      const changed =
        previous?.value !== next.value ||
        previous.quality.status !== next.quality.status ||
        (previous.quality.status !== 'good' &&
          next.quality.status !== 'good' &&
          previous.quality.reason !== next.quality.reason);
      if (changed) this.dirty.add(sample.key);
    }
  }

  /** Writes the changed values in one transaction; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .then(() => this.writeDirty())
      .catch((error: unknown) => {
        this.logger.error(`cannot store point values: ${error instanceof Error ? error.message : String(error)}`);
      });
    return this.flushing;
  }

  private async writeDirty(): Promise<void> {
    if (this.dirty.size === 0 || !this.dataSource.isInitialized) return;
    const keys = [...this.dirty];
    this.dirty.clear();
    const rows = keys.flatMap((key) => {
      const value = this.latest.get(key);
      if (!value) return [];
      const row = new PointValueEntity();
      row.key = key;
      row.valueJson = JSON.stringify(value.value);
      row.quality = value.quality.status;
      row.reason = value.quality.status === 'good' ? null : value.quality.reason;
      row.observedAt = value.observedAt ?? null;
      row.receivedAt = value.receivedAt;
      return [row];
    });
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(PointValueEntity);
      for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
        await repository.upsert(rows.slice(i, i + UPSERT_CHUNK), ['key']);
      }
    });
  }
}
