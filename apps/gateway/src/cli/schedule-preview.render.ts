import {
  addDays,
  formatLocalDate,
  type LintFinding,
  type LocalDate,
  type PreviewRing,
  type PreviewTransition,
  programmeFor,
  type ScheduleContext,
  type ScheduleDocumentOfKind,
  type SchedulePreview,
  weekdayOf,
} from '@beffroi/schedule';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/**
 * The text preview of a bell or heating schedule: one header per day (bells, from 00:00) or night (heating, from
 * 12:00) with its programme and the calendar rule that chose it, then each ring (local time, sequence, strikes,
 * cause) or heating transition (local time, level, setpoint, cause), then what does not run and the lint findings.
 */
export function renderOtherKind(
  header: string,
  document: Exclude<ScheduleDocumentOfKind, { kind: 'lighting' }>,
  preview: SchedulePreview,
  findings: readonly LintFinding[],
  firstDay: LocalDate,
  days: number,
  context: ScheduleContext,
): string[] {
  const { schedule } = document;
  const lines = [header];
  const period = document.kind === 'bells' ? 'day' : 'night';
  for (let i = 0; i < days; i++) {
    const date = addDays(firstDay, i);
    const key = formatLocalDate(date);
    const choice = programmeFor(schedule.calendar, date, context);
    const chosen =
      'programmeId' in choice
        ? `programme ${choice.programmeId} (${choice.ruleIndex === null ? 'default' : `calendar rule ${choice.ruleIndex}: ${schedule.calendar.rules[choice.ruleIndex]?.kind ?? '?'}`})`
        : `programme unknown (${choice.unknown})`;
    lines.push('', `${period} of ${WEEKDAYS[weekdayOf(date)]} ${key}: ${chosen}`);
    if (preview.kind === 'bells') {
      for (const ring of preview.rings.filter((candidate) => candidate.day === key)) lines.push(ringLine(ring));
    } else {
      for (const transition of preview.transitions.filter((candidate) => candidate.night === key)) {
        lines.push(heatingLine(transition));
      }
    }
  }
  const skipped =
    preview.kind === 'bells'
      ? preview.skipped.map((day) => `  ${day.day}  ${day.message}`)
      : preview.skipped.map((point) => `  ${point.night}  ${point.reason}  ${point.message}`);
  lines.push('', skipped.length === 0 ? `skipped: none` : `skipped (${skipped.length}):`, ...skipped);
  lines.push('', findings.length === 0 ? 'lint: no findings' : `lint (${findings.length}):`);
  for (const f of findings) lines.push(`  ${f.severity.padEnd(7)}  ${f.code}  ${f.message}`);
  return lines;
}

/** `  2027-06-12T07:00:00+02:00  angelus  9 strikes  (programme ordinaire, ring 0)`. */
function ringLine(ring: PreviewRing): string {
  const cause =
    'event' in ring.cause
      ? `event ${ring.cause.event}${ring.cause.name === null ? '' : `: ${ring.cause.name}`}`
      : `programme ${ring.cause.programmeId}, ring ${ring.cause.ringIndex}`;
  const strikes = `${ring.strikes} strike${ring.strikes === 1 ? '' : 's'}`;
  return `  ${ring.local}  ${ring.sequence}  ${strikes}  (${cause})`;
}

/** `  2027-01-16T16:00:00+01:00  comfort 19 °C  (programme soiree, point 0: 16:00)`. */
function heatingLine(transition: PreviewTransition): string {
  const { cause } = transition;
  const level = `${String(transition.value)}${transition.setpoint === undefined ? '' : ` ${transition.setpoint} °C`}`;
  return `  ${transition.local}  ${level.padEnd(13)}  (programme ${cause.programmeId}, point ${cause.pointIndex}: ${cause.point ?? '?'})`;
}
