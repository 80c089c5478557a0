import type { NightsResponse } from '@beffroi/api';
import { Injectable } from '@nestjs/common';
import { formatPath, problemsFromIssues } from '@beffroi/domain';
import {
  addDays,
  formatLocalDate,
  type LintFinding,
  lintBellSchedule,
  lintHeatingSchedule,
  type LocalDate,
  localDateOf,
  lintSchedule,
  nightOf,
  parseLocalDate,
  parseSchoolHolidays,
  previewPeriodStart,
  previewSchedule,
  programmeFor,
  type ScheduleContext,
  scheduleSchema,
  type SchoolHolidays,
  summarizeNights,
} from '@beffroi/schedule';
import shippedSchoolHolidays from '../../../../config/data/school-holidays-fr-2026-2027.json';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import {
  type LintRequest,
  type PreviewRequest,
  scheduleDocument,
  type ScheduleDocument,
  type SiteCoordinates,
} from './schedules.dto';

type Kind = LintRequest['kind'];
type Site = SiteCoordinates;

const MS_PER_DAY = 86_400_000;
/** Longest preview, so an answer stays small. */
export const MAX_PREVIEW_DAYS = 31;
/** Longest lint range: a year shows every season's sunrise and sunset, and both DST changes. */
export const MAX_LINT_DAYS = 366;

/** A problem of a schedule document: where (a path in the request, `schedule.…`), what, and how bad. */
export interface ScheduleProblem {
  readonly path: string;
  readonly message: string;
  readonly severity: LintFinding['severity'];
  /** `invalid` when the document does not pass its kind's schema (the gateway would refuse it), else a lint code. */
  readonly code: 'invalid' | LintFinding['code'];
  /** The nights (for bells, days) the finding shows on. */
  readonly nights?: readonly string[];
}

/**
 * Lint and preview of schedule documents on central, with the engine the gateway runs (libs/schedule): the same
 * schemas, the same plan, the shipped school-holiday data.
 */
@Injectable()
export class ScheduleCheckService {
  private readonly schoolHolidays: SchoolHolidays = parseSchoolHolidays(
    shippedSchoolHolidays,
    'config/data/school-holidays-fr-2026-2027.json',
  );

  constructor(private readonly clock: Clock) {}

  /**
   * The document's problems: those of its kind's schema (what the gateway refuses), then, with a site, the engine's
   * findings over the range (default: the year from today at the site). `valid` is false when any is an error.
   */
  lint(request: LintRequest, site: Site | undefined): { valid: boolean; problems: ScheduleProblem[] } {
    const input = { kind: request.kind, schedule: request.schedule };
    const parsed = scheduleDocument.safeParse(input);
    if (!parsed.success) {
      const problems = problemsFromIssues(parsed.error.issues, input).map((problem): ScheduleProblem => ({
        ...problem,
        severity: 'error',
        code: 'invalid',
      }));
      return { valid: false, problems };
    }
    if (site === undefined) return { valid: true, problems: [] };
    const today = this.startOf(request.kind, localDateOf(this.clock.now(), site.timeZone), site.timeZone);
    const { from, to } =
      request.from === undefined || request.to === undefined
        ? { from: today, to: new Date(today.getTime() + 365 * MS_PER_DAY) }
        : this.range(request.kind, request.from, request.to, site.timeZone, MAX_LINT_DAYS, 'schedule lint');
    const problems = this.findings(parsed.data, site, from, to, request.horizon).map((finding) => ({
      path: findingPath(request.kind, finding),
      message: finding.message,
      severity: finding.severity,
      code: finding.code,
      nights: finding.nights.map(formatLocalDate),
    }));
    return { valid: problems.every((problem) => problem.severity !== 'error'), problems };
  }

  /** What the schedule does at the site in `[from, to)`: each change with its instant, local time and cause. */
  preview(request: PreviewRequest, site: Site) {
    const { timeZone } = site;
    const { from, to } = this.range(
      request.kind,
      request.from,
      request.to,
      timeZone,
      MAX_PREVIEW_DAYS,
      'schedule preview',
    );
    return previewSchedule(request, site, from, to, this.context(request.horizon));
  }

