import { programmeFor } from '../calendar/calendar';
import type { TimeOfDay } from '../programme/programme';
import type { ScheduleContext } from '../programme/schedule';
import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import { addDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time/local-date';
import { type DstAdjustment, localDateOf, localHourOf, resolveLocalTime } from '../time/zoned-time';
import type { BellSchedule, BellStep, RingSequence } from './bell-schedule';

const MS_PER_MINUTE = 60_000;

/** Where a ring comes from: a day's programme (ring `ringIndex` of it) or a one-off event. */
export type RingSource =
  | { readonly kind: 'programme'; readonly programmeId: string; readonly ringIndex: number }
  | { readonly kind: 'event'; readonly eventIndex: number; readonly name: string | null };

/** One ring of a sequence at an instant. `key` identifies it for good: the gateway never rings a key twice. */
export interface Ring {
  readonly key: string;
  readonly at: Date;
  readonly sequenceId: string;
  /** The ring's wall-clock hour on a 12-hour dial (1..12), for `count: hour` strikes. */
  readonly dialHour: number;
  readonly source: RingSource;
  readonly date: LocalDate;
  readonly adjustment: DstAdjustment;
}

/** A day whose programme the calendar cannot decide (school holidays beyond the data): nothing rings. */
export interface SkippedDay {
  readonly date: LocalDate;
  readonly message: string;
}

export interface RingPlan {
  readonly rings: readonly Ring[];
  readonly skipped: readonly SkippedDay[];
}

/** A relay action of a ring: a hammer strike (a pulse), a swing relay closing or opening. */
export interface BellAction {
  readonly at: Date;
  readonly bell: number;
  readonly action: 'strike' | 'swingStart' | 'swingStop';
}

export function ringKey(at: Date, sequenceId: string): string {
  return `${at.toISOString()}/${sequenceId}`;
}

/**
 * The rings of `schedule` at a site in `timeZone` starting in `[from, to)`, in time order. Fixed times follow the DST
 * policy (a time in the spring-forward gap rings at the end of the gap, one in the fall-back overlap once, at its
 * first occurrence); `every` rings step in elapsed time, so a 23 h day has 4 quarter-hours fewer than a 24 h day and a
 * 25 h day 4 more. Two rings of the same sequence at the same instant ring once.
 */
export function planRings(
  schedule: BellSchedule,
  timeZone: string,
  from: Date,
  to: Date,
  context: ScheduleContext = {},
): RingPlan {
  const rings = new Map<string, Ring>();
  const skipped: SkippedDay[] = [];
  const add = (at: Date, sequenceId: string, source: RingSource, date: LocalDate, adjustment: DstAdjustment): void => {
    if (at.getTime() < from.getTime() || at.getTime() >= to.getTime()) {
      return;
    }
    const key = ringKey(at, sequenceId);
    if (!rings.has(key)) {
      const hour = localHourOf(at, timeZone) % 12;
      rings.set(key, { key, at, sequenceId, dialHour: hour === 0 ? 12 : hour, source, date, adjustment });
    }
  };
  if (to.getTime() <= from.getTime()) {
    return { rings: [], skipped };
  }
  const lastDate = localDateOf(new Date(to.getTime() - 1), timeZone);
  for (let date = localDateOf(from, timeZone); compareLocalDates(date, lastDate) <= 0; date = addDays(date, 1)) {
    const choice = programmeFor(schedule.calendar, date, context);
    if (!('programmeId' in choice)) {
      skipped.push({
        date,
        message: `${formatLocalDate(date)}: programme unknown (${choice.unknown}); no bell rings that day`,
      });
    } else {
      const programme = schedule.programmes[choice.programmeId];
      if (programme === undefined) {
        throw new ScheduleException(
          ScheduleExceptionCode.MismatchedInputs,
          `the calendar chose programme "${choice.programmeId}" for ${formatLocalDate(date)}, which the schedule lacks`,
        );
      }
      programme.rings.forEach((ring, ringIndex) => {
        const source: RingSource = { kind: 'programme', programmeId: choice.programmeId, ringIndex };
        if ('at' in ring) {
          const resolved = resolve(date, ring.at, timeZone);
          add(resolved.instant, ring.sequence, source, date, resolved.adjustment);
          return;
        }
        const start = resolve(date, ring.from, timeZone).instant.getTime();
        const end = resolve(date, ring.to, timeZone).instant.getTime();
        for (let ms = start; ms <= end; ms += ring.everyMinutes * MS_PER_MINUTE) {
          add(new Date(ms), ring.sequence, source, date, 'none');
        }
      });
    }
    schedule.events.forEach((event, eventIndex) => {
      if (compareLocalDates(event.date, date) === 0) {
        const resolved = resolve(date, event.at, timeZone);
        const source: RingSource = { kind: 'event', eventIndex, name: event.name ?? null };
        add(resolved.instant, event.sequence, source, date, resolved.adjustment);
      }
    });
  }
  const ordered = [...rings.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
  return { rings: ordered, skipped };
}

/** How long `sequence` rings when started at an hour whose dial reads `dialHour`. */
export function sequenceDurationMs(sequence: RingSequence, dialHour: number): number {
  return sequence.steps.reduce((total, step) => total + stepDurationMs(step, dialHour), 0);
}

/**
 * The relay actions of `ring`: each strike at its offset, each swing's start and stop. Steps run one after the
 * other; a strike step lasts `count × interval` (the last blow rings out for one interval).
 */
export function ringActions(sequence: RingSequence, ring: Pick<Ring, 'at' | 'dialHour'>): BellAction[] {
  const actions: BellAction[] = [];
  let offset = ring.at.getTime();
  for (const step of sequence.steps) {
    if ('strike' in step) {
      const count = step.count === 'hour' ? ring.dialHour : step.count;
      for (let blow = 0; blow < count; blow++) {
        actions.push({ at: new Date(offset + blow * step.intervalMs), bell: step.strike, action: 'strike' });
      }
    } else if ('swing' in step) {
      for (const bell of step.swing) {
        actions.push({ at: new Date(offset), bell, action: 'swingStart' });
      }
      for (const bell of step.swing) {
        actions.push({ at: new Date(offset + step.durationMs), bell, action: 'swingStop' });
      }
    }
    offset += stepDurationMs(step, ring.dialHour);
  }
  return actions;
}

function stepDurationMs(step: BellStep, dialHour: number): number {
  if ('strike' in step) {
    return (step.count === 'hour' ? dialHour : step.count) * step.intervalMs;
  }
  if ('swing' in step) {
    return step.durationMs;
  }
  return step.pauseMs;
}

function resolve(date: LocalDate, time: TimeOfDay, timeZone: string) {
  return resolveLocalTime(date, time.hour, time.minute, 0, timeZone);
}

/** `07:00 angelus`, for messages. */
export function describeRing(ring: Ring): string {
  const source =
    ring.source.kind === 'event'
      ? `event ${ring.source.eventIndex}${ring.source.name === null ? '' : ` (${ring.source.name})`}`
      : `${ring.source.programmeId} ring ${ring.source.ringIndex}`;
  return `${ring.sequenceId} from ${source}`;
}
