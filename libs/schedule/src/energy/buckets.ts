import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import { QUARTER_MS, type Sample } from './rollup';

/**
 * The readings of one point within one UTC quarter of an hour `[start, start + 15 min)`, folded: what a gateway keeps
 * instead of each reading while central is out of reach. A counter's bucket is its last reading (`last` at `lastAt`);
 * a measure's keeps its minimum, maximum, sum (the mean is `sum / count`) and last reading too.
 */
export interface Bucket {
  readonly start: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly last: number;
  readonly lastAt: number;
}

/** The start of the UTC quarter of an hour holding `at` (epoch ms); every UTC offset in use is whole quarters. */
export function quarterStart(at: number): number {
  return Math.floor(at / QUARTER_MS) * QUARTER_MS;
}

/** What folding a reading did: the point's open bucket now, and the bucket it closed (a reading of a later quarter). */
export interface Fold {
  readonly open: Bucket;
  readonly closed?: Bucket;
}

/**
 * Folds `sample` into the point's open bucket. A reading of the same quarter joins it; a reading of a later quarter
 * closes it and opens the next; a reading at or before the bucket's last instant (the same reading read again, or a
 * clock set back) changes nothing, so folding is idempotent and a bucket never holds a reading twice.
 */
export function foldReading(open: Bucket | undefined, sample: Sample): Fold | undefined {
  if (!Number.isFinite(sample.value) || !Number.isFinite(sample.at)) {
    throw new ScheduleException(
      ScheduleExceptionCode.InvalidInstant,
      `a reading must be a finite number at a finite instant (got ${sample.value} at ${sample.at})`,
    );
  }
  const start = quarterStart(sample.at);
  const fresh: Bucket = {
    start,
    count: 1,
    min: sample.value,
    max: sample.value,
    sum: sample.value,
    last: sample.value,
    lastAt: sample.at,
  };
  if (open === undefined) return { open: fresh };
  if (sample.at <= open.lastAt) return undefined;
  if (start !== open.start) return { open: fresh, closed: open };
  return {
    open: {
      start,
      count: open.count + 1,
      min: Math.min(open.min, sample.value),
      max: Math.max(open.max, sample.value),
      sum: open.sum + sample.value,
      last: sample.value,
      lastAt: sample.at,
    },
  };
}