  /**
   * The nights `from`..`from + days - 1` of a lighting document at the site, in figures (burn, full power, dark
   * minutes, switch-ons, the lint's codes, the programme and the rule that chose it): what a year strip shows,
   * computed by the engine the gateway runs. A document its schema refuses is a 400 naming each problem's path.
   */
  nights(
    request: { schedule: unknown; from: string; days: number; horizon?: PreviewRequest['horizon'] | undefined },
    site: Site,
  ): NightsResponse {
    const parsed = scheduleSchema.safeParse(request.schedule);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['schedule', ...issue.path] }));
      const problems = problemsFromIssues(issues, { schedule: request.schedule });
      throw new CentralException(
        CentralExceptionCode.InvalidRequest,
        `invalid schedule nights: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
        problems,
      );
    }
    const schedule = parsed.data;
    const context = this.context(request.horizon ?? 'usno');
    const first = parseLocalDate(request.from);
    const last = addDays(first, request.days - 1);
    const nights = summarizeNights(schedule, site, first, last, context).map((night) => {
      const choice = programmeFor(schedule.calendar, night.night, context);
      return {
        ...night,
        night: formatLocalDate(night.night),
        ruleIndex: 'programmeId' in choice ? choice.ruleIndex : null,
        findings: [...night.findings],
      };
    });
    return { timeZone: site.timeZone, nights };
  }

  private findings(
    document: ScheduleDocument,
    site: Site,
    from: Date,
    to: Date,
    horizon: PreviewRequest['horizon'],
  ): LintFinding[] {
    const context = this.context(horizon);
    const end = new Date(to.getTime() - 1);
    const { timeZone } = site;
    switch (document.kind) {
      case 'bells': {
        const [first, last] = [localDateOf(from, timeZone), localDateOf(end, timeZone)];
        return lintBellSchedule(document.schedule, timeZone, first, last, context);
      }
      case 'heating':
        return lintHeatingSchedule(document.schedule, site, nightOf(from, timeZone), nightOf(end, timeZone), context);
      case 'lighting':
        return lintSchedule(document.schedule, site, nightOf(from, timeZone), nightOf(end, timeZone), context);
    }
  }

  private context(horizon: PreviewRequest['horizon']): ScheduleContext {
    return { horizon, schoolHolidays: this.schoolHolidays };
  }

  /** `from` and `to` as instants; `to` must come after `from`, within `maxDays`. */
  private range(kind: Kind, fromText: string, toText: string, timeZone: string, maxDays: number, what: string) {
    const [from, to] = [fromText, toText].map((text) =>
      ISO_DATE.test(text) ? this.startOf(kind, parseLocalDate(text), timeZone) : new Date(text),
    ) as [Date, Date];
    const days = (to.getTime() - from.getTime()) / MS_PER_DAY;
    if (days <= 0 || days > maxDays) {
      const message = `expected a bound after from, at most ${maxDays} days after it, got ${toText}`;
      throw new CentralException(CentralExceptionCode.InvalidRequest, `invalid ${what}: to: ${message}`, [
        { path: 'to', message },
      ]);
    }
    return { from, to };
  }

  /** The start of a night (12:00 local) for lighting and heating, of a day (00:00) for bells. */
  private startOf(kind: Kind, date: LocalDate, timeZone: string): Date {
    return previewPeriodStart(kind, date, timeZone);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Where in the document a finding points: the switch point, ring, ring step, one-off event or setpoints. */
function findingPath(kind: Kind, finding: LintFinding): string {
  const { programmeId, pointIndex } = finding;
  const at = (...path: (string | number)[]) => formatPath(['schedule', ...path]);
  if (finding.code === 'setpointAboveLimit') return at('setpoints');
  if (finding.code === 'bellInterlock') return at('sequences', programmeId ?? '', 'steps', pointIndex ?? 0);
  if (programmeId === null) return pointIndex === null ? at('calendar') : at('events', pointIndex);
  const points = kind === 'bells' ? 'rings' : 'points';
  return pointIndex === null ? at('programmes', programmeId) : at('programmes', programmeId, points, pointIndex);
}
