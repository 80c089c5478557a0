import { FindingCollector, type LintFinding } from '../programme/lint';
import { formatTimeOfDay } from '../programme/programme';
import type { ScheduleContext } from '../programme/schedule';
import { addDays, type LocalDate } from '../time/local-date';
import { formatIsoWithOffset, localDaySpan } from '../time/zoned-time';
import { describeRing, planRings, sequenceDurationMs } from './bell-plan';
import type { BellSchedule } from './bell-schedule';

export interface BellLintOptions {
  /** Bells the belfry lets swing at once (the edge refuses more); default 2. */
  readonly maxSwinging?: number | undefined;
}

const DEFAULT_MAX_SWINGING = 2;

/**
 * Checks a bell schedule over the days `firstDay`..`lastDay`: rings that start before the previous one has finished
 * (the edge would refuse the hammer of a bell still swinging), sequences that swing more bells at once than the
 * belfry allows, ring times in a DST gap or overlap, days the calendar cannot decide.
 */
export function lintBellSchedule(
  schedule: BellSchedule,
  timeZone: string,
  firstDay: LocalDate,
  lastDay: LocalDate,
  context: ScheduleContext = {},
  options: BellLintOptions = {},
): LintFinding[] {
  const maxSwinging = options.maxSwinging ?? DEFAULT_MAX_SWINGING;
  const findings = new FindingCollector();
  for (const [sequenceId, sequence] of Object.entries(schedule.sequences)) {
    sequence.steps.forEach((step, stepIndex) => {
      if ('swing' in step && new Set(step.swing).size > maxSwinging) {
        findings.add(
          'error',
          'bellInterlock',
          sequenceId,
          stepIndex,
          firstDay,
          () =>
            `sequence ${sequenceId} step ${stepIndex} swings ${new Set(step.swing).size} bells at once; the belfry ` +
            `allows ${maxSwinging}: the edge will refuse the extra bells`,
        );
      }
    });
  }
  const from = localDaySpan(firstDay, timeZone).start;
  const to = localDaySpan(addDays(lastDay, 1), timeZone).start;
  const plan = planRings(schedule, timeZone, from, to, context);
  for (const day of plan.skipped) {
    findings.add('error', 'programmeUnknown', null, null, day.date, () => day.message);
  }
  let busyUntil: { ms: number; ring: (typeof plan.rings)[number] } | null = null;
  for (const ring of plan.rings) {
    const programmeId = ring.source.kind === 'programme' ? ring.source.programmeId : null;
    const index = ring.source.kind === 'programme' ? ring.source.ringIndex : ring.source.eventIndex;
    if (busyUntil !== null && ring.at.getTime() < busyUntil.ms) {
      const previous = busyUntil.ring;
      findings.add(
        'warning',
        'bellOverlap',
        programmeId,
        index,
        ring.date,
        () =>
          `${describeRing(ring)} at ${formatIsoWithOffset(ring.at, timeZone)} starts before ${describeRing(previous)} ` +
          `has finished: the edge waits for the bells to stop and may refuse the hammer of a swinging bell`,
      );
    }
    if (ring.adjustment !== 'none' && ring.source.kind === 'programme') {
      const programme = schedule.programmes[ring.source.programmeId];
      const planned = programme?.rings[ring.source.ringIndex];
      const time = planned !== undefined && 'at' in planned ? formatTimeOfDay(planned.at) : '?';
      findings.add(
        ring.adjustment === 'gap' ? 'warning' : 'info',
        ring.adjustment === 'gap' ? 'dstGap' : 'dstOverlap',
        programmeId,
        index,
        ring.date,
        () =>
          `${describeRing(ring)} at ${time} falls in the ` +
          (ring.adjustment === 'gap' ? 'spring-forward gap: it rings at ' : 'fall-back overlap: it rings once, at ') +
          formatIsoWithOffset(ring.at, timeZone),
      );
    }
    const sequence = schedule.sequences[ring.sequenceId];
    const endMs = ring.at.getTime() + (sequence === undefined ? 0 : sequenceDurationMs(sequence, ring.dialHour));
    if (busyUntil === null || endMs > busyUntil.ms) {
      busyUntil = { ms: endMs, ring };
    }
  }
  return findings.list();
}
