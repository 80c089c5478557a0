import { identifier } from '@beffroi/domain/common.schema';
import { validateDocument } from '@beffroi/domain/validation/parse-document';
import { z } from 'zod';
import { easterSunday } from '../holidays/easter';
import { HOLIDAY_ZONES, type HolidayZone, isHoliday } from '../holidays/french-holidays';
import { localDateSchema } from '../holidays/local-date.schema';
import { SCHOOL_ZONES, schoolHolidayOn, type SchoolHolidays, type SchoolZone } from '../holidays/school-holidays';
import {
  addDays,
  compareLocalDates,
  daysInMonth,
  formatLocalDate,
  type IsoWeekday,
  type LocalDate,
  weekdayOf,
} from '../time/local-date';

/** Which days a rule selects. Dates are the site's local dates. */
export type CalendarRule =
  /** Every day from `from` to `to`, both included. */
  | { readonly kind: 'dateRange'; readonly programmeId: string; readonly from: LocalDate; readonly to: LocalDate }
  /** The same month and day every year (29 February matches only in leap years). */
  | { readonly kind: 'yearlyDate'; readonly programmeId: string; readonly month: number; readonly day: number }
  | { readonly kind: 'weekdays'; readonly programmeId: string; readonly weekdays: readonly IsoWeekday[] }
  /** The nth (1–5) or last given weekday of a month, of every month unless `months` lists some. */
  | {
      readonly kind: 'nthWeekday';
      readonly programmeId: string;
      readonly weekday: IsoWeekday;
      readonly nth: 1 | 2 | 3 | 4 | 5 | 'last';
      readonly months?: readonly number[] | undefined;
    }
  | { readonly kind: 'publicHoliday'; readonly programmeId: string; readonly zone: HolidayZone }
  /** School holidays of a zone; a day the data cannot answer makes the whole choice `unknown`. */
  | { readonly kind: 'schoolHoliday'; readonly programmeId: string; readonly zone: SchoolZone }
  /** Easter Sunday plus `offsetDays` (−2 Good Friday, 1 Easter Monday, 39 Ascension, 50 Whit Monday). */
  | { readonly kind: 'easterOffset'; readonly programmeId: string; readonly offsetDays: number }
  | { readonly kind: 'dates'; readonly programmeId: string; readonly dates: readonly LocalDate[] };

export type CalendarRuleKind = CalendarRule['kind'];

/** Ordered rules, each selecting a programme; the first that matches wins, else the default programme. */
export interface Calendar {
  readonly defaultProgrammeId: string;
  readonly rules: readonly CalendarRule[];
}

/** What a calendar may need beyond the date: school-holiday data, passed in by the caller. */
export interface CalendarContext {
  readonly schoolHolidays?: SchoolHolidays | undefined;
}

/**
 * The programme for a day: the rule that chose it (`ruleIndex` null for the default), or `unknown` when a rule
 * reached before any match cannot be decided (school holidays beyond the data) — reported, never guessed.
 */
export type ProgrammeChoice =
  | { readonly programmeId: string; readonly ruleIndex: number | null }
  | { readonly unknown: string; readonly ruleIndex: number };

type RuleMatch = boolean | { readonly unknown: string };

/** The programme that `calendar` selects for local date `date`: the first matching rule wins. */
export function programmeFor(calendar: Calendar, date: LocalDate, context: CalendarContext = {}): ProgrammeChoice {
  for (const [ruleIndex, rule] of calendar.rules.entries()) {
    const match = ruleMatches(rule, date, context);
    if (match === true) {
      return { programmeId: rule.programmeId, ruleIndex };
    }
    if (match !== false) {
      return { unknown: `rule ${ruleIndex} (${rule.kind}): ${match.unknown}`, ruleIndex };
    }
  }
  return { programmeId: calendar.defaultProgrammeId, ruleIndex: null };
}

/** Whether one rule selects `date`; an object when it cannot tell. */
export function ruleMatches(rule: CalendarRule, date: LocalDate, context: CalendarContext = {}): RuleMatch {
  switch (rule.kind) {
    case 'dateRange':
      return compareLocalDates(rule.from, date) <= 0 && compareLocalDates(date, rule.to) <= 0;
    case 'yearlyDate':
      return date.month === rule.month && date.day === rule.day;
    case 'weekdays':
      return rule.weekdays.includes(weekdayOf(date));
    case 'nthWeekday':
      return matchesNthWeekday(rule.weekday, rule.nth, rule.months, date);
    case 'publicHoliday':
      return isHoliday(date, rule.zone);
    case 'schoolHoliday':
      return matchesSchoolHoliday(rule.zone, date, context);
    case 'easterOffset':
      return compareLocalDates(addDays(easterSunday(date.year), rule.offsetDays), date) === 0;
    case 'dates':
      return rule.dates.some((candidate) => compareLocalDates(candidate, date) === 0);
  }
}

