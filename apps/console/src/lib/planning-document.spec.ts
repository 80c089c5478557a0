import {
  exceptionId,
  lightingDocument,
  type LightingDocument,
  withDateException,
  withNightCut,
  withNewProgramme,
  withoutRule,
  withRuleMoved,
  withRuleReplaced,
} from './planning-document';

/** config/schedules/eclairage-saint-quentin.yaml, in a file's form. */
const SAINT_QUENTIN: LightingDocument = {
  calendar: {
    defaultProgrammeId: 'nuit',
    rules: [
      { kind: 'publicHoliday', zone: 'metropole', programmeId: 'toute-la-nuit' },
      { kind: 'yearlyDate', month: 12, day: 31, programmeId: 'toute-la-nuit' },
    ],
  },
  programmes: {
    nuit: {
      points: [
        { sun: 'sunset', offsetMinutes: 15, value: true },
        { at: '23:00', value: false },
        { at: '05:30', value: true },
        { sun: 'sunrise', value: false },
      ],
    },
    'toute-la-nuit': {
      points: [
        { sun: 'sunset', offsetMinutes: 15, value: true },
        { sun: 'sunrise', value: false },
      ],
    },
  },
};

const edited = (edit: ReturnType<typeof withNightCut>): LightingDocument => {
  if (!('document' in edit)) throw new Error(`refused: ${edit.problem}`);
  return edit.document;
};

describe('a lighting document as the Planning screen reads it', () => {
  it('turns the parsed form a gateway reports for its config back into a file form', () => {
    const reported = {
      calendar: {
        defaultProgrammeId: 'nuit',
        rules: [
          {
            kind: 'dateRange',
            programmeId: 'nuit',
            from: { year: 2027, month: 7, day: 1 },
            to: { year: 2027, month: 8, day: 31 },
          },
        ],
      },
      programmes: {
        nuit: {
          points: [
            { sun: 'sunset', offsetMinutes: 0, value: true },
            { at: { hour: 23, minute: 0 }, value: false },
            { sun: 'sunrise', offsetMinutes: -10, notAfter: { hour: 7, minute: 30 }, value: false },
          ],
        },
      },
    };
    expect(lightingDocument(reported)).toEqual({
      calendar: {
        defaultProgrammeId: 'nuit',
        rules: [{ kind: 'dateRange', programmeId: 'nuit', from: '2027-07-01', to: '2027-08-31' }],
      },
      programmes: {
        nuit: {
          points: [
            { sun: 'sunset', value: true },
            { at: '23:00', value: false },
            { sun: 'sunrise', offsetMinutes: -10, notAfter: '07:30', value: false },
          ],
        },
      },
    });
    expect(lightingDocument(SAINT_QUENTIN)).toEqual(SAINT_QUENTIN);
  });

  it('is not a lighting document without a calendar and programmes', () => {
    expect(lightingDocument({ sequences: {}, calendar: { defaultProgrammeId: 'x', rules: [] } })).toBeUndefined();
    expect(lightingDocument(null)).toBeUndefined();
  });
});

describe('a night cut', () => {
  it('replaces the fixed times within the cut and keeps the evening and the morning', () => {
    const cut = edited(withNightCut(SAINT_QUENTIN, 'nuit', '23:00', '05:00'));
    expect(cut.programmes.nuit?.points).toEqual([
      { sun: 'sunset', offsetMinutes: 15, value: true },
      { at: '23:00', value: false },
      { at: '05:00', value: true },
      { sun: 'sunrise', value: false },
    ]);
    expect(cut.programmes['toute-la-nuit']).toBe(SAINT_QUENTIN.programmes['toute-la-nuit']);
    expect(SAINT_QUENTIN.programmes.nuit?.points[2]).toEqual({ at: '05:30', value: true });
  });

  it('cuts a programme lit all night, coming back at the evening level', () => {
    const dimmed: LightingDocument = {
      ...SAINT_QUENTIN,
      programmes: {
        nuit: {
          points: [
            { sun: 'sunset', value: 60 },
            { sun: 'sunrise', value: false },
          ],
        },
      },
    };
    expect(edited(withNightCut(dimmed, 'nuit', '00:30', '04:45')).programmes.nuit?.points).toEqual([
      { sun: 'sunset', value: 60 },
      { at: '00:30', value: false },
      { at: '04:45', value: 60 },
      { sun: 'sunrise', value: false },
    ]);
  });

  it('refuses an end before the start in the night, a bad time and an unknown programme', () => {
    expect(withNightCut(SAINT_QUENTIN, 'nuit', '05:00', '23:00')).toEqual({ problem: 'cutOrder' });
    expect(withNightCut(SAINT_QUENTIN, 'nuit', '25:00', '05:00')).toEqual({ problem: 'badTime' });
    expect(withNightCut(SAINT_QUENTIN, 'absent', '23:00', '05:00')).toEqual({ problem: 'noProgramme' });
  });
});

