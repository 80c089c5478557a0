import { validateDocument } from '@beffroi/domain/validation/parse-document';
import { z } from 'zod';
import { computeSunTimes, prepareSunSite, sunDayTerms, type SunHorizon, type SunSite, type SunTimes } from '../sun/sun';
import { addDays, formatLocalDate, type LocalDate, pad2 } from '../time/local-date';
import { type DstAdjustment, localDateOf, localDaySpan, resolveLocalTime } from '../time/zoned-time';

/** A wall-clock time of day, minute precision. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

export type SunEvent = 'sunset' | 'sunrise' | 'civilDusk' | 'civilDawn';

/** Heating levels (chauffage confort / éco / hors-gel); each zone maps them to setpoints. */
export const HEATING_LEVELS = ['comfort', 'eco', 'frost'] as const;
export type HeatingLevel = (typeof HEATING_LEVELS)[number];

/** Lighting: on/off, or a dimming level 0..100 (0 is off). Heating: a level. */
export type SwitchValue = boolean | number | HeatingLevel;

/**
 * A switch point of a noon-to-noon programme. A fixed time from 12:00 to 23:59 falls on the night's date D, one
 * from 00:00 to 11:59 on D+1. Sunset and civil dusk are D's, sunrise and civil dawn D+1's; `notBefore` and
 * `notAfter` clamp the sun-relative instant and are placed in the night the same way as fixed times.
 */
export type SwitchPoint =
  | { readonly at: TimeOfDay; readonly value: SwitchValue }
  | {
      readonly sun: SunEvent;
      readonly offsetMinutes: number;
      readonly notBefore?: TimeOfDay | undefined;
      readonly notAfter?: TimeOfDay | undefined;
      readonly value: SwitchValue;
    };

/**
 * Switch points listed in the order they happen during the night (noon to noon). When, on some night, a point
 * resolves at or after a point listed after it (summer: a fixed 05:30 "on" after a sunrise "off" at 05:10), the
 * later-listed point wins and the earlier one is dropped for that night, reported as `overtaken`.
 */
export interface Programme {
  readonly points: readonly SwitchPoint[];
}

/** A point placed on the time line for one night. `adjustment` tells how DST moved a fixed time. */
export interface ResolvedPoint {
  readonly pointIndex: number;
  readonly at: Date;
  readonly value: SwitchValue;
  readonly adjustment: DstAdjustment;
  readonly clamped: 'notBefore' | 'notAfter' | null;
}

export type SkipReason = 'noSunEvent' | 'outsideNight' | 'overtaken' | 'programmeUnknown';

/** A point (or, for `programmeUnknown`, a whole night) that does not run, and why. */
export interface SkippedPoint {
  readonly night: LocalDate;
  readonly programmeId: string | null;
  readonly pointIndex: number | null;
  readonly reason: SkipReason;
  /** For `overtaken`: the later-listed point that resolved at or before this one. */
  readonly overtakenBy?: number | undefined;
  /** For `overtaken`: where this point would have run. */
  readonly wouldRunAt?: Date | undefined;
  readonly message: string;
}

/** One night of one programme: `[start, end)` is D 12:00 → D+1 12:00 local; `points` run, in time order. */
export interface ResolvedNight {
  readonly night: LocalDate;
  readonly start: Date;
  readonly end: Date;
  readonly points: readonly ResolvedPoint[];
  readonly skipped: readonly SkippedPoint[];
}

/** Sun events of a site by local date, computed once per date. Build with `sunLookup`. */
export type SunLookup = (date: LocalDate) => SunTimes;

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 1440;
const NOON_MINUTES = 720;

/** Memoised sun events of `site` with `horizon`, for resolving many nights. */
export function sunLookup(site: SunSite, horizon: SunHorizon): SunLookup {
  const prepared = prepareSunSite(site, horizon);
  const cache = new Map<string, SunTimes>();
  return (date) => {
    const key = formatLocalDate(date);
    let times = cache.get(key);
    if (times === undefined) {
      times = computeSunTimes(prepared, sunDayTerms(date), localDaySpan(date, site.timeZone));
      cache.set(key, times);
    }
    return times;
  };
}

