import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import {
  addDays,
  assertLocalDate,
  formatLocalDate,
  type LocalDate,
  MAX_YEAR,
  MIN_YEAR,
  modulo,
  MS_PER_DAY,
  pad2,
} from './local-date';

/**
 * How a wall-clock time was placed on the time line (docs/architecture.md "Schedules": the policy across daylight saving changes):
 * - `none`: the time occurs exactly once that day;
 * - `gap`: the time does not exist (spring forward); it runs at the first instant after the gap;
 * - `overlap`: the time occurs twice (fall back); it runs at its first occurrence.
 */
export type DstAdjustment = 'none' | 'gap' | 'overlap';

/** A wall-clock time resolved to the single instant at which it runs. */
export interface ResolvedLocalTime {
  readonly instant: Date;
  readonly adjustment: DstAdjustment;
}

/** A local calendar day in a zone, as the instants `[start, end)`: 23, 24 or 25 hours long around DST changes. */
export interface LocalDaySpan {
  readonly date: LocalDate;
  readonly timeZone: string;
  readonly start: Date;
  readonly end: Date;
}

interface WallClock extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
/** A day either side of a wall time is beyond any UTC offset, so probing there brackets the offsets around it. */
const OFFSET_PROBE_MS = MS_PER_DAY;

/** One formatter per zone: building an `Intl.DateTimeFormat` costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `timeZone` is an IANA zone name this runtime knows (e.g. `Europe/Paris`, `Indian/Reunion`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws a `ScheduleException` naming `timeZone` unless it is an IANA zone name this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The calendar day that `instant` falls on in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = wallClockAt(instantMs(instant), timeZone);
  return { year, month, day };
}

/** UTC offset of `timeZone` at `instant`, in minutes east of Greenwich (Paris in winter: 60). */
export function offsetMinutesAt(instant: Date, timeZone: string): number {
  return offsetSecondsAt(instantMs(instant), timeZone) / SECONDS_PER_MINUTE;
}

/**
 * `instant` as local time in `timeZone` with its numeric offset, to the second: `2027-01-01T08:44:10+01:00`.
 * The offset is always numeric (`+00:00`, never `Z`); it carries seconds only for historical local mean times.
 */
export function formatIsoWithOffset(instant: Date, timeZone: string): string {
  const wholeSecondMs = floorToSecond(instantMs(instant));
  const wall = wallClockAt(wholeSecondMs, timeZone);
  const time = `${pad2(wall.hour)}:${pad2(wall.minute)}:${pad2(wall.second)}`;
  const offsetSeconds = (asUtcMs(wall) - wholeSecondMs) / MS_PER_SECOND;
  return `${formatLocalDate(wall)}T${time}${formatOffset(offsetSeconds)}`;
}

/**
 * The instant at which the wall-clock time `hour:minute:second` of `date` runs in `timeZone`, applying the DST
 * policy: a time in the spring-forward gap runs at the first instant after the gap (2027-03-28 02:30 Europe/Paris
 * → 03:00 local), a time in the fall-back overlap at its first occurrence (2026-10-25 02:30 Europe/Paris → 02:30
 * summer time). The result says which case applied.
 */
export function resolveLocalTime(
  date: LocalDate,
  hour: number,
  minute: number,
  second: number,
  timeZone: string,
): ResolvedLocalTime {
  assertLocalDate(date);
  assertTimeOfDay(hour, minute, second);
  const wallMs = Date.UTC(date.year, date.month - 1, date.day, hour, minute, second);
  // The wall time minus each offset in force around it gives the candidate instants. Both reading back as this
  // wall time is an overlap, one is the ordinary case, none means the wall time falls in a gap.
  const offsetBefore = offsetSecondsAt(wallMs - OFFSET_PROBE_MS, timeZone);
  const offsetAfter = offsetSecondsAt(wallMs + OFFSET_PROBE_MS, timeZone);
  const early = wallMs - Math.max(offsetBefore, offsetAfter) * MS_PER_SECOND;
  const late = wallMs - Math.min(offsetBefore, offsetAfter) * MS_PER_SECOND;
  const earlyMatches = wallMsAt(early, timeZone) === wallMs;
  const lateMatches = late !== early && wallMsAt(late, timeZone) === wallMs;
  if (earlyMatches) {
    return { instant: new Date(early), adjustment: lateMatches ? 'overlap' : 'none' };
  }
  if (lateMatches) {
    return { instant: new Date(late), adjustment: 'none' };
  }
  return { instant: new Date(firstInstantAfterTransition(early, late, timeZone)), adjustment: 'gap' };
}

