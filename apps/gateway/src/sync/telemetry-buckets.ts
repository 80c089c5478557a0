import { Injectable } from '@nestjs/common';
import { type Bucket, foldReading } from '@beffroi/schedule';
import type { OutboxMessage } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import { deleteBucketRows, upsertBucketRows } from '../store/telemetry-bucket-rows';
import { TelemetryBucketEntity } from '../store/telemetry-bucket.entity';

/** A numeric reading of good quality of one point, at the instant the equipment observed it (or the gateway read it). */
export interface BucketReading {
  readonly pointKey: string;
  readonly at: number;
  readonly value: number;
}

/** What folding produced: the `bucket` messages of the quarters it closed, and the write that keeps the open ones. */
export interface BucketStep {
  readonly messages: readonly OutboxMessage[];
  /** Runs in the transaction that stores `messages`; the step takes effect once that transaction commits. */
  readonly persist: () => Promise<void>;
  /** Called after the commit: the open buckets become the step's. */
  readonly commit: () => void;
}

/** A closed bucket as the `bucket` message central ingests into its 15-minute rollups. */
export function bucketMessage(pointKey: string, bucket: Bucket): OutboxMessage {
  return {
    class: 'bucket',
    payload: {
      pointKey,
      start: new Date(bucket.start).toISOString(),
      count: bucket.count,
      min: bucket.min,
      max: bucket.max,
      mean: bucket.sum / bucket.count,
      last: bucket.last,
      lastAt: new Date(bucket.lastAt).toISOString(),
    },
  };
}

/**
 * The points' readings folded into 15-minute buckets while central is out of reach (docs/sync.md "Buckets"), so that
 * a long outage, whose telemetry the outbox downsamples, loses none of the energy or the shape of the measures. The
 * open buckets live in `telemetry_buckets`; a bucket closes when a reading of a later quarter comes, or when central
 * is reached again, and becomes a `bucket` outbox message in the same transaction that removes or replaces its row,
 * so a reading is never both lost and sent, whenever the gateway stops. The folding is libs/schedule's
 * {@link foldReading}; callers run one step at a time (the telemetry reporter's tick).
 */
@Injectable()
export class TelemetryBuckets {
  private open: Map<string, Bucket> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Whether any bucket is open (a flush is due once central is reached). */
  async hasOpen(): Promise<boolean> {
    return (await this.opened()).size > 0;
  }

  /** Folds `readings` into their points' buckets. */
  async fold(readings: readonly BucketReading[]): Promise<BucketStep> {
    const next = new Map(await this.opened());
    const changed = new Map<string, Bucket>();
    const messages: OutboxMessage[] = [];
    for (const reading of readings) {
      const fold = foldReading(next.get(reading.pointKey), reading);
      if (fold === undefined) continue;
      if (fold.closed !== undefined) messages.push(bucketMessage(reading.pointKey, fold.closed));
      next.set(reading.pointKey, fold.open);
      changed.set(reading.pointKey, fold.open);
    }
    const rows = [...changed].map(([pointKey, bucket]) => ({ pointKey, ...bucket }));
    return {
      messages,
      persist: () => upsertBucketRows(this.dataSource, rows),
      commit: () => {
        this.open = next;
      },
    };
  }

  /** Closes every open bucket, the current quarter's too: central is reached again. */
  async closeAll(): Promise<BucketStep> {
    const open = await this.opened();
    const keys = [...open.keys()];
    return {
      messages: [...open].map(([pointKey, bucket]) => bucketMessage(pointKey, bucket)),
      persist: () => deleteBucketRows(this.dataSource, keys),
      commit: () => {
        this.open = new Map();
      },
    };
  }

  /** The open buckets, read from their table the first time. */
  private async opened(): Promise<ReadonlyMap<string, Bucket>> {
    if (this.open === undefined) {
      const rows = await this.dataSource.getRepository(TelemetryBucketEntity).find();
      this.open = new Map(rows.map(({ pointKey, ...bucket }) => [pointKey, bucket]));
    }
    return this.open;
  }
}
