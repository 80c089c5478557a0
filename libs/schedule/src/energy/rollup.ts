import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
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
 */
export function quarterRollups(kind: SeriesKind, samples: readonly Sample[], previous?: Sample): Rollup[] {
  const rollups: Rollup[] = [];
  let before = previous;
  let current: MutableRollup | undefined;
  for (const sample of canonical(samples)) {
    if (!Number.isFinite(sample.value) || !Number.isFinite(sample.at)) {
      throw new ScheduleException(
        ScheduleExceptionCode.InvalidInstant,
        `a ${kind} reading must be a finite number at a finite instant (got ${sample.value} at ${sample.at})`,
      );
    }
    const start = Math.floor(sample.at / QUARTER_MS) * QUARTER_MS;
    if (current?.start !== start) {
      if (current !== undefined) rollups.push(current);
      current = empty('quarter', start, start + QUARTER_MS);
      current.quarters = 1;
    }
    current.count++;
    current.min = Math.min(current.min, sample.value);
    current.max = Math.max(current.max, sample.value);
    current.sum += sample.value;
    current.mean = current.sum / current.count;
    current.last = sample.value;
    current.lastAt = sample.at;
    if (kind === 'counter' && before !== undefined && before.at < sample.at) {
      const step = sample.value - before.value;
      if (step >= 0) current.increase += step;
      else current.resets++;
    }
    before = sample;
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

/** The readings in time order, one per instant (the lowest value if an instant came twice with different values). */
function canonical(samples: readonly Sample[]): Sample[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at || a.value - b.value);
  return sorted.filter((sample, index) => index === 0 || sorted[index - 1]?.at !== sample.at);
}
