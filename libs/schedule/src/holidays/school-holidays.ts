import { validateDocument } from '@beffroi/domain/validation/parse-document';
import { z } from 'zod';
import { addDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time/local-date';
import { localDateSchema } from './local-date.schema';

/**
 * School-holiday zones: the metropolitan zones A, B and C, Corsica and the overseas academies (each has its own
 * calendar). A data file lists only some of them; a zone it lacks is answered `unknown`, never borrowed from another.
 */
export type SchoolZone = 'A' | 'B' | 'C' | 'corse' | 'guadeloupe' | 'martinique' | 'guyane' | 'la-reunion' | 'mayotte';

export const SCHOOL_ZONES = [
  'A',
  'B',
  'C',
  'corse',
  'guadeloupe',
  'martinique',
  'guyane',
  'la-reunion',
  'mayotte',
] as const satisfies readonly SchoolZone[];

/** One holiday period: days strictly after `classesEnd` and strictly before `classesResume` (open-ended if null). */
export interface SchoolHolidayPeriod {
  readonly name: string;
  readonly zones: readonly SchoolZone[];
  /** The last day with classes (classes end that day). */
  readonly classesEnd: LocalDate;
  /** The day classes resume, or `null` when the file does not know (summer holidays of its last year). */
  readonly classesResume: LocalDate | null;
}

/** Validated school-holiday data with its validity horizon `[validFrom, validUntil]` (inclusive local dates). */
export interface SchoolHolidays {
  readonly source: string;
  readonly validFrom: LocalDate;
  readonly validUntil: LocalDate;
  /** Zones the data covers; academies per zone as listed in the file. */
  readonly zones: Readonly<Partial<Record<SchoolZone, readonly string[]>>>;
  readonly periods: readonly SchoolHolidayPeriod[];
}

export type SchoolHolidayStatus = 'holiday' | 'school' | 'unknown';

/** A status with what decided it: the period for `holiday`, the reason for `unknown`. */
export type SchoolHolidayAnswer =
  | { readonly status: 'holiday'; readonly period: SchoolHolidayPeriod }
  | { readonly status: 'school' }
  | { readonly status: 'unknown'; readonly reason: string };

const schoolZone = z.enum(SCHOOL_ZONES, { error: `expected a school zone (${SCHOOL_ZONES.join(', ')})` });

const periodSchema = z
  .object({
    name: z.string({ error: 'expected text' }).min(1, { error: 'expected non-empty text' }),
    zones: z.array(schoolZone).min(1, { error: 'expected at least one zone' }),
    classesEnd: localDateSchema,
    classesResume: localDateSchema.nullable(),
  })
  .strict()
  .refine((period) => period.classesResume === null || compareLocalDates(period.classesEnd, period.classesResume) < 0, {
    error: 'classesResume must be after classesEnd',
    path: ['classesResume'],
  });

const schoolHolidaysSchema = z
  .object({
    description: z.string().optional(),
    source: z.string({ error: 'expected text naming where the data comes from' }).min(1),
    validFrom: localDateSchema,
    validUntil: localDateSchema,
    zones: z.partialRecord(schoolZone, z.array(z.string())),
    periods: z.array(periodSchema),
  })
  .strict()
  .superRefine((data, ctx) => {
    if (compareLocalDates(data.validFrom, data.validUntil) > 0) {
      ctx.addIssue({ code: 'custom', message: 'validUntil must not be before validFrom', path: ['validUntil'] });
    }
    data.periods.forEach((period, index) => {
      period.zones.forEach((zone, zoneIndex) => {
        if (data.zones[zone] === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `zone "${zone}" is not declared under "zones"`,
            path: ['periods', index, 'zones', zoneIndex],
          });
        }
      });
    });
  });

/**
 * Validates parsed school-holiday JSON (e.g. `config/data/school-holidays-fr-2026-2027.json`). Throws a
 * `DocumentException` naming `source` and the path of every problem (`periods[3].classesEnd: …`).
 */
export function parseSchoolHolidays(input: unknown, source: string): SchoolHolidays {
  const data = validateDocument(schoolHolidaysSchema, input, source);
  return {
    source: data.source,
    validFrom: data.validFrom,
    validUntil: data.validUntil,
    zones: data.zones,
    periods: data.periods,
  };
}

/**
 * Whether local date `date` is a school holiday in `zone`: `holiday` inside a period, `school` otherwise (weekends
 * included: it says "not in a holiday period"), `unknown` outside the data's horizon or for a zone it lacks.
 */
export function schoolHolidayOn(data: SchoolHolidays, date: LocalDate, zone: SchoolZone): SchoolHolidayAnswer {
  if (data.zones[zone] === undefined) {
    return { status: 'unknown', reason: `school-holiday data (${data.source}) has no calendar for zone ${zone}` };
  }
  if (compareLocalDates(date, data.validFrom) < 0 || compareLocalDates(date, data.validUntil) > 0) {
    const horizon = `${formatLocalDate(data.validFrom)} to ${formatLocalDate(data.validUntil)}`;
    return {
      status: 'unknown',
      reason: `${formatLocalDate(date)} is outside the school-holiday data's horizon (${horizon})`,
    };
  }
  const period = data.periods.find((candidate) => candidate.zones.includes(zone) && isWithin(candidate, date));
  return period === undefined ? { status: 'school' } : { status: 'holiday', period };
}

/** `holiday`, `school` or `unknown` for local date `date` in `zone`; see {@link schoolHolidayOn}. */
export function schoolHolidayStatus(data: SchoolHolidays, date: LocalDate, zone: SchoolZone): SchoolHolidayStatus {
  return schoolHolidayOn(data, date, zone).status;
}

function isWithin(period: SchoolHolidayPeriod, date: LocalDate): boolean {
  const afterEnd = compareLocalDates(date, addDays(period.classesEnd, 1)) >= 0;
  const beforeResume = period.classesResume === null || compareLocalDates(date, period.classesResume) < 0;
  return afterEnd && beforeResume;
}
