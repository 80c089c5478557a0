import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DocumentException, type DocumentProblem, validateDocument } from '@beffroi/domain';
import { fieldOf, readYamlFile } from '@beffroi/runtime';
import {
  addDays,
  bellScheduleSchema,
  heatingScheduleSchema,
  lintBellSchedule,
  lintHeatingSchedule,
  previewPeriodStart,
  previewSchedule,
  type ScheduleDocumentOfKind,
  type ScheduleKind,
  describePoint,
  formatIsoWithOffset,
  formatLocalDate,
  isValidTimeZone,
  type LintFinding,
  lintSchedule,
  type LocalDate,
  nightStart,
  parseLocalDate,
  parseSchoolHolidays,
  planTransitions,
  programmeFor,
  type Schedule,
  type ScheduleContext,
  scheduleSchema,
  type SchoolHolidays,
  type SkippedPoint,
  type SunHorizon,
  type SunSite,
  type SwitchValue,
  type Transition,
  weekdayOf,
} from '@beffroi/schedule';
import { CliUsageError, numberOption, parseOptions, required } from './cli-args';
import { renderOtherKind } from './schedule-preview.render';

const HORIZONS: readonly SunHorizon[] = ['usno', 'imcce'];
const SHIPPED_SCHOOL_HOLIDAYS = join('config', 'data', 'school-holidays-fr-2026-2027.json');
const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/**
 * `beffroi schedule preview --file <schedule.yaml> --site <lat,lon,tz[,altitude]> --from <YYYY-MM-DD> [--days N]
 * [--kind lighting|bells|heating] [--horizon usno|imcce] [--school-holidays <file.json>] [--json]`: the transitions
 * of the nights `--from` .. `--from + days − 1` (a night D runs from D 12:00 to D+1 12:00 local), the points that do
 * not run and the lint findings. Bell and heating schedules (`--kind`, or seen from the document) are previewed by
 * {@link previewOtherKind}. Readable by a person by default; with `--json`, one JSON object on one line:
 * `{"transitions":[{"at","value","programmeId","pointIndex","night"}],"skipped":[…],"findings":[…]}`.
 * A bad argument, an unreadable or invalid schedule file is a usage error (one line, exit 2); lint findings are
 * output, not errors (exit 0).
 */
export function schedulePreviewCommand(argv: readonly string[], print: (line: string) => void): void {
  const options = parseOptions(argv, ['file', 'site', 'from', 'days', 'horizon', 'school-holidays', 'kind'], ['json']);
  const file = required(options, 'file');
  const site = parseSite(required(options, 'site'));
  const fromText = required(options, 'from');
  let firstNight: LocalDate;
  try {
    firstNight = parseLocalDate(fromText);
  } catch {
    throw new CliUsageError(`--from: expected a date YYYY-MM-DD, got "${fromText}"`);
  }
  const days = numberOption(options, 'days', 1, 3660, 7);
  if (!Number.isInteger(days))
    throw new CliUsageError(`--days: expected a whole number of nights, got "${String(days)}"`);
  const horizon = (options.get('horizon') ?? 'usno') as SunHorizon;
  if (!HORIZONS.includes(horizon)) throw new CliUsageError(`--horizon: expected usno | imcce, got "${horizon}"`);

  const document = loadDocument('--file', () => readYamlFile(file));
  const kind = kindOf(options.get('kind'), document);
  if (kind !== 'lighting') {
    const read = loadDocument('--file', (): Exclude<ScheduleDocumentOfKind, { kind: 'lighting' }> =>
      kind === 'bells'
        ? { kind, schedule: validateDocument(bellScheduleSchema, document, file) }
        : { kind, schedule: validateDocument(heatingScheduleSchema, document, file) },
    );
    const context: ScheduleContext = {
      horizon,
      schoolHolidays:
        read.schedule.calendar.rules.some((rule) => rule.kind === 'schoolHoliday') ||
        options.get('school-holidays') !== undefined
          ? loadSchoolHolidays(options.get('school-holidays'))
          : undefined,
    };
    for (const line of previewOtherKind(file, read, site, firstNight, days, context, options.has('json'))) print(line);
    return;
  }
  const schedule = loadDocument('--file', () => validateDocument(scheduleSchema, document, file));
  const usesSchoolHolidays = schedule.calendar.rules.some((rule) => rule.kind === 'schoolHoliday');
  const holidaysFile = options.get('school-holidays');
  const context: ScheduleContext = {
    horizon,
    schoolHolidays: usesSchoolHolidays || holidaysFile !== undefined ? loadSchoolHolidays(holidaysFile) : undefined,
  };

  const lastNight = addDays(firstNight, days - 1);
  const from = nightStart(firstNight, site.timeZone);
  const to = nightStart(addDays(lastNight, 1), site.timeZone);
  const plan = planTransitions(schedule, site, from, to, context);
  const findings = lintSchedule(schedule, site, firstNight, lastNight, context);

  if (options.has('json')) {
    print(JSON.stringify(toJson(plan.transitions, plan.skipped, findings, site.timeZone)));
    return;
  }
  const preview = { schedule, site, context, firstNight, days, ...plan, findings };
  for (const line of renderPreview(file, preview)) print(line);
}

