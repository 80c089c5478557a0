import type { CalendarRule } from './planning-document';
import { emptyRuleForm, RULE_KINDS, ruleForm, ruleFromForm, type RuleForm } from './planning-rules';

const PROGRAMMES = ['nuit', 'toute-la-nuit'];
const form = (fields: Partial<RuleForm>): RuleForm => ({ ...emptyRuleForm('toute-la-nuit'), ...fields });

describe('the calendar rule form', () => {
  it('offers every kind of rule the engine knows', () => {
    expect([...RULE_KINDS].sort()).toEqual(
      [
        'dateRange',
        'dates',
        'easterOffset',
        'nthWeekday',
        'publicHoliday',
        'schoolHoliday',
        'weekdays',
        'yearlyDate',
      ].sort(),
    );
  });

  it('makes each kind of rule as a schedule file writes it', () => {
    const made = [
      form({ kind: 'publicHoliday', zone: 'alsace-moselle' }),
      form({ kind: 'schoolHoliday', schoolZone: 'C' }),
      form({ kind: 'dateRange', from: '2027-07-01', to: '2027-08-31' }),
      form({ kind: 'dates', dates: '2027-07-14, 2027-01-01 2027-07-14' }),
      form({ kind: 'yearlyDate', month: 2, day: 29 }),
      form({ kind: 'weekdays', weekdays: [6, 1, 6] }),
      form({ kind: 'nthWeekday', weekday: 7, nth: 'last', months: [10, 3] }),
      form({ kind: 'nthWeekday', weekday: 2, nth: '2' }),
      form({ kind: 'easterOffset', offsetDays: 39 }),
    ].map((fields) => ruleFromForm(fields, PROGRAMMES));
    const programmeId = 'toute-la-nuit';
    expect(made).toEqual([
      { rule: { kind: 'publicHoliday', zone: 'alsace-moselle', programmeId } },
      { rule: { kind: 'schoolHoliday', zone: 'C', programmeId } },
      { rule: { kind: 'dateRange', from: '2027-07-01', to: '2027-08-31', programmeId } },
      { rule: { kind: 'dates', dates: ['2027-01-01', '2027-07-14'], programmeId } },
      { rule: { kind: 'yearlyDate', month: 2, day: 29, programmeId } },
      { rule: { kind: 'weekdays', weekdays: [1, 6], programmeId } },
      { rule: { kind: 'nthWeekday', weekday: 7, nth: 'last', months: [3, 10], programmeId } },
      { rule: { kind: 'nthWeekday', weekday: 2, nth: 2, programmeId } },
      { rule: { kind: 'easterOffset', offsetDays: 39, programmeId } },
    ]);
  });

  it('names what is wrong instead of making a rule the engine would refuse', () => {
    const problems = [
      form({ kind: 'dateRange', from: '2027-07-01', to: '' }),
      form({ kind: 'dateRange', from: '2027-08-31', to: '2027-07-01' }),
      form({ kind: 'dates', dates: ' , ' }),
      form({ kind: 'dates', dates: '2027-02-30' }),
      form({ kind: 'yearlyDate', month: 4, day: 31 }),
      form({ kind: 'weekdays', weekdays: [] }),
      form({ kind: 'easterOffset', offsetDays: 201 }),
      form({ kind: 'easterOffset', offsetDays: 1.5 }),
      form({ kind: 'publicHoliday', zone: 'corse' }),
      form({ kind: 'weekdays', weekdays: [1], programmeId: 'fete' }),
    ].map((fields) => ruleFromForm(fields, PROGRAMMES));
    expect(problems).toEqual([
      { problem: 'badDate' },
      { problem: 'dateOrder' },
      { problem: 'noDate' },
      { problem: 'badDate' },
      { problem: 'badDay' },
      { problem: 'noWeekday' },
      { problem: 'badOffset' },
      { problem: 'badOffset' },
      { problem: 'badZone' },
      { problem: 'noProgramme' },
    ]);
  });

  it('gives back the form of a rule of the document, to edit it in place', () => {
    const rules: CalendarRule[] = [
      { kind: 'publicHoliday', zone: 'metropole', programmeId: 'nuit' },
      { kind: 'schoolHoliday', zone: 'A', programmeId: 'nuit' },
      { kind: 'dateRange', from: '2027-07-01', to: '2027-08-31', programmeId: 'nuit' },
      { kind: 'dates', dates: ['2027-01-01', '2027-07-14'], programmeId: 'nuit' },
      { kind: 'yearlyDate', month: 12, day: 31, programmeId: 'nuit' },
      { kind: 'weekdays', weekdays: [1, 3], programmeId: 'nuit' },
      { kind: 'nthWeekday', weekday: 7, nth: 'last', months: [3, 10], programmeId: 'nuit' },
      { kind: 'easterOffset', offsetDays: -2, programmeId: 'nuit' },
    ];
    expect(rules.map((rule) => ruleFromForm(ruleForm(rule), PROGRAMMES))).toEqual(rules.map((rule) => ({ rule })));
  });

  it('reads weekdays a file writes by name', () => {
    expect(ruleForm({ kind: 'weekdays', weekdays: ['wednesday', 'sunday'], programmeId: 'club' }).weekdays).toEqual([
      3, 7,
    ]);
    expect(ruleForm({ kind: 'nthWeekday', weekday: 'friday', nth: 3, programmeId: 'club' })).toMatchObject({
      weekday: 5,
      nth: '3',
      months: [],
    });
  });
});