/** The instants covered by local calendar day `date` in `timeZone`, from its midnight to the next one. */
export function localDaySpan(date: LocalDate, timeZone: string): LocalDaySpan {
  return {
    date,
    timeZone,
    start: resolveLocalTime(date, 0, 0, 0, timeZone).instant,
    end: resolveLocalTime(addDays(date, 1), 0, 0, 0, timeZone).instant,
  };
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) {
    return cached;
  }
  const formatter = createFormatter(timeZone);
  formatters.set(timeZone, formatter);
  return formatter;
}

function createFormatter(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new ScheduleException(ScheduleExceptionCode.InvalidTimeZone, `unknown IANA time zone "${timeZone}"`);
  }
}

/** The wall-clock hour (0..23) in `timeZone` at `instant`. */
export function localHourOf(instant: Date, timeZone: string): number {
  return wallClockAt(instantMs(instant), timeZone).hour;
}

/** Wall-clock reading in `timeZone` at `epochMs`, truncated to the second. */
function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(epochMs);
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** The wall-clock reading at `epochMs` expressed as if it were a UTC instant, truncated to the second. */
function wallMsAt(epochMs: number, timeZone: string): number {
  return asUtcMs(wallClockAt(epochMs, timeZone));
}

function asUtcMs(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

function offsetSecondsAt(epochMs: number, timeZone: string): number {
  const wholeSecondMs = floorToSecond(epochMs);
  return (wallMsAt(wholeSecondMs, timeZone) - wholeSecondMs) / MS_PER_SECOND;
}

function floorToSecond(epochMs: number): number {
  return epochMs - modulo(epochMs, MS_PER_SECOND);
}

/** Bisects `(before, after]`, whose ends have different offsets, for the first whole second with the later offset. */
function firstInstantAfterTransition(before: number, after: number, timeZone: string): number {
  const offsetAfter = offsetSecondsAt(after, timeZone);
  let low = before;
  let high = after;
  while (high - low > MS_PER_SECOND) {
    const middle = low + Math.floor((high - low) / 2 / MS_PER_SECOND) * MS_PER_SECOND;
    if (offsetSecondsAt(middle, timeZone) === offsetAfter) {
      high = middle;
    } else {
      low = middle;
    }
  }
  return high;
}

function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetSeconds);
  const hours = Math.floor(magnitude / SECONDS_PER_HOUR);
  const minutes = Math.floor((magnitude % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  const seconds = magnitude % SECONDS_PER_MINUTE;
  return `${sign}${pad2(hours)}:${pad2(minutes)}${seconds === 0 ? '' : `:${pad2(seconds)}`}`;
}

function instantMs(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) {
    throw new ScheduleException(ScheduleExceptionCode.InvalidInstant, 'instant is an Invalid Date');
  }
  const year = instant.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new ScheduleException(
      ScheduleExceptionCode.InvalidInstant,
      `instant ${instant.toISOString()} is outside years ${MIN_YEAR}–${MAX_YEAR}`,
    );
  }
  return ms;
}

function assertTimeOfDay(hour: number, minute: number, second: number): void {
  const valid = (value: number, limit: number): boolean => Number.isInteger(value) && value >= 0 && value < limit;
  if (!valid(hour, 24) || !valid(minute, 60) || !valid(second, 60)) {
    throw new ScheduleException(
      ScheduleExceptionCode.InvalidLocalTime,
      `invalid local time ${hour}:${minute}:${second}: expected hour 0–23, minute 0–59, second 0–59`,
    );
  }
}
