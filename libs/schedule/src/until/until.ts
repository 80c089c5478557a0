import { type Schedule, type ScheduleContext, planTransitions } from '../programme/schedule';
import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import { type SunSite, sunDay } from '../sun/sun';
import { addDays } from '../time/local-date';
import { formatIsoWithOffset, localDateOf, resolveLocalTime } from '../time/zoned-time';

/**
 * How long a manual switching ("switch now") lasts, as asked: until the output's next scheduled transition (the
 * default, a thermostat's "temporary hold"), until an instant, until the next occurrence of a local time of the
 * site, until the next sunrise at the site, or for good (`permanent`, asked explicitly).
 */
export type UntilForm =
  | { readonly kind: 'next-transition' }
  | { readonly kind: 'permanent' }
  | { readonly kind: 'sunrise' }
  | { readonly kind: 'local-time'; readonly hour: number; readonly minute: number }
  | { readonly kind: 'instant'; readonly at: Date };

/** An `until` form and the instant it resolved to (`null` for `permanent`). */
export interface ResolvedUntil {
  /** The form asked, as `untilText` writes it: `next-transition`, `sunrise`, `02:00`, an instant, `permanent`. */
  readonly form: string;
  readonly until: Date | null;
}

/** What resolving an `until` needs: the site of the output, its next programme change, how far ahead is allowed. */
export interface UntilContext {
  readonly now: Date;
  /** The output's site: its time zone for `HH:MM`, its sun for `sunrise`. */
  readonly site: SunSite;
  /** The output's next scheduled transition within the horizon, or null when no programme changes it by then. */
  readonly nextTransition: Date | null;
  /** The end may lie at most this far after `now`. */
  readonly horizonMs: number;
  readonly sunHorizon?: 'usno' | 'imcce';
}

/** The words accepted as an `until`, for messages. */
export const UNTIL_FORMS = '"next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant';

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOOKS_LIKE_TIME = /^\d{1,2}[:h]\d{1,2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** Reads an `until` as given in a request (`permanent` is asked with `permanent: true`, not here). */
export function parseUntil(text: string): UntilForm {
  if (text === 'next-transition') return { kind: 'next-transition' };
  if (text === 'sunrise') return { kind: 'sunrise' };
  const time = LOCAL_TIME.exec(text);
  if (time !== null) return { kind: 'local-time', hour: Number(time[1]), minute: Number(time[2]) };
  if (LOOKS_LIKE_TIME.test(text)) {
    throw new ScheduleException(
      ScheduleExceptionCode.InvalidUntil,
      `"${text}" is not a local time HH:MM (00:00 to 23:59, two digits each, such as "02:00")`,
    );
  }
  const at = INSTANT.test(text) ? new Date(text) : undefined;
  if (at !== undefined && !Number.isNaN(at.getTime())) return { kind: 'instant', at };
  throw new ScheduleException(
    ScheduleExceptionCode.InvalidUntil,
    `"${text}" is no until form: expected ${UNTIL_FORMS}`,
  );
}

/** The form as requests and records write it. */
export function untilText(form: UntilForm): string {
  switch (form.kind) {
    case 'local-time':
      return `${String(form.hour).padStart(2, '0')}:${String(form.minute).padStart(2, '0')}`;
    case 'instant':
      return form.at.toISOString();
    case 'next-transition':
    case 'permanent':
    case 'sunrise':
      return form.kind;
  }
}

/**
 * The instant a manual switching asked with `form` ends. `HH:MM` is the next occurrence of that wall-clock time in
 * the site's time zone after `now` (a time in the spring-forward gap runs at the end of the gap, one in the
 * fall-back overlap at its first occurrence); `sunrise` the next sunrise at the site; `next-transition` the output's
 * next scheduled transition. The end must lie after `now` and within the horizon; `next-transition` without one, or
 * `sunrise` without one (polar night), is refused, never turned into a permanent switching.
 */
export function resolveUntil(form: UntilForm, context: UntilContext): ResolvedUntil {
  const text = untilText(form);
  const { now, horizonMs } = context;
  const hours = Math.round(horizonMs / 3_600_000);
  const end = endOf(form, context);
  if (end === null) return { form: text, until: null };
  if (end === undefined) {
    const what =
      form.kind === 'sunrise'
        ? `the sun does not rise at this site within ${hours} h`
        : `no programme changes this output within ${hours} h`;
    throw new ScheduleException(
      ScheduleExceptionCode.UnresolvableUntil,
      `until ${text}: ${what}; give until (${UNTIL_FORMS}) or permanent: true`,
    );
  }
  if (end.getTime() <= now.getTime()) {
    throw new ScheduleException(
      ScheduleExceptionCode.UnresolvableUntil,
      `until ${text} is in the past (the time is ${formatIsoWithOffset(now, context.site.timeZone)})`,
    );
  }
  if (end.getTime() > now.getTime() + horizonMs) {
    const latest = formatIsoWithOffset(new Date(now.getTime() + horizonMs), context.site.timeZone);
    throw new ScheduleException(
      ScheduleExceptionCode.UnresolvableUntil,
      `until ${text} is too far ahead: at most ${latest} (${hours} h from now)`,
    );
  }
  return { form: text, until: end };
}

/** The end of `form`: null for permanent, undefined when there is none within the horizon. */
function endOf(form: UntilForm, context: UntilContext): Date | null | undefined {
  const { now, site } = context;
  switch (form.kind) {
    case 'permanent':
      return null;
    case 'instant':
      return form.at;
    case 'next-transition':
      return context.nextTransition ?? undefined;
    case 'local-time': {
      const today = localDateOf(now, site.timeZone);
      for (const date of [today, addDays(today, 1), addDays(today, 2)]) {
        const at = resolveLocalTime(date, form.hour, form.minute, 0, site.timeZone).instant;
        if (at.getTime() > now.getTime()) return at;
      }
      return undefined;
    }
    case 'sunrise': {
      const last = now.getTime() + context.horizonMs;
      for (let day = localDateOf(now, site.timeZone), i = 0; i * DAY_MS <= context.horizonMs + DAY_MS; i++) {
        const sunrise = sunDay(site, day, context.sunHorizon ?? 'usno').sunrise;
        if (sunrise !== null && sunrise.getTime() > now.getTime())
          return sunrise.getTime() <= last ? sunrise : undefined;
        day = addDays(day, 1);
      }
      return undefined;
    }
  }
}

/** A schedule that drives an output, at the site it runs at. */
export interface DrivingSchedule {
  readonly schedule: Schedule;
  readonly site: SunSite;
}

/**
 * The first transition after `now`, within `horizonMs`, of the schedules that drive an output (the same plan the
 * gateway runs), or null when none changes it by then. Looks one day ahead at a time, so a usual night costs one.
 */
export function nextTransition(
  driving: readonly DrivingSchedule[],
  now: Date,
  horizonMs: number,
  context: ScheduleContext = {},
): Date | null {
  const end = now.getTime() + horizonMs;
  for (let from = now.getTime() + 1; from < end; from += DAY_MS) {
    const to = Math.min(end, from + DAY_MS);
    const found = driving
      .flatMap(
        ({ schedule, site }) => planTransitions(schedule, site, new Date(from), new Date(to), context).transitions,
      )
      .map((transition) => transition.at.getTime())
      .sort((a, b) => a - b)[0];
    if (found !== undefined) return new Date(found);
  }
  return null;
}
