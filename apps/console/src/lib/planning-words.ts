import { fr } from '../i18n/fr';
import type { CalendarDocument, CalendarRule, LightingValue, SunPoint } from './planning-document';
import { weekdayNumber } from './planning-rules';

const t = fr.planning;
const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dayMonthFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', timeZone: 'UTC' });
const WEEKDAYS = ['lundis', 'mardis', 'mercredis', 'jeudis', 'vendredis', 'samedis', 'dimanches'];

/** `14 juillet 2027` for a local date `2027-07-14` (a date, not an instant: no time zone moves it). */
export function formatLocalDate(date: string): string {
  return dateFormat.format(new Date(`${date}T00:00:00Z`));
}

/** `allumé`, `éteint`, `50 %`. */
export function valueWords(value: LightingValue | string): string {
  if (value === true) return t.on;
  if (value === false) return t.off;
  if (typeof value === 'number') return value === 0 ? t.off : t.level(value);
  return value;
}

/** A switch point of any kind of schedule: what it sets does not change when it happens. */
type PointLike = ({ readonly at: string } | Omit<SunPoint, 'value'>) & { readonly value?: unknown };
/** A document whose programmes are switch points: lighting and heating. */
export interface PointsDocument extends CalendarDocument {
  readonly programmes: Readonly<Record<string, { readonly points: readonly PointLike[] }>>;
}

/** A switch point in words: `à 23:00`, `au coucher du soleil + 15 min, pas avant 17:00`. */
export function pointWords(point: PointLike): string {
  if ('at' in point) return t.pointWords.fixed(point.at);
  const event = t.events[point.sun] ?? point.sun;
  const clamps = [
    point.notBefore === undefined ? undefined : t.pointWords.notBefore(point.notBefore),
    point.notAfter === undefined ? undefined : t.pointWords.notAfter(point.notAfter),
  ].filter((clamp) => clamp !== undefined);
  return [t.pointWords.sun(event, point.offsetMinutes ?? 0), ...clamps].join(', ');
}

/** Which nights a rule selects, in words. */
export function ruleWords(rule: CalendarRule): string {
  switch (rule.kind) {
    case 'dateRange':
      return t.rules.dateRange(formatLocalDate(rule.from), formatLocalDate(rule.to));
    case 'dates':
      return t.rules.dates(rule.dates.map(formatLocalDate).join(', '));
    case 'publicHoliday':
      return t.rules.publicHoliday(rule.zone);
    case 'schoolHoliday':
      return t.rules.schoolHoliday(rule.zone);
    case 'yearlyDate':
      return t.rules.yearlyDate(dayMonthFormat.format(new Date(Date.UTC(2028, rule.month - 1, rule.day))));
    case 'weekdays':
      return t.rules.weekdays(rule.weekdays.map((day) => WEEKDAYS[weekdayNumber(day) - 1] ?? String(day)).join(', '));
    case 'nthWeekday':
      return t.rules.nthWeekday(
        t.nthNames[String(rule.nth)] ?? String(rule.nth),
        t.weekdayNames[weekdayNumber(rule.weekday) - 1] ?? String(rule.weekday),
        (rule.months ?? []).map((month) => t.monthNames[month - 1] ?? String(month)).join(', '),
      );
    case 'easterOffset':
      return t.rules.easterOffset(rule.offsetDays);
  }
}

/** One line of the calendar's precedence: its rank, what it selects and the programme it gives. */
export interface PrecedenceLine {
  readonly index: number;
  readonly label: string;
  readonly selects: string;
  readonly programme: string;
}

/**
 * The calendar's rules in the order they are tried, said explicitly: rule 1 wins over every other, and so on; then
 * the default programme.
 */
export function precedence(document: CalendarDocument): { rules: PrecedenceLine[]; otherwise: string } {
  return {
    rules: document.calendar.rules.map((rule, index) => ({
      index,
      label: index === 0 ? `${t.ruleN(1)} (${t.first})` : t.ruleN(index + 1),
      selects: ruleWords(rule),
      programme: t.then(rule.programmeId),
    })),
    otherwise: t.otherwise(document.calendar.defaultProgrammeId),
  };
}

/** Why a switching happens: the programme, its point, and the rule that chose the programme (or the default). */
export function causeWords(
  cause: { programmeId: string; pointIndex: number; rule: { index: number; kind: string | null } | null },
  document: PointsDocument | undefined,
): string {
  const point = document?.programmes[cause.programmeId]?.points[cause.pointIndex];
  const pointText = point === undefined ? t.pointAt(cause.pointIndex + 1) : pointWords(point);
  const rule = cause.rule === null ? undefined : document?.calendar.rules[cause.rule.index];
  const ruleText =
    cause.rule === null ? t.byDefault : t.byRule(cause.rule.index + 1, rule === undefined ? '' : ruleWords(rule));
  return t.cause(cause.programmeId, pointText, ruleText);
}
