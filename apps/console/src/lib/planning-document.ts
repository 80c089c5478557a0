/**
 * A lighting schedule document as the Planning screen edits it: the shape of a schedule file (times `HH:MM`, dates
 * `YYYY-MM-DD`), and the edits the screen offers — a night cut, a one-date exception, rules moved, added, removed —
 * each returning a new document and never changing the one given. Central checks and plans the result with the
 * gateway's engine; this module only rewrites documents.
 */

export type SunEvent = 'sunset' | 'sunrise' | 'civilDusk' | 'civilDawn';
export const SUN_EVENTS: readonly SunEvent[] = ['sunset', 'sunrise', 'civilDusk', 'civilDawn'];
/** Events of the evening (date D of the night) and of the morning (D+1). */
const EVENING: readonly SunEvent[] = ['sunset', 'civilDusk'];

export type LightingValue = boolean | number;

export interface FixedPoint {
  readonly at: string;
  readonly value: LightingValue;
}

export interface SunPoint {
  readonly sun: SunEvent;
  readonly offsetMinutes?: number;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly value: LightingValue;
}

export type LightingPoint = FixedPoint | SunPoint;

export interface Programme {
  readonly points: readonly LightingPoint[];
}

export const HOLIDAY_ZONES = [
  'metropole',
  'alsace-moselle',
  'guadeloupe',
  'martinique',
  'guyane',
  'la-reunion',
  'mayotte',
] as const;
export const SCHOOL_ZONES = ['A', 'B', 'C'] as const;

/** A calendar rule as a file writes it; the kinds the screen does not edit are kept as they are. */
export type CalendarRule =
  | { readonly kind: 'dateRange'; readonly programmeId: string; readonly from: string; readonly to: string }
  | { readonly kind: 'dates'; readonly programmeId: string; readonly dates: readonly string[] }
  | { readonly kind: 'publicHoliday'; readonly programmeId: string; readonly zone: string }
  | { readonly kind: 'schoolHoliday'; readonly programmeId: string; readonly zone: string }
  | { readonly kind: 'yearlyDate'; readonly programmeId: string; readonly month: number; readonly day: number }
  | { readonly kind: 'weekdays'; readonly programmeId: string; readonly weekdays: readonly (number | string)[] }
  | {
      readonly kind: 'nthWeekday';
      readonly programmeId: string;
      readonly weekday: number | string;
      readonly nth: number | 'last';
      readonly months?: readonly number[];
    }
  | { readonly kind: 'easterOffset'; readonly programmeId: string; readonly offsetDays: number };

/** What every kind of schedule has: a calendar of rules choosing among its programmes. */
export interface CalendarDocument {
  readonly calendar: { readonly defaultProgrammeId: string; readonly rules: readonly CalendarRule[] };
  readonly programmes: Readonly<Record<string, unknown>>;
}

