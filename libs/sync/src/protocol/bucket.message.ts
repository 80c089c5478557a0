import { z } from 'zod';
import { instant, pointKey } from './common.schema';

/** A quarter of an hour, the span of a bucket; every UTC offset in use is whole quarters, so buckets align everywhere. */
export const BUCKET_MS = 15 * 60_000;

const reading = (what: string) => z.number({ error: `expected the ${what} as a finite number` });

/**
 * The readings of one numeric point within one UTC quarter of an hour, folded by the gateway while central was out of
 * reach (docs/sync.md "Buckets"): how many, their minimum, maximum and mean, and the last one with its instant (all a
 * counter needs). A bucket is sent once its quarter is over, or on the reconnection; central keeps one per point and
 * quarter, so a bucket sent again changes nothing.
 */
export const bucketPayloadSchema = z
  .strictObject({
    pointKey,
    /** The start of the quarter: minutes 00, 15, 30 or 45 of an hour, no seconds. */
    start: instant,
    count: z
      .number({ error: 'expected the number of readings (integer 1..1000000)' })
      .int({ error: 'expected the number of readings (integer 1..1000000)' })
      .min(1, { error: 'expected the number of readings (integer 1..1000000)' })
      .max(1_000_000, { error: 'expected the number of readings (integer 1..1000000)' }),
    min: reading('lowest reading'),
    max: reading('highest reading'),
    mean: reading('mean of the readings'),
    last: reading('last reading'),
    /** When the last reading was observed (or received), within the quarter. */
    lastAt: instant,
  })
  .superRefine((bucket, ctx) => {
    const start = Date.parse(bucket.start);
    const lastAt = Date.parse(bucket.lastAt);
    if (start % BUCKET_MS !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: `expected the start of a quarter of an hour (minutes 00, 15, 30 or 45, no seconds), got "${bucket.start}"`,
      });
    } else if (!(lastAt >= start && lastAt < start + BUCKET_MS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['lastAt'],
        message: `expected an instant within the bucket's quarter, from ${new Date(start).toISOString()} to ${new Date(start + BUCKET_MS).toISOString()} (excluded)`,
      });
    }
    if (bucket.min > bucket.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `expected max ≥ min (${bucket.min})` });
      return;
    }
    if (bucket.last < bucket.min || bucket.last > bucket.max) {
      ctx.addIssue({ code: 'custom', path: ['last'], message: `expected a reading between min and max` });
    }
    // The mean of readings between min and max lies between them, up to the rounding of a sum of floats.
    const slack = 1e-9 * Math.max(1, Math.abs(bucket.min), Math.abs(bucket.max));
    if (bucket.mean < bucket.min - slack || bucket.mean > bucket.max + slack) {
      ctx.addIssue({ code: 'custom', path: ['mean'], message: `expected a mean between min and max` });
    }
  });
export type BucketPayload = z.output<typeof bucketPayloadSchema>;
