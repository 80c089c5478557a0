import type { LightingDocument } from './planning-document';
import { causeWords, pointWords, precedence, ruleWords, valueWords } from './planning-words';

const DOCUMENT: LightingDocument = {
  calendar: {
    defaultProgrammeId: 'nuit',
    rules: [
      { kind: 'dates', programmeId: 'fete', dates: ['2027-07-14'] },
      { kind: 'publicHoliday', zone: 'metropole', programmeId: 'toute-la-nuit' },
    ],
  },
  programmes: {
    nuit: {
      points: [
        { sun: 'sunset', offsetMinutes: 15, notBefore: '17:00', value: true },
        { at: '23:00', value: false },
      ],
    },
    fete: {
      points: [
        { sun: 'sunset', value: true },
        { at: '01:00', value: false },
      ],
    },
    'toute-la-nuit': {
      points: [
        { sun: 'sunset', value: true },
        { sun: 'sunrise', value: false },
      ],
    },
  },
};

describe('the Planning screen in words', () => {
  it('says the precedence of the rules explicitly: the first that applies wins, then the default', () => {
    expect(precedence(DOCUMENT)).toEqual({
      rules: [
        { index: 0, label: 'Règle 1 (prioritaire)', selects: 'le 14 juillet 2027', programme: '→ programme « fete »' },
        {
          index: 1,
          label: 'Règle 2',
          selects: 'les jours fériés (metropole)',
          programme: '→ programme « toute-la-nuit »',
        },
      ],
      otherwise: 'Sinon : programme « nuit » (par défaut)',
    });
  });

  it('says switch points, values and rules the French way', () => {
    expect(pointWords({ sun: 'sunset', offsetMinutes: 15, notBefore: '17:00', value: true })).toBe(
      'au coucher du soleil + 15 min, pas avant 17:00',
    );
    expect(pointWords({ sun: 'sunrise', offsetMinutes: -10, value: false })).toBe('au lever du soleil − 10 min');
    expect(pointWords({ at: '05:30', value: true })).toBe('à 05:30');
    expect([valueWords(true), valueWords(false), valueWords(40), valueWords(0)]).toEqual([
      'allumé',
      'éteint',
      '40 %',
      'éteint',
    ]);
    expect(ruleWords({ kind: 'weekdays', programmeId: 'x', weekdays: [1, 'sunday'] })).toBe('les lundis, dimanches');
    expect(ruleWords({ kind: 'yearlyDate', programmeId: 'x', month: 12, day: 31 })).toBe('chaque année le 31 décembre');
    expect(ruleWords({ kind: 'dateRange', programmeId: 'x', from: '2027-07-01', to: '2027-08-31' })).toBe(
      'du 1 juillet 2027 au 31 août 2027',
    );
  });

  it('says every kind of calendar rule, the nth weekday and Easter included', () => {
    expect(ruleWords({ kind: 'nthWeekday', programmeId: 'x', weekday: 2, nth: 2 })).toBe('le 2e mardi du mois');
    expect(ruleWords({ kind: 'nthWeekday', programmeId: 'x', weekday: 'sunday', nth: 'last', months: [3, 10] })).toBe(
      'le dernier dimanche du mois (en mars, octobre)',
    );
    expect(ruleWords({ kind: 'nthWeekday', programmeId: 'x', weekday: 1, nth: 1, months: [1] })).toBe(
      'le 1er lundi du mois (en janvier)',
    );
    expect(ruleWords({ kind: 'easterOffset', programmeId: 'x', offsetDays: 0 })).toBe('le dimanche de Pâques');
    expect(ruleWords({ kind: 'easterOffset', programmeId: 'x', offsetDays: -2 })).toBe('Pâques − 2 j');
    expect(ruleWords({ kind: 'easterOffset', programmeId: 'x', offsetDays: 39 })).toBe('Pâques + 39 j');
  });

  it('says why a switching happens: programme, point and the rule that chose it', () => {
    expect(causeWords({ programmeId: 'fete', pointIndex: 1, rule: { index: 0, kind: 'dates' } }, DOCUMENT)).toBe(
      'programme « fete », à 01:00, règle 1 (le 14 juillet 2027)',
    );
    expect(causeWords({ programmeId: 'nuit', pointIndex: 0, rule: null }, DOCUMENT)).toBe(
      'programme « nuit », au coucher du soleil + 15 min, pas avant 17:00, programme par défaut',
    );
  });
});