export interface LightingDocument extends CalendarDocument {
  readonly programmes: Readonly<Record<string, Programme>>;
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const pad = (n: number) => String(n).padStart(2, '0');

/** `HH:MM` from a file's text or from a parsed `{hour, minute}` (how a gateway reports the schedules of its config). */
export function timeText(value: unknown): unknown {
  if (isObject(value) && typeof value.hour === 'number' && typeof value.minute === 'number') {
    return `${pad(value.hour)}:${pad(value.minute)}`;
  }
  return value;
}

/** `YYYY-MM-DD` from a file's text or from a parsed `{year, month, day}`. */
export function dateText(value: unknown): unknown {
  if (isObject(value) && typeof value.year === 'number' && typeof value.month === 'number') {
    return `${value.year}-${pad(value.month)}-${pad(typeof value.day === 'number' ? value.day : 1)}`;
  }
  return value;
}

/** Without the keys whose value is undefined (a parsed sun point has `notBefore: undefined`). */
export function defined(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/**
 * The document in a file's form, whichever form it came in (a file's text from central's desired state, or the
 * parsed form a gateway reports for the schedules of its own config); undefined when it is not a lighting schedule.
 */
export function lightingDocument(document: unknown): LightingDocument | undefined {
  if (!isObject(document) || !isObject(document.calendar) || !isObject(document.programmes)) return undefined;
  const { calendar } = document;
  if (typeof calendar.defaultProgrammeId !== 'string' || !Array.isArray(calendar.rules)) return undefined;
  const programmes: Record<string, Programme> = {};
  for (const [id, programme] of Object.entries(document.programmes)) {
    if (!isObject(programme) || !Array.isArray(programme.points)) return undefined;
    programmes[id] = {
      points: programme.points.map((point: unknown) => {
        const p = isObject(point) ? point : {};
        return defined({
          ...p,
          at: timeText(p.at),
          notBefore: timeText(p.notBefore),
          notAfter: timeText(p.notAfter),
          offsetMinutes: p.offsetMinutes === 0 ? undefined : p.offsetMinutes,
        }) as unknown as LightingPoint;
      }),
    };
  }
  return { calendar: calendarOf(calendar.defaultProgrammeId, calendar.rules), programmes };
}

/** A calendar in a file's form, its dates as `YYYY-MM-DD` whichever form they came in. */
export function calendarOf(defaultProgrammeId: string, rules: readonly unknown[]): LightingDocument['calendar'] {
  return {
    defaultProgrammeId,
    rules: rules.map((rule: unknown) => {
      const r = isObject(rule) ? rule : {};
      return defined({
        ...r,
        from: dateText(r.from),
        to: dateText(r.to),
        dates: Array.isArray(r.dates) ? r.dates.map(dateText) : undefined,
      }) as unknown as CalendarRule;
    }),
  };
}

/** Minutes from 12:00 (the start of a night) to `HH:MM`: 23:00 is 660, 05:00 is 1020. */
export function nightMinutes(time: string): number {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return (hour * 60 + minute + 12 * 60) % (24 * 60);
}

const isOn = (value: LightingValue) => value === true || (typeof value === 'number' && value > 0);
const isEvening = (point: LightingPoint, before: number) =>
  'sun' in point ? EVENING.includes(point.sun) : nightMinutes(point.at) < before;
/** A switch-on of the evening: at a sun event of the evening, or at a fixed time before `before`. */
const isEveningOn = (point: LightingPoint, before: number) => isEvening(point, before) && isOn(point.value);
/** A switch-off of the morning: at a sun event of the morning, or at a fixed time after `after`. */
const isMorningOff = (point: LightingPoint, after: number) =>
  ('sun' in point ? !EVENING.includes(point.sun) : nightMinutes(point.at) > after) && !isOn(point.value);

/** Why an edit cannot be made, in the screen's words (a key of the catalogue's `planning.problems`). */
export type EditProblem = 'cutOrder' | 'noProgramme' | 'badTime' | 'badDate';
export type Edit = { readonly document: LightingDocument } | { readonly problem: EditProblem };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function withProgramme(document: LightingDocument, id: string, programme: Programme): LightingDocument {
  return { ...document, programmes: { ...document.programmes, [id]: programme } };
}

/**
 * Programme `programmeId` with a night cut: off at `from`, on again at `to` (`to` after `from` in the night, noon to
 * noon), instead of the cut it had. The evening's switch-ons before the cut and the morning's switch-offs after it
 * stay; every other point (a previous cut's off and on, fixed times within the cut) goes. The lamps come back on at
 * the value they had in the evening.
 */
export function withNightCut(document: LightingDocument, programmeId: string, from: string, to: string): Edit {
  const programme = document.programmes[programmeId];
  if (programme === undefined) return { problem: 'noProgramme' };
  if (!TIME.test(from) || !TIME.test(to)) return { problem: 'badTime' };
  const [start, end] = [nightMinutes(from), nightMinutes(to)];
  if (end <= start) return { problem: 'cutOrder' };
  const evening = programme.points.filter((point) => isEveningOn(point, start));
  const morning = programme.points.filter((point) => isMorningOff(point, end));
  const lit = evening.map((point) => point.value).findLast(isOn) ?? true;
  const points: LightingPoint[] = [...evening, { at: from, value: false }, { at: to, value: lit }, ...morning];
  return { document: withProgramme(document, programmeId, { points }) };
}

/** The id of the programme of a one-date exception. */
export function exceptionId(date: string): string {
  return `exception-${date}`;
}

/**
 * An exception for one night, `date` ("14 juillet: allumé jusqu'à 01:00"): a programme of its own — the evening's
 * switch-ons of `baseProgrammeId` (the programme that night would have), then off at `offAt`, or at sunrise when
 * `offAt` is undefined — chosen by a `dates` rule put first, so it wins over every other rule. The rest of the
 * document is left as it is; an exception already made for that date is replaced.
 */
export function withDateException(
  document: LightingDocument,
  date: string,
  baseProgrammeId: string,
  offAt: string | undefined,
): Edit {
  const base = document.programmes[baseProgrammeId];
  if (base === undefined) return { problem: 'noProgramme' };
  if (!DATE.test(date)) return { problem: 'badDate' };
  if (offAt !== undefined && !TIME.test(offAt)) return { problem: 'badTime' };
  const firstOff = base.points.findIndex((point) => !isOn(point.value));
  const evening = (firstOff === -1 ? base.points : base.points.slice(0, firstOff)).filter(
    (point) => offAt === undefined || isEvening(point, nightMinutes(offAt)),
  );
  const on: LightingPoint[] = evening.length > 0 ? evening : [{ sun: 'sunset', value: true }];
  const off: LightingPoint = offAt === undefined ? { sun: 'sunrise', value: false } : { at: offAt, value: false };
  const id = exceptionId(date);
  const rules = document.calendar.rules.filter((rule) => rule.programmeId !== id);
  return {
    document: {
      calendar: { ...document.calendar, rules: [{ kind: 'dates', programmeId: id, dates: [date] }, ...rules] },
      programmes: { ...document.programmes, [id]: { points: [...on, off] } },
    },
  };
}

/** The document with rule `index` moved one place up (-1, it wins over one more rule) or down (+1). */
export function withRuleMoved<D extends CalendarDocument>(document: D, index: number, by: -1 | 1): D {
  const rules = [...document.calendar.rules];
  const [rule] = rules.splice(index, 1);
  if (rule === undefined || index + by < 0 || index + by > rules.length) return document;
  rules.splice(index + by, 0, rule);
  return { ...document, calendar: { ...document.calendar, rules } };
}

/** The document with rule `index` removed; a programme only that rule used (an exception's) goes with it. */
export function withoutRule<D extends CalendarDocument>(document: D, index: number): D {
  const removed = document.calendar.rules[index];
  if (removed === undefined) return document;
  const rules = document.calendar.rules.filter((_, i) => i !== index);
  const used = new Set([document.calendar.defaultProgrammeId, ...rules.map((rule) => rule.programmeId)]);
  const programmes =
    removed.programmeId.startsWith('exception-') && !used.has(removed.programmeId)
      ? Object.fromEntries(Object.entries(document.programmes).filter(([id]) => id !== removed.programmeId))
      : document.programmes;
  return { ...document, calendar: { ...document.calendar, rules }, programmes };
}

/** The document with `rule` added last (the rules before it keep winning over it). */
export function withRule<D extends CalendarDocument>(document: D, rule: CalendarRule): D {
  return { ...document, calendar: { ...document.calendar, rules: [...document.calendar.rules, rule] } };
}

/** The document with rule `index` replaced by `rule`, in the same place of the precedence. */
export function withRuleReplaced<D extends CalendarDocument>(document: D, index: number, rule: CalendarRule): D {
  if (index < 0 || index >= document.calendar.rules.length) return document;
  const rules = document.calendar.rules.map((current, i) => (i === index ? rule : current));
  return { ...document, calendar: { ...document.calendar, rules } };
}

/** The document with programme `programmeId`'s points replaced. */
export function withPoints(
  document: LightingDocument,
  programmeId: string,
  points: readonly LightingPoint[],
): LightingDocument {
  return withProgramme(document, programmeId, { points });
}

const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Why a programme cannot be added: an id the engine refuses (a-z, 0-9, "-", "_", ".") or one already there. */
export type ProgrammeProblem = 'badProgrammeId' | 'programmeExists';

/**
 * The document with a new programme `id` (a weekday's, say), chosen by no rule yet: a calendar rule then picks the
 * days it runs.
 */
export function withNewProgramme<D extends CalendarDocument>(
  document: D,
  id: string,
  programme: D['programmes'][string],
): { readonly document: D } | { readonly problem: ProgrammeProblem } {
  if (!IDENTIFIER.test(id)) return { problem: 'badProgrammeId' };
  if (Object.hasOwn(document.programmes, id)) return { problem: 'programmeExists' };
  return { document: { ...document, programmes: { ...document.programmes, [id]: programme } } };
}
