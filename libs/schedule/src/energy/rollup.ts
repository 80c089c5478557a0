import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import type { Bucket } from './buckets';
import { addDays, type LocalDate } from '../time/local-date';
import { localDateOf, localDaySpan } from '../time/zoned-time';

/** A quarter of an hour: the finest rollup. Every UTC offset in use is a whole number of quarters, so quarters align. */
export const QUARTER_MS = 15 * 60_000;

/** One reading of a point: a measure (W, V, °C…) or a cumulative counter (kWh), at an instant in epoch milliseconds. */
export interface Sample {
  readonly at: number;
  readonly value: number;
}

/** What a series is: a measure is summarised as it is; a counter's energy is the increase of its readings. */
export type SeriesKind = 'measure' | 'counter';

/** The periods of a rollup; days and months are local to the site's time zone (a day lasts 23, 24 or 25 hours). */
export type RollupPeriod = 'quarter' | 'day' | 'month';

/**
 * The readings of one series within `[start, end)` (epoch milliseconds), in figures. Rollups of the same readings are
 * equal whatever the order the readings came in, whether some came twice, and whether a day is rolled up from the
 * readings or from its quarters, so a rollup can be re-run at any time and changes nothing.
 */
export interface Rollup {
  readonly period: RollupPeriod;
  readonly start: number;
  readonly end: number;
  /** Readings within the period. */
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  /** The mean of the readings (not weighted by time). */
  readonly mean: number;
  readonly last: number;
  readonly lastAt: number;
  /**
   * Counters: the increase of the counter over the steps between consecutive readings that end in this period (the
   * step from the reading before the period included), so a gap's energy lands in the period of the reading that ends
   * it and no energy is lost. A step where the counter goes down (a reset, a replaced meter) counts nothing: it is
   * never negative energy. Always 0 for a measure.
   */
  readonly increase: number;
  /** Counters: the steps where the counter went down (a reset or a replaced meter). */
  readonly resets: number;
  /** Quarters of the period with at least one reading, and quarters the period has: fewer means a gap. */
  readonly quarters: number;
  readonly expectedQuarters: number;
}

/**
 * The quarter-hour rollups of the readings of one series, one per quarter with readings, in time order. For a counter,
 * `previous` is the last reading before the first of `samples` (if any), so that the first step is counted.
 * `buckets` are readings a gateway folded while central was out of reach (see `foldReading`): each counts as its
 * readings in its quarter (count, min, max, sum) and, for a counter's steps, as its last reading. A sample of a
 * bucket's quarter taken at or before the bucket's last reading is one of its readings (the gateway also sent some of
 * them as telemetry) and is not counted again.
 */
export function quarterRollups(
  kind: SeriesKind,
  samples: readonly Sample[],
  previous?: Sample,
  buckets: readonly Bucket[] = [],
): Rollup[] {
  const rollups: Rollup[] = [];
  let before = previous;
  let current: MutableRollup | undefined;
  const folded = new Map(buckets.map((bucket) => [bucket.start, bucket.lastAt]));
  const unfolded = samples.filter((sample) => !(sample.at <= (folded.get(quarterOf(sample.at)) ?? -Infinity)));
  for (const reading of canonical([...unfolded.map(readingOf), ...buckets.map((b) => bucketReading(kind, b))])) {
    if (!Number.isFinite(reading.value) || !Number.isFinite(reading.at)) {
      throw new ScheduleException(
        ScheduleExceptionCode.InvalidInstant,
        `a ${kind} reading must be a finite number at a finite instant (got ${reading.value} at ${reading.at})`,
      );
    }
    const start = quarterOf(reading.at);
    if (current?.start !== start) {
      if (current !== undefined) rollups.push(current);
      current = empty('quarter', start, start + QUARTER_MS);
      current.quarters = 1;
    }
    current.count += reading.count;
    current.min = Math.min(current.min, reading.min);
    current.max = Math.max(current.max, reading.max);
    current.sum += reading.sum;
    current.mean = current.sum / current.count;
    current.last = reading.value;
    current.lastAt = reading.at;
    if (kind === 'counter' && before !== undefined && before.at < reading.at) {
      const step = reading.value - before.value;
      if (step >= 0) current.increase += step;
      else current.resets++;
    }
    before = reading;
  }
  if (current !== undefined) rollups.push(current);
  return rollups;
}

/**
 * Quarter rollups (in time order) merged into the local days or months of `timeZone` they fall in, one rollup per
 * period with readings. Merging is exact: a day merged from its quarters equals the day of the same readings.
 */
