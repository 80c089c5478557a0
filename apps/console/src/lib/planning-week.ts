import type { NightSummary, SchedulePreview } from '@beffroi/api';
import { fr } from '../i18n/fr';
import type { LightingDocument } from './planning-document';
import { causeWords, valueWords } from './planning-words';
import { instantOf, wallClockAt } from './zoned-time';

const t = fr.planning;
type Transition = NonNullable<SchedulePreview['transitions']>[number];

/** One switching on a night's line: where (0 at 12:00, 1 at the next 12:00), when, to what and why. */
export interface WeekSwitching {
  readonly position: number;
  readonly time: string;
  readonly on: boolean;
  readonly text: string;
}

/** One night (12:00 to 12:00 at the site) of the week timeline. */
export interface WeekNight {
  readonly night: string;
  readonly label: string;
  /** The stretches the lamps are on, as fractions of the night. */
  readonly lit: readonly { readonly from: number; readonly to: number }[];
  readonly sunset: { readonly position: number; readonly time: string } | null;
  readonly sunrise: { readonly position: number; readonly time: string } | null;
  /** Where now is, when it is within this night. */
  readonly now: number | null;
  readonly switchings: readonly WeekSwitching[];
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions) {
  let format = map.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('fr-FR', { ...options, timeZone });
    map.set(timeZone, format);
  }
  return format;
}

/** `23:00` on the site's clock. */
export function siteTime(instant: string | Date, timeZone: string): string {
  const format = cached(timeFormats, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return format.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** 12:00 on the site's clock on `date` (`YYYY-MM-DD`): where a night starts. */
export function nightStartOf(date: string, timeZone: string): Date {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return instantOf({ year, month, day, hour: 12, minute: 0 }, timeZone);
}

/** The date `YYYY-MM-DD` of the night `instant` belongs to (before 12:00, the previous day's night). */
export function nightOf(instant: Date, timeZone: string): string {
  const shown = wallClockAt(instant, timeZone);
  const day = new Date(Date.UTC(shown.year, shown.month - 1, shown.day - (shown.hour < 12 ? 1 : 0)));
  return day.toISOString().slice(0, 10);
}

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

const lights = (value: Transition['value']) => value === true || (typeof value === 'number' && value > 0);

/**
 * The week timeline: for each night of `nights`, the stretches lit, sunset and sunrise, now, and each switching
 * with its cause. `preview` covers the night before the first too, so the first night starts in the right state.
 */
export function weekTimeline(
  preview: SchedulePreview,
  nights: readonly NightSummary[],
  document: LightingDocument | undefined,
  now: Date,
): WeekNight[] {
  const { timeZone } = preview;
  const transitions = [...(preview.transitions ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  const dayFormat = cached(dayFormats, timeZone, { weekday: 'short', day: 'numeric', month: 'short' });
  return nights.map((summary) => {
    const start = nightStartOf(summary.night, timeZone).getTime();
    const end = nightStartOf(addDays(summary.night, 1), timeZone).getTime();
    const position = (ms: number) => (ms - start) / (end - start);
    const before = transitions.filter((transition) => Date.parse(transition.at) < start).at(-1);
    const within = transitions.filter((transition) => {
      const at = Date.parse(transition.at);
      return at >= start && at < end;
    });
    const lit: { from: number; to: number }[] = [];
    let onSince: number | null = before !== undefined && lights(before.value) ? 0 : null;
    for (const transition of within) {
      const at = position(Date.parse(transition.at));
      if (lights(transition.value) && onSince === null) onSince = at;
      if (!lights(transition.value) && onSince !== null) {
        lit.push({ from: onSince, to: at });
        onSince = null;
      }
    }
    if (onSince !== null) lit.push({ from: onSince, to: 1 });
    const marker = (instant: string | null) =>
      instant === null ? null : { position: position(Date.parse(instant)), time: siteTime(instant, timeZone) };
    const nowMs = now.getTime();
    return {
      night: summary.night,
      label: t.nightOf(dayFormat.format(new Date(start))),
      lit,
      sunset: marker(summary.sunset),
      sunrise: marker(summary.sunrise),
      now: nowMs >= start && nowMs < end ? position(nowMs) : null,
      switchings: within.map((transition) => {
        const time = siteTime(transition.at, timeZone);
        const value = valueWords(transition.value);
        return {
          position: position(Date.parse(transition.at)),
          time,
          on: lights(transition.value),
          text: t.switching(time, value, causeWords(transition.cause, document)),
        };
      }),
    };
  });
}
