import { identifier } from '@beffroi/domain/common.schema';
import { validateDocument } from '@beffroi/domain/validation/parse-document';
import { z } from 'zod';
import { type Calendar, type CalendarContext, calendarSchema, programmeFor } from '../calendar/calendar';
import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import type { SunHorizon, SunSite } from '../sun/sun';
import { addDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time/local-date';
import {
  lightingValueSchema,
  nightOf,
  type Programme,
  programmeSchemaFor,
  type ResolvedNight,
  resolveNight,
  type SkippedPoint,
  type SunLookup,
  sunLookup,
  type SwitchValue,
} from './programme';

/** A calendar choosing, for each night by its date D, one of the programmes. */
export interface Schedule {
  readonly calendar: Calendar;
  readonly programmes: Readonly<Record<string, Programme>>;
}

/** What the engine needs beyond the schedule and the site: school-holiday data, the sunrise/sunset horizon. */
export interface ScheduleContext extends CalendarContext {
  /** Default `usno`. */
  readonly horizon?: SunHorizon | undefined;
}

/** A change of value at an instant, with the programme point that caused it and the night it belongs to. */
export interface Transition {
  readonly at: Date;
  readonly value: SwitchValue;
  readonly programmeId: string;
  readonly pointIndex: number;
  readonly night: LocalDate;
}

export interface TransitionPlan {
  readonly transitions: readonly Transition[];
  /** Points (or nights) of the nights touched by the range that do not run, and why. */
  readonly skipped: readonly SkippedPoint[];
}

/**
 * How many nights `stateAt` (and the de-duplication at the start of a range) look back for the last switching:
 * a programme has at least one point, so only nights whose programme is unknown can leave a night without one.
 */
export const LOOKBACK_NIGHTS = 31;

/**
 * The transitions of `schedule` at `site` in `[from, to)`, in time order. Each is a real change: a point setting
 * the value already in force (including the value in force just before `from`) is left out. Several points at the
 * same instant never happen: the later-listed one wins (see `resolveNight`).
 */
export function planTransitions(
  schedule: Schedule,
  site: SunSite,
  from: Date,
  to: Date,
  context: ScheduleContext = {},
): TransitionPlan {
  const engine = new NightEngine(schedule, site, context);
  const firstNight = engine.nightOf(from);
  const lastNight = to.getTime() > from.getTime() ? engine.nightOf(new Date(to.getTime() - 1)) : firstNight;
  let inForce = engine.lastBefore(from.getTime(), firstNight)?.value;
  const transitions: Transition[] = [];
  const skipped: SkippedPoint[] = [];
  for (let night = firstNight; compareLocalDates(night, lastNight) <= 0; night = addDays(night, 1)) {
    const resolved = engine.night(night);
    skipped.push(...resolved.skipped);
    for (const transition of resolved.transitions) {
      const ms = transition.at.getTime();
      if (ms < from.getTime() || ms >= to.getTime()) {
        if (ms < from.getTime()) {
          inForce = transition.value;
        }
        continue;
      }
      if (transition.value !== inForce) {
        transitions.push(transition);
        inForce = transition.value;
      }
    }
  }
  return { transitions, skipped };
}

/** `planTransitions(...).transitions`. */
export function transitions(
  schedule: Schedule,
  site: SunSite,
  from: Date,
  to: Date,
  context: ScheduleContext = {},
): readonly Transition[] {
  return planTransitions(schedule, site, from, to, context).transitions;
}

/**
 * The transition in force at `t` (its `value` is the state): the last change at or before `t`, as `transitions`
 * would have reported it; `null` when nothing switched within `LOOKBACK_NIGHTS` nights.
 */
export function stateAt(schedule: Schedule, site: SunSite, t: Date, context: ScheduleContext = {}): Transition | null {
  const engine = new NightEngine(schedule, site, context);
  return engine.lastBefore(t.getTime() + 1, engine.nightOf(t));
}

/** Nights of one schedule at one site, resolved once each. */
class NightEngine {
  private readonly sun: SunLookup;
  private readonly nights = new Map<string, { transitions: Transition[]; skipped: readonly SkippedPoint[] }>();

  constructor(
    private readonly schedule: Schedule,
    private readonly site: SunSite,
    private readonly context: ScheduleContext,
  ) {
    this.sun = sunLookup(site, context.horizon ?? 'usno');
  }

  /** The night (by its date D) that `instant` belongs to: D 12:00 ≤ instant < D+1 12:00 local. */
  nightOf(instant: Date): LocalDate {
    return nightOf(instant, this.site.timeZone);
  }

  night(night: LocalDate): { transitions: Transition[]; skipped: readonly SkippedPoint[] } {
    const key = formatLocalDate(night);
    const cached = this.nights.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const resolved = this.resolve(night);
    this.nights.set(key, resolved);
    return resolved;
  }

  /** The start of the run of equal values in force just before `beforeMs`, looking back from `night`. */
  lastBefore(beforeMs: number, night: LocalDate): Transition | null {
    let found: Transition | null = null;
    for (let back = 0; back <= LOOKBACK_NIGHTS; back++) {
      const events = this.night(addDays(night, -back)).transitions;
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i];
        if (event === undefined || event.at.getTime() >= beforeMs) {
          continue;
        }
        if (found !== null && event.value !== found.value) {
          return found;
        }
        found = event;
      }
    }
    return found;
  }

  private resolve(night: LocalDate): { transitions: Transition[]; skipped: readonly SkippedPoint[] } {
    const choice = programmeFor(this.schedule.calendar, night, this.context);
    if (!('programmeId' in choice)) {
      return {
        transitions: [],
        skipped: [
          {
            night,
            programmeId: null,
            pointIndex: null,
            reason: 'programmeUnknown',
            message: `night of ${formatLocalDate(night)}: programme unknown (${choice.unknown}); nothing switches`,
          },
        ],
      };
    }
    const { programmeId } = choice;
    const programme = this.schedule.programmes[programmeId];
    if (programme === undefined) {
      throw new ScheduleException(
        ScheduleExceptionCode.MismatchedInputs,
        `the calendar chose programme "${programmeId}" for ${formatLocalDate(night)}, which the schedule lacks`,
      );
    }
    const resolved: ResolvedNight = resolveNight(programme, programmeId, night, this.site.timeZone, this.sun);
    return {
      transitions: resolved.points.map((point) => ({
        at: point.at,
        value: point.value,
        programmeId,
        pointIndex: point.pointIndex,
        night,
      })),
      skipped: resolved.skipped,
    };
  }
}