/** Minutes since noon, 0..1439: the position of a wall-clock time in a noon-to-noon night. */
export function nightMinutes(time: TimeOfDay): number {
  return (time.hour * 60 + time.minute - NOON_MINUTES + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** `HH:MM`. */
export function formatTimeOfDay(time: TimeOfDay): string {
  return `${pad2(time.hour)}:${pad2(time.minute)}`;
}

/** Whether a value lights the lamps: `true` or a level above 0. */
export function isOn(value: SwitchValue): boolean {
  return value === true || (typeof value === 'number' && value > 0);
}

/** When night D starts: D 12:00 local (a night runs until D+1 12:00). */
export function nightStart(night: LocalDate, timeZone: string): Date {
  return resolveLocalTime(night, 12, 0, 0, timeZone).instant;
}

/** The night (by its date D) that `instant` belongs to: D 12:00 ≤ instant < D+1 12:00 local. */
export function nightOf(instant: Date, timeZone: string): LocalDate {
  const date = localDateOf(instant, timeZone);
  return instant.getTime() < nightStart(date, timeZone).getTime() ? addDays(date, -1) : date;
}

/** The instant a wall-clock time of night `night` runs at, with the DST policy of `resolveLocalTime`. */
export function resolveNightTime(night: LocalDate, time: TimeOfDay, timeZone: string) {
  const date = time.hour >= 12 ? night : addDays(night, 1);
  return resolveLocalTime(date, time.hour, time.minute, 0, timeZone);
}

/** A point described for messages: `05:30`, `sunrise`, `sunset+15min (not before 17:00)`. */
export function describePoint(point: SwitchPoint): string {
  if ('at' in point) {
    return formatTimeOfDay(point.at);
  }
  const offset = point.offsetMinutes === 0 ? '' : `${point.offsetMinutes > 0 ? '+' : ''}${point.offsetMinutes}min`;
  const clamps = [
    point.notBefore === undefined ? null : `not before ${formatTimeOfDay(point.notBefore)}`,
    point.notAfter === undefined ? null : `not after ${formatTimeOfDay(point.notAfter)}`,
  ].filter((clamp) => clamp !== null);
  return `${point.sun}${offset}${clamps.length === 0 ? '' : ` (${clamps.join(', ')})`}`;
}

/**
 * Places every point of `programme` on night `night` (D 12:00 → D+1 12:00 in `timeZone`). Points whose sun event
 * does not happen, that fall outside the night, or that are overtaken by a later-listed point are skipped and
 * reported; the rest are returned in time order (strictly increasing instants).
 */
export function resolveNight(
  programme: Programme,
  programmeId: string,
  night: LocalDate,
  timeZone: string,
  sun: SunLookup,
): ResolvedNight {
  const start = nightStart(night, timeZone);
  const end = nightStart(addDays(night, 1), timeZone);
  const skipped: SkippedPoint[] = [];
  const placed: ResolvedPoint[] = [];
  const skip = (pointIndex: number, reason: SkipReason, message: string): void => {
    skipped.push({ night, programmeId, pointIndex, reason, message });
  };
  for (const [pointIndex, point] of programme.points.entries()) {
    const where = `${programmeId} point ${pointIndex} (${describePoint(point)}) on the night of ${formatLocalDate(night)}`;
    if ('at' in point) {
      const resolved = resolveNightTime(night, point.at, timeZone);
      placed.push({
        pointIndex,
        at: resolved.instant,
        value: point.value,
        adjustment: resolved.adjustment,
        clamped: null,
      });
      continue;
    }
    const eventMs = sunEventMs(point.sun, night, sun);
    if (eventMs === null) {
      skip(pointIndex, 'noSunEvent', `${where}: no ${point.sun} that day`);
      continue;
    }
    let atMs = eventMs + point.offsetMinutes * MS_PER_MINUTE;
    let clamped: ResolvedPoint['clamped'] = null;
    if (point.notBefore !== undefined) {
      const bound = resolveNightTime(night, point.notBefore, timeZone).instant.getTime();
      if (atMs < bound) {
        atMs = bound;
        clamped = 'notBefore';
      }
    }
    if (point.notAfter !== undefined) {
      const bound = resolveNightTime(night, point.notAfter, timeZone).instant.getTime();
      if (atMs > bound) {
        atMs = bound;
        clamped = 'notAfter';
      }
    }
    if (atMs < start.getTime() || atMs >= end.getTime()) {
      skip(pointIndex, 'outsideNight', `${where}: falls outside the night (noon to noon)`);
      continue;
    }
    placed.push({ pointIndex, at: new Date(atMs), value: point.value, adjustment: 'none', clamped });
  }
  // Walk back from the last-listed point: a point runs only if it is strictly before every later-listed one kept.
  const kept: ResolvedPoint[] = [];
  for (let i = placed.length - 1; i >= 0; i--) {
    const candidate = placed[i];
    if (candidate === undefined) {
      continue;
    }
    const next = kept[0];
    if (next !== undefined && candidate.at.getTime() >= next.at.getTime()) {
      const point = programme.points[candidate.pointIndex];
      const other = programme.points[next.pointIndex];
      skipped.push({
        night,
        programmeId,
        pointIndex: candidate.pointIndex,
        reason: 'overtaken',
        overtakenBy: next.pointIndex,
        wouldRunAt: candidate.at,
        message:
          `${programmeId} point ${candidate.pointIndex} (${point === undefined ? '?' : describePoint(point)}) on the ` +
          `night of ${formatLocalDate(night)} would run at or after point ${next.pointIndex} ` +
          `(${other === undefined ? '?' : describePoint(other)}), listed after it: dropped`,
      });
      continue;
    }
    kept.unshift(candidate);
  }
  skipped.sort((a, b) => (a.pointIndex ?? 0) - (b.pointIndex ?? 0));
  return { night, start, end, points: kept, skipped };
}

function sunEventMs(event: SunEvent, night: LocalDate, sun: SunLookup): number | null {
  switch (event) {
    case 'sunset':
      return sun(night).sunsetMs;
    case 'civilDusk':
      return sun(night).civilDuskMs;
    case 'sunrise':
      return sun(addDays(night, 1)).sunriseMs;
    case 'civilDawn':
      return sun(addDays(night, 1)).civilDawnMs;
  }
}

const TIME_ERROR = 'expected a local time "HH:MM" (00:00 to 23:59)';
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` in a document, as a `TimeOfDay`. */
export const timeOfDaySchema = z
  .string({ error: TIME_ERROR })
  .regex(TIME_PATTERN, { error: TIME_ERROR })
  .transform((text): TimeOfDay => ({ hour: Number(text.slice(0, 2)), minute: Number(text.slice(3, 5)) }));

const LIGHTING_VALUE_ERROR = 'expected true (on), false (off) or a level 0..100';
const HEATING_VALUE_ERROR = `expected a heating level (${HEATING_LEVELS.join(', ')})`;

/** What a switch point of a lighting programme sets. */
export const lightingValueSchema = z.union(
  [
    z.boolean(),
    z
      .number({ error: LIGHTING_VALUE_ERROR })
      .min(0, { error: LIGHTING_VALUE_ERROR })
      .max(100, { error: LIGHTING_VALUE_ERROR }),
  ],
  { error: LIGHTING_VALUE_ERROR },
);

/** What a switch point of a heating programme sets. */
export const heatingLevelSchema = z.enum(HEATING_LEVELS, { error: HEATING_VALUE_ERROR });
const OFFSET_ERROR = 'expected a whole number of minutes -360..360';
const SUN_EVENTS = ['sunset', 'sunrise', 'civilDusk', 'civilDawn'] as const satisfies readonly SunEvent[];

/** A switch point whose value `valueSchema` validates (lighting values or heating levels). */
function switchPointSchema(valueSchema: z.ZodType<SwitchValue>) {
  return z
    .object({
      at: timeOfDaySchema.optional(),
      sun: z.enum(SUN_EVENTS, { error: `expected a sun event (${SUN_EVENTS.join(', ')})` }).optional(),
      offsetMinutes: z
        .number({ error: OFFSET_ERROR })
        .int({ error: OFFSET_ERROR })
        .min(-360, { error: OFFSET_ERROR })
        .max(360, { error: OFFSET_ERROR })
        .optional(),
      notBefore: timeOfDaySchema.optional(),
      notAfter: timeOfDaySchema.optional(),
      value: valueSchema,
    })
    .strict()
    .superRefine((point, ctx) => {
      if ((point.at === undefined) === (point.sun === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'a switch point needs exactly one of "at" (HH:MM) or "sun"',
          path: [],
        });
        return;
      }
      if (point.at !== undefined) {
        for (const key of ['offsetMinutes', 'notBefore', 'notAfter'] as const) {
          if (point[key] !== undefined) {
            ctx.addIssue({ code: 'custom', message: `"${key}" applies only to a "sun" point`, path: [key] });
          }
        }
      }
      if (
        point.notBefore !== undefined &&
        point.notAfter !== undefined &&
        nightMinutes(point.notBefore) > nightMinutes(point.notAfter)
      ) {
        ctx.addIssue({ code: 'custom', message: '"notAfter" is before "notBefore" in the night', path: ['notAfter'] });
      }
    })
    .transform((point): SwitchPoint => {
      if (point.at !== undefined) {
        return { at: point.at, value: point.value };
      }
      return {
        sun: point.sun ?? 'sunset',
        offsetMinutes: point.offsetMinutes ?? 0,
        notBefore: point.notBefore,
        notAfter: point.notAfter,
        value: point.value,
      };
    });
}

/** A programme whose switch points set values `valueSchema` validates. */
export function programmeSchemaFor(valueSchema: z.ZodType<SwitchValue>) {
  return z
    .object({
      points: z.array(switchPointSchema(valueSchema)).min(1, { error: 'a programme needs at least one switch point' }),
    })
    .strict()
    .superRefine((programme, ctx) => {
      // Fixed times must be listed in night order (noon to noon); sun points are checked night by night (overtaken).
      let previous: { index: number; minutes: number } | null = null;
      for (const [index, point] of programme.points.entries()) {
        if (!('at' in point)) {
          continue;
        }
        const minutes = nightMinutes(point.at);
        if (previous !== null && minutes <= previous.minutes) {
          ctx.addIssue({
            code: 'custom',
            message: `fixed times must be listed in night order (noon to noon): ${formatTimeOfDay(point.at)} comes after point ${previous.index}`,
            path: ['points', index, 'at'],
          });
        }
        previous = { index, minutes };
      }
    }) satisfies z.ZodType<Programme>;
}

/** A lighting programme. */
export const programmeSchema = programmeSchemaFor(lightingValueSchema);

/** Validates a programme document; throws a `DocumentException` naming `source` and each problem's path. */
export function parseProgramme(input: unknown, source: string): Programme {
  return validateDocument(programmeSchema, input, source);
}