/** `lat,lon,tz` or `lat,lon,tz,altitude`, e.g. `49.8467,3.2874,Europe/Paris`. */
function parseSite(text: string): SunSite {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length < 3 || parts.length > 4) {
    throw new CliUsageError(
      `--site: expected "lat,lon,timeZone[,altitude]" such as 49.8467,3.2874,Europe/Paris, got "${text}"`,
    );
  }
  const [latText = '', lonText = '', timeZone = '', altitudeText] = parts;
  const number = (label: string, value: string, min: number, max: number): number => {
    const parsed = Number(value);
    if (value === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
      throw new CliUsageError(`--site: ${label}: expected a number ${min}..${max}, got "${value}"`);
    }
    return parsed;
  };
  const latitude = number('latitude', latText, -90, 90);
  const longitude = number('longitude', lonText, -180, 180);
  if (!isValidTimeZone(timeZone)) {
    throw new CliUsageError(`--site: time zone: expected an IANA time zone such as Europe/Paris, got "${timeZone}"`);
  }
  const altitude = altitudeText === undefined ? 0 : number('altitude', altitudeText, -500, 9000);
  return { latitude, longitude, altitude, timeZone };
}

/** Runs a loader; a `DocumentException` becomes a one-line usage error naming the option, the file and each path. */
function loadDocument<T>(option: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof DocumentException) {
      throw new CliUsageError(`${option}: ${error.source}: ${oneLine(error.problems)}`);
    }
    throw error;
  }
}

