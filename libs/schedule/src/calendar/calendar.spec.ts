import { DocumentException } from '@beffroi/domain/validation/document.exception';
import shipped from '../../../../config/data/school-holidays-fr-2026-2027.json';
import { parseSchoolHolidays } from '../holidays/school-holidays';
import { parseLocalDate } from '../time/local-date';
import { type Calendar, parseCalendar, type ProgrammeChoice, programmeFor } from './calendar';

const schoolHolidays = parseSchoolHolidays(shipped, 'config/data/school-holidays-fr-2026-2027.json');

/** A calendar with one rule, choosing `hit`, else `default`. */
function oneRule(rule: Record<string, unknown>): Calendar {
  return parseCalendar({ defaultProgrammeId: 'default', rules: [{ programmeId: 'hit', ...rule }] }, 'calendar.yaml');
}

function chosen(calendar: Calendar, date: string): string {
  const choice = programmeFor(calendar, parseLocalDate(date), { schoolHolidays });
  return 'programmeId' in choice ? choice.programmeId : `unknown: ${choice.unknown}`;
}

describe('calendar rules', () => {
  // rule, date, programme chosen
  it.each<[string, Record<string, unknown>, string, string]>([
    ['date range, first day', { kind: 'dateRange', from: '2026-12-01', to: '2027-01-06' }, '2026-12-01', 'hit'],
    ['date range, last day', { kind: 'dateRange', from: '2026-12-01', to: '2027-01-06' }, '2027-01-06', 'hit'],
    ['date range, day after', { kind: 'dateRange', from: '2026-12-01', to: '2027-01-06' }, '2027-01-07', 'default'],
    ['yearly date', { kind: 'yearlyDate', month: 7, day: 13 }, '2027-07-13', 'hit'],
    ['yearly date, other year', { kind: 'yearlyDate', month: 7, day: 13 }, '2031-07-13', 'hit'],
    ['yearly date, other day', { kind: 'yearlyDate', month: 7, day: 13 }, '2027-07-14', 'default'],
    ['29 February in a leap year', { kind: 'yearlyDate', month: 2, day: 29 }, '2028-02-29', 'hit'],
    ['29 February rule, 28th of a common year', { kind: 'yearlyDate', month: 2, day: 29 }, '2027-02-28', 'default'],
    ['weekdays by number', { kind: 'weekdays', weekdays: [6, 7] }, '2027-03-27', 'hit'],
    ['weekdays by name', { kind: 'weekdays', weekdays: ['saturday', 'sunday'] }, '2027-03-28', 'hit'],
    ['weekdays, a Monday', { kind: 'weekdays', weekdays: ['saturday', 'sunday'] }, '2027-03-29', 'default'],
    ['1st Sunday', { kind: 'nthWeekday', weekday: 7, nth: 1 }, '2027-03-07', 'hit'],
    ['1st Sunday, the 2nd one', { kind: 'nthWeekday', weekday: 7, nth: 1 }, '2027-03-14', 'default'],
    [
      'last Sunday of March (DST day)',
      { kind: 'nthWeekday', weekday: 7, nth: 'last', months: [3] },
      '2027-03-28',
      'hit',
    ],
    ['last Sunday, 4th but not last', { kind: 'nthWeekday', weekday: 7, nth: 'last' }, '2027-05-23', 'default'],
    ['last Sunday of May', { kind: 'nthWeekday', weekday: 7, nth: 'last' }, '2027-05-30', 'hit'],
    [
      'last Sunday, wrong month',
      { kind: 'nthWeekday', weekday: 7, nth: 'last', months: [10] },
      '2027-03-28',
      'default',
    ],
    ['5th Friday', { kind: 'nthWeekday', weekday: 'friday', nth: 5 }, '2027-04-30', 'hit'],
    ['public holiday', { kind: 'publicHoliday', zone: 'metropole' }, '2027-05-17', 'hit'],
    ['public holiday, Alsace only', { kind: 'publicHoliday', zone: 'metropole' }, '2027-03-26', 'default'],
    ['public holiday in Alsace-Moselle', { kind: 'publicHoliday', zone: 'alsace-moselle' }, '2027-03-26', 'hit'],
    ['public holiday in Réunion', { kind: 'publicHoliday', zone: 'la-reunion' }, '2026-12-20', 'hit'],
    ['school holiday', { kind: 'schoolHoliday', zone: 'C' }, '2027-02-08', 'hit'],
    ['school day', { kind: 'schoolHoliday', zone: 'A' }, '2027-02-08', 'default'],
    ['Easter Sunday', { kind: 'easterOffset', offsetDays: 0 }, '2027-03-28', 'hit'],
    ['Good Friday', { kind: 'easterOffset', offsetDays: -2 }, '2026-04-03', 'hit'],
    ['Ascension', { kind: 'easterOffset', offsetDays: 39 }, '2027-05-06', 'hit'],
    ['Easter offset, other day', { kind: 'easterOffset', offsetDays: 39 }, '2027-05-07', 'default'],
    ['explicit dates', { kind: 'dates', dates: ['2027-06-21', '2027-07-13'] }, '2027-07-13', 'hit'],
    ['explicit dates, other day', { kind: 'dates', dates: ['2027-06-21', '2027-07-13'] }, '2027-07-12', 'default'],
  ])('%s: %s', (_label, rule, date, expected) => {
    expect(chosen(oneRule(rule), date)).toBe(expected);
  });
});

