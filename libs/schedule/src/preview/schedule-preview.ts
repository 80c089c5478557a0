import type { BellSchedule } from '../bells/bell-schedule';
import { planRings, ringActions, type Ring } from '../bells/bell-plan';
import { programmeFor } from '../calendar/calendar';
import type { HeatingSchedule } from '../heating/heating-schedule';
import { describePoint, nightStart, type SwitchValue } from '../programme/programme';
import { planTransitions, type Schedule, type ScheduleContext } from '../programme/schedule';
import { formatLocalDate, type LocalDate } from '../time/local-date';
import { formatIsoWithOffset, localDaySpan } from '../time/zoned-time';
import type { SunSite } from '../sun/sun';

/** A schedule document with its kind. */
export type ScheduleDocumentOfKind =
  | { readonly kind: 'lighting'; readonly schedule: Schedule }
  | { readonly kind: 'heating'; readonly schedule: HeatingSchedule }
  | { readonly kind: 'bells'; readonly schedule: BellSchedule };

export type ScheduleKind = ScheduleDocumentOfKind['kind'];

/** The calendar rule that chose a night's (or day's) programme; `null`: the default programme. */
export type PreviewRule = { readonly index: number; readonly kind: string | null } | null;

interface PreviewRange {
  readonly timeZone: string;
  /** The range's bounds in the site's local time, with its offset. */
  readonly from: string;
  readonly to: string;
}

export interface PreviewTransition {
  readonly at: string;
  readonly local: string;
  readonly value: SwitchValue;
  /** Heating: the temperature the level asks for, °C. */
  readonly setpoint?: number;
  readonly night: string;
  readonly cause: {
    readonly programmeId: string;
    readonly pointIndex: number;
    readonly point: string | null;
    readonly rule: PreviewRule;
  };
}

export interface PreviewRing {
  readonly at: string;
  readonly local: string;
  readonly sequence: string;
  /** Hammer strikes the ring gives, all bells together (`count: hour` counted at the ring's hour). */
  readonly strikes: number;
  readonly day: string;
  readonly cause:
    | { readonly event: number; readonly name: string | null }
    | { readonly programmeId: string; readonly ringIndex: number; readonly rule: PreviewRule };
}

export type SchedulePreview =
  | (PreviewRange & {
      readonly kind: 'lighting' | 'heating';
      readonly transitions: readonly PreviewTransition[];
      readonly skipped: readonly {
        readonly night: string;
        readonly programmeId: string | null;
        readonly pointIndex: number | null;
        readonly reason: string;
        readonly message: string;
      }[];
    })
  | (PreviewRange & {
      readonly kind: 'bells';
      readonly rings: readonly PreviewRing[];
      readonly skipped: readonly { readonly day: string; readonly message: string }[];
    });

/**
 * Where a preview of `date` starts: the night's start (12:00 local) for lighting and heating, whose days run noon to
 * noon, the day's start (00:00 local) for bells.
 */
export function previewPeriodStart(kind: ScheduleKind, date: LocalDate, timeZone: string): Date {
  return kind === 'bells' ? localDaySpan(date, timeZone).start : nightStart(date, timeZone);
}

/**
 * What a schedule does at `site` in `[from, to)`, as the gateway's engine plans it: each lighting or heating
 * transition (with the heating level's setpoint) or each bell ring (with its strikes), at its instant and in the
 * site's local time, with its cause — the programme and point or ring, and the calendar rule that chose it, or the
 * one-off event — and what does not run, and why. Central's preview and the `beffroi schedule preview` command.
 */
export function previewSchedule(
  document: ScheduleDocumentOfKind,
  site: SunSite,
  from: Date,
  to: Date,
  context: ScheduleContext,
): SchedulePreview {
  const { timeZone } = site;
  const range = { timeZone, from: formatIsoWithOffset(from, timeZone), to: formatIsoWithOffset(to, timeZone) };
  if (document.kind === 'bells') {
    const { schedule } = document;
    const plan = planRings(schedule, timeZone, from, to, context);
    return {
      kind: 'bells',
      ...range,
      rings: plan.rings.map((ring) => ({
        at: ring.at.toISOString(),
        local: formatIsoWithOffset(ring.at, timeZone),
        sequence: ring.sequenceId,
        strikes: strikesOf(schedule, ring),
        day: formatLocalDate(ring.date),
        cause:
          ring.source.kind === 'event'
            ? { event: ring.source.eventIndex, name: ring.source.name }
            : {
                programmeId: ring.source.programmeId,
                ringIndex: ring.source.ringIndex,
                rule: ruleOf(schedule, ring.date, context),
              },
      })),
      skipped: plan.skipped.map((day) => ({ day: formatLocalDate(day.date), message: day.message })),
    };
  }
  const { schedule } = document;
  const setpoints = document.kind === 'heating' ? document.schedule.setpoints : undefined;
  const plan = planTransitions(schedule, site, from, to, context);
  return {
    kind: document.kind,
    ...range,
    transitions: plan.transitions.map((transition) => {
      const point = schedule.programmes[transition.programmeId]?.points[transition.pointIndex];
      const setpoint =
        setpoints !== undefined && typeof transition.value === 'string' ? setpoints[transition.value] : undefined;
      return {
        at: transition.at.toISOString(),
        local: formatIsoWithOffset(transition.at, timeZone),
        value: transition.value,
        ...(setpoint === undefined ? {} : { setpoint }),
        night: formatLocalDate(transition.night),
        cause: {
          programmeId: transition.programmeId,
          pointIndex: transition.pointIndex,
          point: point === undefined ? null : describePoint(point),
          rule: ruleOf(schedule, transition.night, context),
        },
      };
    }),
    skipped: plan.skipped.map((skipped) => ({
      night: formatLocalDate(skipped.night),
      programmeId: skipped.programmeId,
      pointIndex: skipped.pointIndex,
      reason: skipped.reason,
      message: skipped.message,
    })),
  };
}

function strikesOf(schedule: BellSchedule, ring: Ring): number {
  const sequence = schedule.sequences[ring.sequenceId];
  return sequence === undefined ? 0 : ringActions(sequence, ring).filter((action) => action.action === 'strike').length;
}

function ruleOf(schedule: Schedule | BellSchedule, date: LocalDate, context: ScheduleContext): PreviewRule {
  const { ruleIndex } = programmeFor(schedule.calendar, date, context);
  return ruleIndex === null ? null : { index: ruleIndex, kind: schedule.calendar.rules[ruleIndex]?.kind ?? null };
}
