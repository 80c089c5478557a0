import type { SunSite } from '../sun/sun';
import { addDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time/local-date';
import { formatIsoWithOffset } from '../time/zoned-time';
import {
  describePoint,
  formatTimeOfDay,
  isOn,
  nightStart,
  resolveNightTime,
  type SkippedPoint,
  sunLookup,
} from './programme';
import { planTransitions, type Schedule, type ScheduleContext } from './schedule';

export type LintSeverity = 'error' | 'warning' | 'info';

export type LintCode =
  /** An "on" falls after the night's sunrise or after a later-listed "off": it would light in daylight. */
  | 'onAfterSunrise'
  /** A point is overtaken by a later-listed point on some nights (not an "on"). */
  | 'overtaken'
  | 'shortBurn'
  | 'dstGap'
  | 'dstOverlap'
  | 'noSunEvent'
  | 'outsideNight'
  | 'programmeUnknown'
  /** Heating: a setpoint above the legal limit of its level. */
  | 'setpointAboveLimit'
  /** Heating: unoccupied 48 h or more above the 8 °C frost-protection limit. */
  | 'longAbsenceAboveFrost'
  /** Bells: a ring starts before the previous one has finished. */
  | 'bellOverlap'
  /** Bells: a sequence strikes a bell while it swings, or swings more bells at once than the edge allows. */
  | 'bellInterlock';

/** One problem, with every night of the range checked where it shows (dates are the nights' dates D). */
export interface LintFinding {
  readonly severity: LintSeverity;
  readonly code: LintCode;
  /** The programme (for `bellInterlock`, the ring sequence) at fault; null for the schedule as a whole. */
  readonly programmeId: string | null;
  /** Its switch point, ring, step or one-off event index. */
  readonly pointIndex: number | null;
  readonly nights: readonly LocalDate[];
  readonly message: string;
}

export interface LintOptions {
  /** Shortest acceptable on-period, minutes (default 10). */
  readonly minBurnMinutes?: number | undefined;
}

const DEFAULT_MIN_BURN_MINUTES = 10;
const MS_PER_MINUTE = 60_000;

/**
 * Checks `schedule` at `site` over the nights `firstNight`..`lastNight` (both included; a night D runs from D 12:00
 * to D+1 12:00): ons dropped or lit after sunrise, on-periods shorter than the minimum burn time, fixed times in a
 * DST gap or overlap, sun events that do not happen, undecidable calendar days.
 */
export function lintSchedule(
  schedule: Schedule,
  site: SunSite,
  firstNight: LocalDate,
  lastNight: LocalDate,
  context: ScheduleContext = {},
  options: LintOptions = {},
): LintFinding[] {
  const minBurnMs = (options.minBurnMinutes ?? DEFAULT_MIN_BURN_MINUTES) * MS_PER_MINUTE;
  const { timeZone } = site;
  const from = nightStart(firstNight, timeZone);
  const to = nightStart(addDays(lastNight, 1), timeZone);
  const plan = planTransitions(schedule, site, from, to, context);
  const findings = new FindingCollector();

  for (const skipped of plan.skipped) {
    collectSkipped(findings, schedule, skipped, timeZone);
  }

  // Ons that start after that night's sunrise (on D+1), and on-periods shorter than the minimum burn.
  const sun = sunLookup(site, context.horizon ?? 'usno');
  for (const [index, transition] of plan.transitions.entries()) {
    if (!isOn(transition.value)) {
      continue;
    }
    const point = schedule.programmes[transition.programmeId]?.points[transition.pointIndex];
    const sunrise = sun(addDays(transition.night, 1)).sunriseMs;
    if (sunrise !== null && transition.at.getTime() >= sunrise) {
      findings.add(
        'warning',
        'onAfterSunrise',
        transition.programmeId,
        transition.pointIndex,
        transition.night,
        () =>
          `${transition.programmeId} point ${transition.pointIndex} (${point === undefined ? '?' : describePoint(point)}) ` +
          `switches on after sunrise, in daylight`,
      );
    }
    const next = plan.transitions.slice(index + 1).find((later) => isOn(later.value) !== isOn(transition.value));
    if (next !== undefined && next.at.getTime() - transition.at.getTime() < minBurnMs) {
      const minutes = (next.at.getTime() - transition.at.getTime()) / MS_PER_MINUTE;
      findings.add(
        'warning',
        'shortBurn',
        transition.programmeId,
        transition.pointIndex,
        transition.night,
        () =>
          `${transition.programmeId} point ${transition.pointIndex} (${point === undefined ? '?' : describePoint(point)}) ` +
          `starts an on-period shorter than ${minBurnMs / MS_PER_MINUTE} min (${formatMinutes(minutes)} min first)`,
      );
    }
  }

  // Fixed times in a DST gap or overlap, on any night of the range, for every programme (chosen that night or not).
  for (let night = firstNight; compareLocalDates(night, lastNight) <= 0; night = addDays(night, 1)) {
    for (const [programmeId, programme] of Object.entries(schedule.programmes)) {
      for (const [pointIndex, point] of programme.points.entries()) {
        if (!('at' in point)) {
          continue;
        }
        const resolved = resolveNightTime(night, point.at, timeZone);
        if (resolved.adjustment === 'gap') {
          findings.add(
            'warning',
            'dstGap',
            programmeId,
            pointIndex,
            night,
            () =>
              `${programmeId} point ${pointIndex} at ${formatTimeOfDay(point.at)} falls in the spring-forward gap ` +
              `(does not exist): it runs at ${formatIsoWithOffset(resolved.instant, timeZone)}`,
          );
        } else if (resolved.adjustment === 'overlap') {
          findings.add(
            'info',
            'dstOverlap',
            programmeId,
            pointIndex,
            night,
            () =>
              `${programmeId} point ${pointIndex} at ${formatTimeOfDay(point.at)} falls in the fall-back overlap ` +
              `(happens twice): it runs once, at ${formatIsoWithOffset(resolved.instant, timeZone)}`,
          );
        }
      }
    }
  }
  return findings.list();
}

function collectSkipped(findings: FindingCollector, schedule: Schedule, skipped: SkippedPoint, timeZone: string) {
  const { programmeId, pointIndex, night } = skipped;
  const point =
    programmeId === null || pointIndex === null ? undefined : schedule.programmes[programmeId]?.points[pointIndex];
  const described = point === undefined ? '' : ` (${describePoint(point)})`;
  switch (skipped.reason) {
    case 'overtaken': {
      const by =
        skipped.overtakenBy === undefined
          ? undefined
          : schedule.programmes[programmeId ?? '']?.points[skipped.overtakenBy];
      const byText =
        by === undefined
          ? `point ${skipped.overtakenBy ?? '?'}`
          : `point ${skipped.overtakenBy ?? '?'} (${describePoint(by)})`;
      if (point !== undefined && isOn(point.value)) {
        findings.add(
          'warning',
          'onAfterSunrise',
          programmeId,
          pointIndex,
          night,
          () =>
            `${programmeId ?? '?'} point ${pointIndex ?? '?'}${described} switches on at or after ${byText}, ` +
            `listed after it (e.g. a fixed "on" after sunrise): the engine drops it so the lights do not stay on all day`,
        );
      } else {
        findings.add(
          'warning',
          'overtaken',
          programmeId,
          pointIndex,
          night,
          () =>
            `${programmeId ?? '?'} point ${pointIndex ?? '?'}${described} falls at or after ${byText}, listed after it: ` +
            `the engine drops it`,
        );
      }
      return;
    }
    case 'noSunEvent':
      findings.add(
        'warning',
        'noSunEvent',
        programmeId,
        pointIndex,
        night,
        () =>
          `${programmeId ?? '?'} point ${pointIndex ?? '?'}${described}: the sun event does not happen; the point is skipped`,
      );
      return;
    case 'outsideNight':
      findings.add(
        'warning',
        'outsideNight',
        programmeId,
        pointIndex,
        night,
        () =>
          `${programmeId ?? '?'} point ${pointIndex ?? '?'}${described} falls outside its noon-to-noon night in ` +
          `${timeZone}; the point is skipped`,
      );
      return;
    case 'programmeUnknown':
      findings.add('error', 'programmeUnknown', null, null, night, () => skipped.message);
      return;
  }
}

function formatMinutes(minutes: number): string {
  return String(Math.round(minutes * 10) / 10);
}

/** Groups findings by (code, programme, point), collecting the nights; the message is built once, then dated. */
export class FindingCollector {
  private readonly groups = new Map<
    string,
    {
      severity: LintSeverity;
      code: LintCode;
      programmeId: string | null;
      pointIndex: number | null;
      nights: LocalDate[];
      message: string;
    }
  >();

  add(
    severity: LintSeverity,
    code: LintCode,
    programmeId: string | null,
    pointIndex: number | null,
    night: LocalDate,
    message: () => string,
  ): void {
    const key = `${code}|${programmeId ?? ''}|${pointIndex ?? ''}`;
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, { severity, code, programmeId, pointIndex, nights: [night], message: message() });
    } else if (!group.nights.some((seen) => compareLocalDates(seen, night) === 0)) {
      group.nights.push(night);
    }
  }

  list(): LintFinding[] {
    return [...this.groups.values()].map((group) => ({
      severity: group.severity,
      code: group.code,
      programmeId: group.programmeId,
      pointIndex: group.pointIndex,
      nights: group.nights,
      message: `${group.message}; ${describeNights(group.nights)}`,
    }));
  }
}

function describeNights(nights: readonly LocalDate[]): string {
  const sorted = [...nights].sort(compareLocalDates);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) {
    return 'no night';
  }
  if (sorted.length === 1) {
    return `night of ${formatLocalDate(first)}`;
  }
  const shown =
    sorted.length <= 5
      ? sorted.map(formatLocalDate).join(', ')
      : `${formatLocalDate(first)} … ${formatLocalDate(last)}`;
  return `${sorted.length} nights: ${shown}`;
}