/** The `calendar` + `programmes` document shape, its switch points setting values `valueSchema` validates. */
export function scheduleShapeFor(valueSchema: z.ZodType<SwitchValue>) {
  return {
    calendar: calendarSchema,
    programmes: z.record(identifier, programmeSchemaFor(valueSchema)),
  };
}

/** Every programme the calendar names exists. */
export function checkProgrammeReferences(schedule: Schedule, ctx: z.core.$RefinementCtx): void {
  const check = (programmeId: string, path: (string | number)[]): void => {
    if (!Object.hasOwn(schedule.programmes, programmeId)) {
      ctx.addIssue({ code: 'custom', message: `no programme "${programmeId}" in "programmes"`, path });
    }
  };
  check(schedule.calendar.defaultProgrammeId, ['calendar', 'defaultProgrammeId']);
  for (const [index, rule] of schedule.calendar.rules.entries()) {
    check(rule.programmeId, ['calendar', 'rules', index, 'programmeId']);
  }
}

/** A lighting schedule document. */
export const scheduleSchema = z
  .object(scheduleShapeFor(lightingValueSchema))
  .strict()
  .superRefine(checkProgrammeReferences) satisfies z.ZodType<Schedule>;

/** Validates a schedule document; throws a `DocumentException` naming `source` and each problem's path. */
export function parseSchedule(input: unknown, source: string): Schedule {
  return validateDocument(scheduleSchema, input, source);
}