function matchesNthWeekday(
  weekday: IsoWeekday,
  nth: 1 | 2 | 3 | 4 | 5 | 'last',
  months: readonly number[] | undefined,
  date: LocalDate,
): boolean {
  if (weekdayOf(date) !== weekday || (months !== undefined && !months.includes(date.month))) {
    return false;
  }
  if (nth === 'last') {
    return date.day + 7 > daysInMonth(date.year, date.month);
  }
  return Math.ceil(date.day / 7) === nth;
}

function matchesSchoolHoliday(zone: SchoolZone, date: LocalDate, context: CalendarContext): RuleMatch {
  if (context.schoolHolidays === undefined) {
    return { unknown: `no school-holiday data was given to decide ${formatLocalDate(date)} in zone ${zone}` };
  }
  const answer = schoolHolidayOn(context.schoolHolidays, date, zone);
  switch (answer.status) {
    case 'holiday':
      return true;
    case 'school':
      return false;
    case 'unknown':
      return { unknown: answer.reason };
  }
}

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const WEEKDAY_ERROR = `expected a weekday: 1 (Monday) to 7 (Sunday) or one of ${WEEKDAY_NAMES.join(', ')}`;

const weekdaySchema = z
  .union(
    [
      z.number().int({ error: WEEKDAY_ERROR }).min(1, { error: WEEKDAY_ERROR }).max(7, { error: WEEKDAY_ERROR }),
      z.enum(WEEKDAY_NAMES),
    ],
    { error: WEEKDAY_ERROR },
  )
  .transform((value) => (typeof value === 'number' ? value : WEEKDAY_NAMES.indexOf(value) + 1) as IsoWeekday);

const monthSchema = z
  .number({ error: 'expected a month 1..12' })
  .int({ error: 'expected a month 1..12' })
  .min(1, {
    error: 'expected a month 1..12',
  })
  .max(12, { error: 'expected a month 1..12' });

const ruleSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({ kind: z.literal('dateRange'), programmeId: identifier, from: localDateSchema, to: localDateSchema })
      .strict()
      .refine((rule) => compareLocalDates(rule.from, rule.to) <= 0, { error: '"to" is before "from"', path: ['to'] }),
    z
      .object({
        kind: z.literal('yearlyDate'),
        programmeId: identifier,
        month: monthSchema,
        day: z.number({ error: 'expected a day 1..31' }).int({ error: 'expected a day 1..31' }),
      })
      .strict()
      // 2000 is a leap year: 29 February is a valid yearly date (it matches in leap years only).
      .refine((rule) => rule.day >= 1 && rule.day <= daysInMonth(2000, rule.month), {
        error: 'no such day in that month',
        path: ['day'],
      }),
    z
      .object({
        kind: z.literal('weekdays'),
        programmeId: identifier,
        weekdays: z.array(weekdaySchema).min(1, { error: 'expected at least one weekday' }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('nthWeekday'),
        programmeId: identifier,
        weekday: weekdaySchema,
        nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal('last')], {
          error: 'expected 1, 2, 3, 4, 5 or "last"',
        }),
        months: z.array(monthSchema).min(1, { error: 'expected at least one month' }).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('publicHoliday'),
        programmeId: identifier,
        zone: z.enum(HOLIDAY_ZONES as [HolidayZone, ...HolidayZone[]], {
          error: `expected a holiday zone (${HOLIDAY_ZONES.join(', ')})`,
        }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('schoolHoliday'),
        programmeId: identifier,
        zone: z.enum(SCHOOL_ZONES, { error: `expected a school zone (${SCHOOL_ZONES.join(', ')})` }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('easterOffset'),
        programmeId: identifier,
        offsetDays: z
          .number({ error: 'expected a whole number of days -200..200' })
          .int({ error: 'expected a whole number of days -200..200' })
          .min(-200, { error: 'expected a whole number of days -200..200' })
          .max(200, { error: 'expected a whole number of days -200..200' }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('dates'),
        programmeId: identifier,
        dates: z.array(localDateSchema).min(1, { error: 'expected at least one date' }),
      })
      .strict(),
  ],
  {
    error:
      'expected a rule kind: dateRange, yearlyDate, weekdays, nthWeekday, publicHoliday, schoolHoliday, easterOffset or dates',
  },
);

export const calendarSchema = z
  .object({ defaultProgrammeId: identifier, rules: z.array(ruleSchema) })
  .strict() satisfies z.ZodType<Calendar>;

/** Validates a calendar document; throws a `DocumentException` naming `source` and each problem's path. */
export function parseCalendar(input: unknown, source: string): Calendar {
  return validateDocument(calendarSchema, input, source);
}
