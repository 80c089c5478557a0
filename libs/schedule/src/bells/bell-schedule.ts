import { duration, identifier, intIn, nonEmptyText } from '@beffroi/domain/common.schema';
import { validateDocument } from '@beffroi/domain/validation/parse-document';
import { z } from 'zod';
import { type Calendar, calendarSchema } from '../calendar/calendar';
import { localDateSchema } from '../holidays/local-date.schema';
import { formatTimeOfDay, type TimeOfDay, timeOfDaySchema } from '../programme/programme';
import type { LocalDate } from '../time/local-date';

/**
 * One step of a ring sequence; steps run one after the other.
 * - `strike`: the bell's hammer (tintement) strikes `count` times, one every `intervalMs`; `hour` strikes the hour
 *   of the ring on a 12-hour dial (13:00 → 1, 00:00 → 12).
 * - `swing`: the bells swing (volée) together for `durationMs`.
 * - `pause`: silence.
 */
export type BellStep =
  | { readonly strike: number; readonly count: number | 'hour'; readonly intervalMs: number }
  | { readonly swing: readonly number[]; readonly durationMs: number }
  | { readonly pauseMs: number };

export interface RingSequence {
  readonly name?: string | undefined;
  readonly steps: readonly BellStep[];
}

/** A ring of a day's programme: once at a local time, or every `everyMinutes` from `from` to `to` (both included). */
export type BellRing =
  | { readonly at: TimeOfDay; readonly sequence: string }
  | { readonly everyMinutes: number; readonly from: TimeOfDay; readonly to: TimeOfDay; readonly sequence: string };

export interface BellProgramme {
  readonly rings: readonly BellRing[];
}

/** A one-off ring (wedding, funeral toll) at a local date and time. */
export interface BellEvent {
  readonly date: LocalDate;
  readonly at: TimeOfDay;
  readonly sequence: string;
  readonly name?: string | undefined;
}

/**
 * Bells ring on civil days (midnight to midnight, unlike lighting nights): the calendar chooses each day's programme
 * of rings; one-off events ring in addition.
 */
export interface BellSchedule {
  readonly sequences: Readonly<Record<string, RingSequence>>;
  readonly calendar: Calendar;
  readonly programmes: Readonly<Record<string, BellProgramme>>;
  readonly events: readonly BellEvent[];
}

const bellNumber = intIn(1, 32);
const DEFAULT_STRIKE_INTERVAL_MS = 3000;

const stepSchema = z
  .object({
    strike: bellNumber.optional(),
    count: z.union([intIn(1, 24), z.literal('hour')], { error: 'expected a count 1..24 or "hour"' }).optional(),
    interval: duration(500, 60_000).optional(),
    swing: z.array(bellNumber).min(1, { error: 'expected at least one bell' }).optional(),
    duration: duration(1000, 3_600_000).optional(),
    pause: duration(100, 3_600_000).optional(),
  })
  .strict()
  .transform((step, ctx): BellStep => {
    const kinds = [step.strike, step.swing, step.pause].filter((kind) => kind !== undefined).length;
    if (kinds !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a step needs exactly one of "strike", "swing" or "pause"' });
      return z.NEVER;
    }
    const misplaced = (keys: readonly ('count' | 'interval' | 'duration')[], what: string): boolean => {
      const key = keys.find((candidate) => step[candidate] !== undefined);
      if (key !== undefined) {
        ctx.addIssue({ code: 'custom', message: `"${key}" does not apply to a ${what} step`, path: [key] });
      }
      return key !== undefined;
    };
    if (step.strike !== undefined) {
      if (misplaced(['duration'], 'strike')) {
        return z.NEVER;
      }
      if (step.count === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a strike step needs "count" (1..24 or "hour")', path: ['count'] });
        return z.NEVER;
      }
      return { strike: step.strike, count: step.count, intervalMs: step.interval ?? DEFAULT_STRIKE_INTERVAL_MS };
    }
    if (step.swing !== undefined) {
      if (misplaced(['count', 'interval'], 'swing')) {
        return z.NEVER;
      }
      if (step.duration === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a swing step needs "duration"', path: ['duration'] });
        return z.NEVER;
      }
      return { swing: step.swing, durationMs: step.duration };
    }
    if (misplaced(['count', 'interval', 'duration'], 'pause')) {
      return z.NEVER;
    }
    return { pauseMs: step.pause ?? 0 };
  });

