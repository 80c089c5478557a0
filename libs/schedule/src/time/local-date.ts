import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';

/** A calendar day as a wall calendar shows it, with no time zone attached. `month` is 1–12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Milliseconds in a UTC day (a local day may be 23 or 25 hours long around DST changes). */
export const MS_PER_DAY = 86_400_000;

/** Four-digit years only: keeps ISO strings fixed-width and `Date.UTC` free of its 0–99 → 1900s quirk. */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

/** 1970-01-01 was a Thursday (ISO weekday 4). */
const EPOCH_ISO_WEEKDAY = 4;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Builds a validated local date; throws a `ScheduleException` naming the bad field. */
export function localDate(year: number, month: number, day: number): LocalDate {
  const date = { year, month, day };
  assertLocalDate(date);
  return date;
}

/** Parses `YYYY-MM-DD`; throws a `ScheduleException` quoting the text when it is not a real calendar day. */
export function parseLocalDate(text: string): LocalDate {
  const match = ISO_DATE.exec(text);
  if (match === null) {
    throw new ScheduleException(ScheduleExceptionCode.InvalidLocalDate, `"${text}" is not a date in YYYY-MM-DD form`);
  }
  return localDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Formats as `YYYY-MM-DD`. */
export function formatLocalDate(date: LocalDate): string {
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** Throws a `ScheduleException` unless `date` is a real Gregorian calendar day between years 1000 and 9999. */
export function assertLocalDate(date: LocalDate): void {
  const { year, month, day } = date;
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw invalidDate(date, `year must be an integer from ${MIN_YEAR} to ${MAX_YEAR}`);
  }
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw invalidDate(date, 'month must be an integer from 1 to 12');
  }
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) {
    throw invalidDate(date, `day must be an integer from 1 to ${daysInMonth(year, month)}`);
  }
}

/** Number of days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The date `days` days after `date` (before it when negative). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: LocalDate): IsoWeekday {
  return (modulo(toEpochDay(date) + EPOCH_ISO_WEEKDAY - 1, 7) + 1) as IsoWeekday;
}

/** Negative when `a` is before `b`, zero when equal, positive when after. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Days since 1970-01-01 (negative before it). */
export function toEpochDay(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY;
}

/** The date that is `epochDay` days after 1970-01-01. */
export function fromEpochDay(epochDay: number): LocalDate {
  const utcMidnight = new Date(epochDay * MS_PER_DAY);
  return { year: utcMidnight.getUTCFullYear(), month: utcMidnight.getUTCMonth() + 1, day: utcMidnight.getUTCDate() };
}

/** Two-digit zero-padded number. */
export function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Mathematical modulo: the result has the sign of `divisor`. */
export function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

function invalidDate(date: LocalDate, reason: string): ScheduleException {
  const shown = `${date.year}-${date.month}-${date.day}`;
  return new ScheduleException(ScheduleExceptionCode.InvalidLocalDate, `invalid local date ${shown}: ${reason}`);
}
