import { type CalendarRule, HOLIDAY_ZONES, SCHOOL_ZONES } from './planning-document';

/**
 * The calendar rule form of the Planning screen: every kind of rule the engine knows (libs/schedule's calendar), as
 * the fields a person fills in, turned into a rule as a schedule file writes it — or into the reason it cannot be,
 * in the screen's words — and back, so a rule of the document can be edited in place.
 */

export const RULE_KINDS = [
  'publicHoliday',
  'schoolHoliday',
  'dateRange',
  'dates',
  'yearlyDate',
  'weekdays',
  'nthWeekday',
  'easterOffset',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** ISO weekdays: 1 is Monday, 7 is Sunday. */
export const WEEKDAY_NUMBERS = [1, 2, 3, 4, 5, 6, 7] as const;
export const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const NTH_CHOICES = ['1', '2', '3', '4', '5', 'last'] as const;
export const MONTH_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

/** Every field of every kind; only those of `kind` are read. Dates are `YYYY-MM-DD`, as a date input gives them. */
export interface RuleForm {
  kind: RuleKind;
  programmeId: string;
  zone: string;
  schoolZone: string;
  from: string;
  to: string;
  /** One-off dates, several separated by commas or spaces. */
  dates: string;
  month: number;
  day: number;
  weekdays: number[];
  weekday: number;
  nth: (typeof NTH_CHOICES)[number];
  /** Months an nth weekday is limited to; none for every month. */
  months: number[];
  offsetDays: number;
}

/** Why the form does not make a rule (a key of the catalogue's `planning.ruleProblems`). */
export type RuleProblem =
  'badZone' | 'badDate' | 'dateOrder' | 'noDate' | 'badDay' | 'noWeekday' | 'badOffset' | 'noProgramme';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Days of each month in a leap year: 29 February is a valid yearly date (it matches in leap years only). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A blank form for a new rule choosing `programmeId`. */
export function emptyRuleForm(programmeId: string): RuleForm {
  return {
    kind: 'publicHoliday',
    programmeId,
    zone: HOLIDAY_ZONES[0],
    schoolZone: 'B',
    from: '',
    to: '',
    dates: '',
    month: 1,
    day: 1,
    weekdays: [],
    weekday: 1,
    nth: '1',
    months: [],
    offsetDays: 0,
  };
}

/** 1..7 for a weekday written as a number or by its English name (`wednesday`), as a file may write it. */
export function weekdayNumber(day: number | string): number {
  return typeof day === 'number' ? day : WEEKDAY_NAMES.indexOf(day as (typeof WEEKDAY_NAMES)[number]) + 1;
}

/** The form holding `rule`, to edit it. */
export function ruleForm(rule: CalendarRule): RuleForm {
  const form = emptyRuleForm(rule.programmeId);
  switch (rule.kind) {
    case 'publicHoliday':
      return { ...form, kind: rule.kind, zone: rule.zone };
    case 'schoolHoliday':
      return { ...form, kind: rule.kind, schoolZone: rule.zone };
    case 'dateRange':
      return { ...form, kind: rule.kind, from: rule.from, to: rule.to };
    case 'dates':
      return { ...form, kind: rule.kind, dates: rule.dates.join(', ') };
    case 'yearlyDate':
      return { ...form, kind: rule.kind, month: rule.month, day: rule.day };
    case 'weekdays':
      return { ...form, kind: rule.kind, weekdays: rule.weekdays.map(weekdayNumber) };
    case 'nthWeekday':
      return {
        ...form,
        kind: rule.kind,
        weekday: weekdayNumber(rule.weekday),
        nth: rule.nth === 'last' ? 'last' : (String(rule.nth) as RuleForm['nth']),
        months: [...(rule.months ?? [])],
      };
    case 'easterOffset':
      return { ...form, kind: rule.kind, offsetDays: rule.offsetDays };
  }
}

/** A real calendar date `YYYY-MM-DD` (not 2027-02-30). */
function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [year = 0, month = 1, day = 1] = text.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const sorted = (values: readonly number[]) => [...new Set(values)].sort((a, b) => a - b);

/**
 * The rule the form describes, as a schedule file writes it, or what is wrong with it: a date that is not one, a
 * period that ends before it starts, no date or weekday chosen, a day the month does not have, an Easter offset
 * outside −200..200 days, a zone the engine does not know, or a programme the document lacks (`programmeIds`).
 */
export function ruleFromForm(
  form: RuleForm,
  programmeIds: readonly string[],
): { readonly rule: CalendarRule } | { readonly problem: RuleProblem } {
  const { programmeId } = form;
  if (!programmeIds.includes(programmeId)) return { problem: 'noProgramme' };
  switch (form.kind) {
    case 'publicHoliday':
      return HOLIDAY_ZONES.some((zone) => zone === form.zone)
        ? { rule: { kind: form.kind, zone: form.zone, programmeId } }
        : { problem: 'badZone' };
    case 'schoolHoliday':
      return SCHOOL_ZONES.some((zone) => zone === form.schoolZone)
        ? { rule: { kind: form.kind, zone: form.schoolZone, programmeId } }
        : { problem: 'badZone' };
    case 'dateRange':
      if (!isDate(form.from) || !isDate(form.to)) return { problem: 'badDate' };
      if (form.to < form.from) return { problem: 'dateOrder' };
      return { rule: { kind: form.kind, from: form.from, to: form.to, programmeId } };
    case 'dates': {
      const dates = form.dates.split(/[\s,;]+/).filter((date) => date !== '');
      if (dates.length === 0) return { problem: 'noDate' };
      if (!dates.every(isDate)) return { problem: 'badDate' };
      return { rule: { kind: form.kind, dates: [...new Set(dates)].sort(), programmeId } };
    }
    case 'yearlyDate': {
      const days = MONTH_DAYS[form.month - 1];
      if (days === undefined || !Number.isInteger(form.day) || form.day < 1 || form.day > days) {
        return { problem: 'badDay' };
      }
      return { rule: { kind: form.kind, month: form.month, day: form.day, programmeId } };
    }
    case 'weekdays':
      if (form.weekdays.length === 0) return { problem: 'noWeekday' };
      return { rule: { kind: form.kind, weekdays: sorted(form.weekdays), programmeId } };
    case 'nthWeekday':
      return {
        rule: {
          kind: form.kind,
          weekday: form.weekday,
          nth: form.nth === 'last' ? 'last' : Number(form.nth),
          ...(form.months.length === 0 ? {} : { months: sorted(form.months) }),
          programmeId,
        },
      };
    case 'easterOffset':
      if (!Number.isInteger(form.offsetDays) || Math.abs(form.offsetDays) > 200) return { problem: 'badOffset' };
      return { rule: { kind: form.kind, offsetDays: form.offsetDays, programmeId } };
  }
}