function oneLine(problems: readonly DocumentProblem[]): string {
  const listed = problems.map((problem) =>
    problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`,
  );
  return problems.length === 1 ? (listed[0] ?? '') : `${problems.length} problems: ${listed.join('; ')}`;
}

/** School-holiday data: `--school-holidays`, else the file shipped in `config/data` next to the package. */
function loadSchoolHolidays(path: string | undefined): SchoolHolidays {
  const file = path ?? findShippedFile(SHIPPED_SCHOOL_HOLIDAYS);
  return loadDocument('--school-holidays', () => {
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      const reason =
        error instanceof SyntaxError ? error.message : ((error as NodeJS.ErrnoException).code ?? String(error));
      throw new CliUsageError(`--school-holidays: ${file}: cannot read the JSON file (${reason})`);
    }
    return parseSchoolHolidays(input, file);
  });
}

/** `relative` under the first ancestor of this module holding it (the repo or the installed package). */
function findShippedFile(relative: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return relative;
  }
}

function toJson(
  transitions: readonly Transition[],
  skipped: readonly SkippedPoint[],
  findings: readonly LintFinding[],
  timeZone: string,
) {
  return {
    transitions: transitions.map((t) => ({
      at: formatIsoWithOffset(t.at, timeZone),
      value: t.value,
      programmeId: t.programmeId,
      pointIndex: t.pointIndex,
      night: formatLocalDate(t.night),
    })),
    skipped: skipped.map((s) => ({
      night: formatLocalDate(s.night),
      programmeId: s.programmeId,
      pointIndex: s.pointIndex,
      reason: s.reason,
      ...(s.wouldRunAt === undefined ? {} : { wouldRunAt: formatIsoWithOffset(s.wouldRunAt, timeZone) }),
      message: s.message,
    })),
    findings: findings.map((f) => ({
      severity: f.severity,
      code: f.code,
      programmeId: f.programmeId,
      pointIndex: f.pointIndex,
      nights: f.nights.map(formatLocalDate),
      message: f.message,
    })),
  };
}

interface Preview {
  readonly schedule: Schedule;
  readonly site: SunSite;
  readonly context: ScheduleContext;
  readonly firstNight: LocalDate;
  readonly days: number;
  readonly transitions: readonly Transition[];
  readonly skipped: readonly SkippedPoint[];
  readonly findings: readonly LintFinding[];
}

/** One header per night (its programme and the rule that chose it), its transitions, then skipped points and lint. */
function renderPreview(file: string, preview: Preview): string[] {
  const { schedule, site, context, firstNight, days, transitions, skipped, findings } = preview;
  const { timeZone } = site;
  const lastNight = addDays(firstNight, days - 1);
  const lines = [
    `${file} at ${site.latitude},${site.longitude} ${timeZone} (horizon ${context.horizon ?? 'usno'}), ` +
      `${days} night${days === 1 ? '' : 's'} ${formatLocalDate(firstNight)} .. ${formatLocalDate(lastNight)}`,
  ];
  for (let i = 0; i < days; i++) {
    const night = addDays(firstNight, i);
    const key = formatLocalDate(night);
    const choice = programmeFor(schedule.calendar, night, context);
    const chosen =
      'programmeId' in choice
        ? `programme ${choice.programmeId} (${choice.ruleIndex === null ? 'default' : `calendar rule ${choice.ruleIndex}: ${schedule.calendar.rules[choice.ruleIndex]?.kind ?? '?'}`})`
        : `programme unknown (${choice.unknown})`;
    lines.push('', `night of ${WEEKDAYS[weekdayOf(night)]} ${key}: ${chosen}`);
    for (const t of transitions.filter((candidate) => formatLocalDate(candidate.night) === key)) {
      const point = schedule.programmes[t.programmeId]?.points[t.pointIndex];
      const what = point === undefined ? '?' : describePoint(point);
      lines.push(
        `  ${formatIsoWithOffset(t.at, timeZone)}  ${formatValue(t.value).padEnd(4)}  (programme ${t.programmeId}, point ${t.pointIndex}: ${what})`,
      );
    }
  }
  lines.push('', skipped.length === 0 ? 'skipped points: none' : `skipped points (${skipped.length}):`);
  for (const s of skipped) lines.push(`  ${formatLocalDate(s.night)}  ${s.reason}  ${s.message}`);
  lines.push('', findings.length === 0 ? 'lint: no findings' : `lint (${findings.length}):`);
  for (const f of findings) lines.push(`  ${f.severity.padEnd(7)}  ${f.code}  ${f.message}`);
  return lines;
}

/** `on`, `off`, or a level `40%` (0 is `off`). */
function formatValue(value: SwitchValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value === 0 ? 'off' : `${value}%`;
}

const KINDS: readonly ScheduleKind[] = ['lighting', 'bells', 'heating'];

/**
 * `--kind`, else the kind the document shows: bell `sequences`, heating `setpoints`, lighting otherwise (its schema
 * then names what is missing or unknown).
 */
function kindOf(option: string | undefined, document: unknown): ScheduleKind {
  if (option !== undefined) {
    const kind = KINDS.find((candidate) => candidate === option);
    if (kind === undefined) throw new CliUsageError(`--kind: expected lighting | bells | heating, got "${option}"`);
    return kind;
  }
  if (fieldOf(document, 'sequences') !== undefined) return 'bells';
  if (fieldOf(document, 'setpoints') !== undefined) return 'heating';
  return 'lighting';
}

/**
 * Bells (days from 00:00) or heating (nights from 12:00): the shared preview (libs/schedule `previewSchedule`, as
 * central's) of the days `firstDay` .. `firstDay + days − 1` and the lint findings, as text or one JSON line.
 */
function previewOtherKind(
  file: string,
  document: Exclude<ScheduleDocumentOfKind, { kind: 'lighting' }>,
  site: SunSite,
  firstDay: LocalDate,
  days: number,
  context: ScheduleContext,
  json: boolean,
): string[] {
  const { timeZone } = site;
  const lastDay = addDays(firstDay, days - 1);
  const from = previewPeriodStart(document.kind, firstDay, timeZone);
  const to = previewPeriodStart(document.kind, addDays(lastDay, 1), timeZone);
  const preview = previewSchedule(document, site, from, to, context);
  const findings =
    document.kind === 'bells'
      ? lintBellSchedule(document.schedule, timeZone, firstDay, lastDay, context)
      : lintHeatingSchedule(document.schedule, site, firstDay, lastDay, context);
  if (json) {
    const lint = findings.map((f) => ({
      severity: f.severity,
      code: f.code,
      programmeId: f.programmeId,
      pointIndex: f.pointIndex,
      nights: f.nights.map(formatLocalDate),
      message: f.message,
    }));
    return [JSON.stringify({ ...preview, findings: lint })];
  }
  const header =
    `${file} at ${site.latitude},${site.longitude} ${timeZone}, ${document.kind}, ` +
    `${days} ${document.kind === 'bells' ? 'day' : 'night'}${days === 1 ? '' : 's'} ` +
    `${formatLocalDate(firstDay)} .. ${formatLocalDate(lastDay)}`;
  return renderOtherKind(header, document, preview, findings, firstDay, days, context);
}
