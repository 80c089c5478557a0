import type { CalendarRule } from '../calendar/calendar';
import { formatTimeOfDay } from '../programme/programme';
import { formatLocalDate } from '../time/local-date';
import type { BellEvent, BellSchedule, BellStep } from './bell-schedule';

/** A bell schedule written back as the document of a schedule file (`parseBellSchedule` reads it unchanged). */
export interface BellScheduleDocument {
  readonly sequences: Record<string, { name?: string; steps: Record<string, unknown>[] }>;
  readonly calendar: { defaultProgrammeId: string; rules: Record<string, unknown>[] };
  readonly programmes: Record<string, { rings: Record<string, unknown>[] }>;
  readonly events: { date: string; at: string; sequence: string; name?: string }[];
}

/**
 * The document of a bell schedule, as a schedule file would hold it: times as `HH:MM`, dates as `YYYY-MM-DD`,
 * durations in milliseconds. A gateway reports the schedules of its config parsed; this gives central the document
 * it can put back in the gateway's desired state with one change (a one-off event added).
 */
export function bellScheduleDocument(schedule: BellSchedule): BellScheduleDocument {
  return {
    sequences: Object.fromEntries(
      Object.entries(schedule.sequences).map(([id, sequence]) => [
        id,
        { ...(sequence.name === undefined ? {} : { name: sequence.name }), steps: sequence.steps.map(stepDocument) },
      ]),
    ),
    calendar: {
      defaultProgrammeId: schedule.calendar.defaultProgrammeId,
      rules: schedule.calendar.rules.map(ruleDocument),
    },
    programmes: Object.fromEntries(
      Object.entries(schedule.programmes).map(([id, programme]) => [
        id,
        {
          rings: programme.rings.map((ring) =>
            'at' in ring
              ? { at: formatTimeOfDay(ring.at), sequence: ring.sequence }
              : {
                  every: ring.everyMinutes,
                  from: formatTimeOfDay(ring.from),
                  to: formatTimeOfDay(ring.to),
                  sequence: ring.sequence,
                },
          ),
        },
      ]),
    ),
    events: schedule.events.map(eventDocument),
  };
}

/** A one-off event as a schedule file writes it. */
export function eventDocument(event: BellEvent): BellScheduleDocument['events'][number] {
  return {
    date: formatLocalDate(event.date),
    at: formatTimeOfDay(event.at),
    sequence: event.sequence,
    ...(event.name === undefined ? {} : { name: event.name }),
  };
}

function stepDocument(step: BellStep): Record<string, unknown> {
  if ('strike' in step) return { strike: step.strike, count: step.count, interval: step.intervalMs };
  if ('swing' in step) return { swing: [...step.swing], duration: step.durationMs };
  return { pause: step.pauseMs };
}

function ruleDocument(rule: CalendarRule): Record<string, unknown> {
  if (rule.kind === 'dateRange') return { ...rule, from: formatLocalDate(rule.from), to: formatLocalDate(rule.to) };
  if (rule.kind === 'dates') return { ...rule, dates: rule.dates.map(formatLocalDate) };
  return { ...rule };
}