const sequenceSchema = z
  .object({
    name: nonEmptyText.optional(),
    steps: z.array(stepSchema).min(1, { error: 'a sequence needs at least one step' }),
  })
  .strict();

const EVERY_ERROR = 'expected a whole number of minutes 1..720';

const ringSchema = z
  .object({
    at: timeOfDaySchema.optional(),
    every: z
      .number({ error: EVERY_ERROR })
      .int({ error: EVERY_ERROR })
      .min(1, { error: EVERY_ERROR })
      .max(720, { error: EVERY_ERROR })
      .optional(),
    from: timeOfDaySchema.optional(),
    to: timeOfDaySchema.optional(),
    sequence: identifier,
  })
  .strict()
  .transform((ring, ctx): BellRing => {
    if (ring.at !== undefined) {
      if (ring.every !== undefined || ring.from !== undefined || ring.to !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'a ring has either "at", or "every" with "from" and "to"' });
        return z.NEVER;
      }
      return { at: ring.at, sequence: ring.sequence };
    }
    if (ring.every === undefined || ring.from === undefined || ring.to === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a ring has either "at", or "every" (minutes) with "from" and "to"' });
      return z.NEVER;
    }
    if (ring.to.hour * 60 + ring.to.minute <= ring.from.hour * 60 + ring.from.minute) {
      ctx.addIssue({
        code: 'custom',
        message: `"to" (${formatTimeOfDay(ring.to)}) must be after "from" (${formatTimeOfDay(ring.from)}) the same day`,
        path: ['to'],
      });
      return z.NEVER;
    }
    return { everyMinutes: ring.every, from: ring.from, to: ring.to, sequence: ring.sequence };
  });

const eventSchema = z
  .object({ date: localDateSchema, at: timeOfDaySchema, sequence: identifier, name: nonEmptyText.optional() })
  .strict();

export const bellScheduleSchema = z
  .object({
    sequences: z.record(identifier, sequenceSchema),
    calendar: calendarSchema,
    programmes: z.record(identifier, z.object({ rings: z.array(ringSchema) }).strict()),
    events: z.array(eventSchema).default([]),
  })
  .strict()
  .superRefine((schedule, ctx) => {
    const programme = (programmeId: string, path: (string | number)[]): void => {
      if (!Object.hasOwn(schedule.programmes, programmeId)) {
        ctx.addIssue({ code: 'custom', message: `no programme "${programmeId}" in "programmes"`, path });
      }
    };
    const sequence = (sequenceId: string, path: (string | number)[]): void => {
      if (!Object.hasOwn(schedule.sequences, sequenceId)) {
        ctx.addIssue({ code: 'custom', message: `no sequence "${sequenceId}" in "sequences"`, path });
      }
    };
    programme(schedule.calendar.defaultProgrammeId, ['calendar', 'defaultProgrammeId']);
    schedule.calendar.rules.forEach((rule, index) => {
      programme(rule.programmeId, ['calendar', 'rules', index, 'programmeId']);
    });
    for (const [programmeId, { rings }] of Object.entries(schedule.programmes)) {
      rings.forEach((ring, index) => {
        sequence(ring.sequence, ['programmes', programmeId, 'rings', index, 'sequence']);
      });
    }
    schedule.events.forEach((event, index) => {
      sequence(event.sequence, ['events', index, 'sequence']);
    });
  }) satisfies z.ZodType<BellSchedule>;

/** Validates a bell schedule document; throws a `DocumentException` naming `source` and each problem's path. */
export function parseBellSchedule(input: unknown, source: string): BellSchedule {
  return validateDocument(bellScheduleSchema, input, source);
}