describe('programmeFor', () => {
  const calendar = parseCalendar(
    {
      defaultProgrammeId: 'normal',
      rules: [
        { kind: 'dates', dates: ['2027-07-13'], programmeId: 'bal-des-pompiers' },
        { kind: 'publicHoliday', zone: 'metropole', programmeId: 'holiday' },
        { kind: 'schoolHoliday', zone: 'B', programmeId: 'school-closed' },
        { kind: 'weekdays', weekdays: ['saturday', 'sunday'], programmeId: 'weekend' },
      ],
    },
    'calendar.yaml',
  );

  it.each<[string, ProgrammeChoice]>([
    ['2027-07-13', { programmeId: 'bal-des-pompiers', ruleIndex: 0 }],
    // A public holiday during school holidays: the earlier rule wins.
    ['2026-11-01', { programmeId: 'holiday', ruleIndex: 1 }],
    ['2026-10-20', { programmeId: 'school-closed', ruleIndex: 2 }],
    ['2026-11-07', { programmeId: 'weekend', ruleIndex: 3 }],
    ['2026-11-09', { programmeId: 'normal', ruleIndex: null }],
    // Beyond the data: a holiday rule before it still decides, anything after the school rule cannot.
    ['2027-07-14', { programmeId: 'holiday', ruleIndex: 1 }],
    [
      '2027-07-10',
      {
        unknown:
          "rule 2 (schoolHoliday): 2027-07-10 is outside the school-holiday data's horizon (2026-09-01 to 2027-07-03)",
        ruleIndex: 2,
      },
    ],
  ])('%s → %j', (date, expected) => {
    expect(programmeFor(calendar, parseLocalDate(date), { schoolHolidays })).toEqual(expected);
  });

  it('reports unknown for a zone the data lacks', () => {
    const corsica = oneRule({ kind: 'schoolHoliday', zone: 'corse' });
    expect(chosen(corsica, '2026-10-20')).toBe(
      `unknown: rule 0 (schoolHoliday): school-holiday data (${schoolHolidays.source}) has no calendar for zone corse`,
    );
  });

  it('reports unknown when no school-holiday data is given', () => {
    const choice = programmeFor(oneRule({ kind: 'schoolHoliday', zone: 'A' }), parseLocalDate('2026-10-20'));
    expect(choice).toEqual({
      unknown: 'rule 0 (schoolHoliday): no school-holiday data was given to decide 2026-10-20 in zone A',
      ruleIndex: 0,
    });
  });

  it('uses the default programme when there are no rules', () => {
    const empty = parseCalendar({ defaultProgrammeId: 'normal', rules: [] }, 'calendar.yaml');
    expect(programmeFor(empty, parseLocalDate('2027-01-01'))).toEqual({ programmeId: 'normal', ruleIndex: null });
  });
});

describe('parseCalendar rejects a bad calendar, naming the path', () => {
  function problemsOf(input: unknown): string {
    try {
      parseCalendar(input, 'calendar.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(DocumentException);
      return (error as DocumentException).message;
    }
    throw new Error('expected the calendar to be rejected');
  }

  const withRule = (rule: Record<string, unknown>) => ({
    defaultProgrammeId: 'normal',
    rules: [
      { kind: 'weekdays', weekdays: [7], programmeId: 'sunday' },
      { programmeId: 'hit', ...rule },
    ],
  });

  it.each<[string, unknown, string]>([
    ['no default', { rules: [] }, 'defaultProgrammeId'],
    ['an unknown kind', withRule({ kind: 'fullMoon' }), 'rules[1].kind: expected a rule kind'],
    ['a range backwards', withRule({ kind: 'dateRange', from: '2027-02-01', to: '2027-01-01' }), 'rules[1].to'],
    ['an impossible date', withRule({ kind: 'dates', dates: ['2027-02-29'] }), 'rules[1].dates[0]: invalid local date'],
    ['31 April', withRule({ kind: 'yearlyDate', month: 4, day: 31 }), 'rules[1].day: no such day in that month'],
    ['month 13', withRule({ kind: 'yearlyDate', month: 13, day: 1 }), 'rules[1].month: expected a month 1..12'],
    ['weekday 0', withRule({ kind: 'weekdays', weekdays: [0] }), 'rules[1].weekdays[0]: expected a weekday'],
    ['a weekday in French', withRule({ kind: 'weekdays', weekdays: ['dimanche'] }), 'rules[1].weekdays[0]'],
    [
      '6th Sunday',
      withRule({ kind: 'nthWeekday', weekday: 7, nth: 6 }),
      'rules[1].nth: expected 1, 2, 3, 4, 5 or "last"',
    ],
    [
      'a department as zone',
      withRule({ kind: 'publicHoliday', zone: '974' }),
      'rules[1].zone: expected a holiday zone',
    ],
    ['a national zone', withRule({ kind: 'publicHoliday', zone: 'national' }), 'rules[1].zone'],
    ['school zone D', withRule({ kind: 'schoolHoliday', zone: 'D' }), 'rules[1].zone: expected a school zone'],
    ['half a day', withRule({ kind: 'easterOffset', offsetDays: 1.5 }), 'rules[1].offsetDays'],
    [
      'no programme',
      { defaultProgrammeId: 'normal', rules: [{ kind: 'weekdays', weekdays: [1] }] },
      'rules[0].programmeId',
    ],
    ['an unknown key', withRule({ kind: 'weekdays', weekdays: [1], from: '2027-01-01' }), 'unknown key "from"'],
  ])('%s', (_label, input, expected) => {
    const message = problemsOf(input);
    expect(message).toContain('calendar.yaml');
    expect(message).toContain(expected);
  });
});