describe('an exception for one date', () => {
  it('adds a programme of its own chosen by a first rule, lit from the evening until the time given', () => {
    const july = edited(withDateException(SAINT_QUENTIN, '2027-07-14', 'nuit', '01:00'));
    expect(july.calendar.rules[0]).toEqual({
      kind: 'dates',
      programmeId: exceptionId('2027-07-14'),
      dates: ['2027-07-14'],
    });
    expect(july.calendar.rules.slice(1)).toEqual(SAINT_QUENTIN.calendar.rules);
    expect(july.programmes['exception-2027-07-14']?.points).toEqual([
      { sun: 'sunset', offsetMinutes: 15, value: true },
      { at: '01:00', value: false },
    ]);
    expect(july.programmes.nuit).toBe(SAINT_QUENTIN.programmes.nuit);
  });

  it('replaces an exception already made for that date, and lights until sunrise without a time', () => {
    const first = edited(withDateException(SAINT_QUENTIN, '2027-07-14', 'nuit', '01:00'));
    const again = edited(withDateException(first, '2027-07-14', 'nuit', undefined));
    expect(again.calendar.rules.filter((rule) => rule.kind === 'dates')).toHaveLength(1);
    expect(again.programmes['exception-2027-07-14']?.points).toEqual([
      { sun: 'sunset', offsetMinutes: 15, value: true },
      { sun: 'sunrise', value: false },
    ]);
  });

  it('goes away with its rule', () => {
    const july = edited(withDateException(SAINT_QUENTIN, '2027-07-14', 'nuit', '01:00'));
    expect(withoutRule(july, 0)).toEqual(SAINT_QUENTIN);
  });
});

describe('the order of the rules', () => {
  it('moves a rule up or down, and leaves the document alone past either end', () => {
    const moved = withRuleMoved(SAINT_QUENTIN, 1, -1);
    expect(moved.calendar.rules.map((rule) => rule.kind)).toEqual(['yearlyDate', 'publicHoliday']);
    expect(withRuleMoved(SAINT_QUENTIN, 0, -1)).toBe(SAINT_QUENTIN);
    expect(withRuleMoved(SAINT_QUENTIN, 1, 1)).toBe(SAINT_QUENTIN);
  });
});

describe('a rule edited in place', () => {
  it('replaces the rule at its rank in the precedence, the others untouched', () => {
    const easter = { kind: 'easterOffset', offsetDays: 1, programmeId: 'toute-la-nuit' } as const;
    const edited = withRuleReplaced(SAINT_QUENTIN, 0, easter);
    expect(edited.calendar.rules).toEqual([easter, SAINT_QUENTIN.calendar.rules[1]]);
    expect(edited.programmes).toBe(SAINT_QUENTIN.programmes);
    expect(SAINT_QUENTIN.calendar.rules[0]?.kind).toBe('publicHoliday');
    expect(withRuleReplaced(SAINT_QUENTIN, 2, easter)).toBe(SAINT_QUENTIN);
  });
});

describe('a new programme', () => {
  it('is added under an id the engine takes, and chosen by no rule until one is added', () => {
    const added = withNewProgramme(SAINT_QUENTIN, 'samedi', { points: [{ sun: 'sunset', value: true }] });
    expect(added).toEqual({
      document: {
        ...SAINT_QUENTIN,
        programmes: { ...SAINT_QUENTIN.programmes, samedi: { points: [{ sun: 'sunset', value: true }] } },
      },
    });
    expect(withNewProgramme(SAINT_QUENTIN, 'Samedi soir', { points: [] })).toEqual({ problem: 'badProgrammeId' });
    expect(withNewProgramme(SAINT_QUENTIN, 'nuit', { points: [] })).toEqual({ problem: 'programmeExists' });
  });
});