export function mergeRollups(quarters: readonly Rollup[], period: 'day' | 'month', timeZone: string): Rollup[] {
  const merged: MutableRollup[] = [];
  let current: MutableRollup | undefined;
  for (const quarter of quarters) {
    if (current === undefined || quarter.start >= current.end || quarter.start < current.start) {
      const span = periodSpan(localDateOf(new Date(quarter.start), timeZone), period, timeZone);
      current = empty(period, span.start, span.end);
      merged.push(current);
    }
    current.count += quarter.count;
    current.min = Math.min(current.min, quarter.min);
    current.max = Math.max(current.max, quarter.max);
    current.sum += quarter.sum;
    current.mean = current.sum / current.count;
    if (quarter.lastAt >= current.lastAt) {
      current.last = quarter.last;
      current.lastAt = quarter.lastAt;
    }
    current.increase += quarter.increase;
    current.resets += quarter.resets;
    current.quarters += quarter.quarters;
  }
  return merged;
}

/** The instants `[start, end)` of the local day or month of `timeZone` that contains `date`. */
export function periodSpan(date: LocalDate, period: 'day' | 'month', timeZone: string): { start: number; end: number } {
  if (period === 'day') {
    const span = localDaySpan(date, timeZone);
    return { start: span.start.getTime(), end: span.end.getTime() };
  }
  const first = { year: date.year, month: date.month, day: 1 };
  const next = date.month === 12 ? { year: date.year + 1, month: 1, day: 1 } : { ...first, month: date.month + 1 };
  return { start: localDaySpan(first, timeZone).start.getTime(), end: localDaySpan(next, timeZone).start.getTime() };
}

/** The instants `[start, end)` of the local days `first`..`last` (both included) of `timeZone`. */
export function daysSpan(first: LocalDate, last: LocalDate, timeZone: string): { start: number; end: number } {
  return {
    start: localDaySpan(first, timeZone).start.getTime(),
    end: localDaySpan(addDays(last, 1), timeZone).start.getTime(),
  };
}

type MutableRollup = { -readonly [K in keyof Rollup]: Rollup[K] };

function empty(period: RollupPeriod, start: number, end: number): MutableRollup {
  return {
    period,
    start,
    end,
    count: 0,
    min: Infinity,
    max: -Infinity,
    sum: 0,
    mean: 0,
    last: 0,
    lastAt: -Infinity,
    increase: 0,
    resets: 0,
    quarters: 0,
    expectedQuarters: Math.round((end - start) / QUARTER_MS),
  };
}

function quarterOf(at: number): number {
  return Math.floor(at / QUARTER_MS) * QUARTER_MS;
}

/** A reading, or a bucket of readings standing at its last one: `value` at `at`, and what it adds to its quarter. */
interface Reading extends Sample {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
}

function readingOf(sample: Sample): Reading {
  return { at: sample.at, value: sample.value, count: 1, min: sample.value, max: sample.value, sum: sample.value };
}

function bucketReading(kind: SeriesKind, bucket: Bucket): Reading {
  if (
    !(bucket.lastAt >= bucket.start && bucket.lastAt < bucket.start + QUARTER_MS) ||
    bucket.start % QUARTER_MS !== 0
  ) {
    throw new ScheduleException(
      ScheduleExceptionCode.InvalidInstant,
      `a ${kind} bucket must start on a UTC quarter and end within it (start ${bucket.start}, last at ${bucket.lastAt})`,
    );
  }
  const { count, min, max, sum } = bucket;
  if (!Number.isInteger(count) || count < 1 || !(min <= max) || !Number.isFinite(sum)) {
    throw new ScheduleException(
      ScheduleExceptionCode.InvalidInstant,
      `a ${kind} bucket needs count ≥ 1 and min ≤ max (got count ${count}, min ${min}, max ${max}, sum ${sum})`,
    );
  }
  return { at: bucket.lastAt, value: bucket.last, count, min, max, sum };
}

/**
 * The readings in time order, one per instant: a bucket before a single reading at the same instant (it holds more),
 * else the lowest value if an instant came twice with different values.
 */
function canonical(readings: readonly Reading[]): Reading[] {
  const sorted = [...readings].sort((a, b) => a.at - b.at || b.count - a.count || a.value - b.value);
  return sorted.filter((reading, index) => index === 0 || sorted[index - 1]?.at !== reading.at);
}
