import type { SunSite } from '../sun/sun';
import { addDays, type LocalDate } from '../time/local-date';
import { formatIsoWithOffset, localDateOf } from '../time/zoned-time';
import { FindingCollector, type LintFinding, lintSchedule } from '../programme/lint';
import { type HeatingLevel, nightStart } from '../programme/programme';
import { planTransitions, type ScheduleContext, stateAt } from '../programme/schedule';
import { HEATING_LIMITS, type HeatingSchedule } from './heating-schedule';

const MS_PER_HOUR = 3_600_000;

/**
 * Checks a heating schedule over the days `firstDay`..`lastDay` (noon to noon): what `lintSchedule` checks (DST
 * gaps and overlaps, undecidable days), setpoints above the French limits (comfort 19 °C, eco 16 °C, frost 8 °C),
 * and unoccupied stretches of 48 h or more held above 8 °C. These are warnings: the limits are the law's, the
 * decision stays the commune's.
 */
export function lintHeatingSchedule(
  schedule: HeatingSchedule,
  site: SunSite,
  firstDay: LocalDate,
  lastDay: LocalDate,
  context: ScheduleContext = {},
): LintFinding[] {
  const findings: LintFinding[] = lintSchedule(schedule, site, firstDay, lastDay, context);
  const { setpoints } = schedule;
  const limits: Record<HeatingLevel, { max: number; when: string }> = {
    comfort: { max: HEATING_LIMITS.occupiedMaxCelsius, when: 'while occupied' },
    eco: { max: HEATING_LIMITS.unoccupiedMaxCelsius, when: 'unoccupied 24 to 48 h' },
    frost: { max: HEATING_LIMITS.longAbsenceMaxCelsius, when: 'unoccupied beyond 48 h' },
  };
  for (const level of ['comfort', 'eco', 'frost'] as const) {
    const { max, when } = limits[level];
    if (setpoints[level] > max) {
      findings.push({
        severity: 'warning',
        code: 'setpointAboveLimit',
        programmeId: null,
        pointIndex: null,
        nights: [],
        message: `setpoints.${level} is ${setpoints[level]} °C, above the ${max} °C limit ${when}`,
      });
    }
  }

  const { timeZone } = site;
  const from = nightStart(firstDay, timeZone);
  const to = nightStart(addDays(lastDay, 1), timeZone);
  const { transitions } = planTransitions(schedule, site, from, to, context);
  const longAbsences = new FindingCollector();
  // A stretch already running at `from` is counted from there: its earlier length is outside the checked range.
  const initial = stateAt(schedule, site, from, context);
  const segments = initial === null ? transitions : [{ ...initial, at: from }, ...transitions];
  const limitMs = HEATING_LIMITS.longAbsenceHours * MS_PER_HOUR;
  let unoccupiedSinceMs: number | null = null;
  segments.forEach((segment, index) => {
    const level = segment.value as HeatingLevel;
    const startMs = segment.at.getTime();
    if (level === 'comfort') {
      unoccupiedSinceMs = null;
      return;
    }
    unoccupiedSinceMs ??= startMs;
    const endMs = segments[index + 1]?.at.getTime() ?? to.getTime();
    const beyondMs = unoccupiedSinceMs + limitMs;
    if (endMs > beyondMs && setpoints[level] > HEATING_LIMITS.longAbsenceMaxCelsius) {
      const since = new Date(unoccupiedSinceMs);
      const at = new Date(Math.max(startMs, beyondMs));
      longAbsences.add(
        'warning',
        'longAbsenceAboveFrost',
        segment.programmeId,
        segment.pointIndex,
        localDateOf(at, timeZone),
        () =>
          `${level} (${setpoints[level]} °C) still in force at ${formatIsoWithOffset(at, timeZone)}, unoccupied since ` +
          `${formatIsoWithOffset(since, timeZone)}: beyond ${HEATING_LIMITS.longAbsenceHours} h the limit is ` +
          `${HEATING_LIMITS.longAbsenceMaxCelsius} °C (use frost)`,
      );
    }
  });
  return [...findings, ...longAbsences.list()];
}
