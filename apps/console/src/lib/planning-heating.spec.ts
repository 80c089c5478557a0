import { heatingDocument, type HeatingDocument, withHeatingPoints, withSetpoint } from './planning-heating';

/** config/schedules/chauffage-salle-des-fetes.yaml, in a file's form. */
const SALLE: HeatingDocument = {
  setpoints: { comfort: 19, eco: 16, frost: 8 },
  calendar: {
    defaultProgrammeId: 'hors-gel',
    rules: [
      { kind: 'dates', dates: ['2027-01-16', '2027-02-13'], programmeId: 'soiree' },
      { kind: 'weekdays', weekdays: ['wednesday'], programmeId: 'club' },
    ],
  },
  programmes: {
    'hors-gel': { points: [{ at: '12:00', value: 'frost' }] },
    soiree: {
      points: [
        { at: '16:00', value: 'comfort' },
        { at: '01:30', value: 'frost' },
      ],
    },
    club: {
      points: [
        { at: '12:00', value: 'comfort' },
        { at: '18:00', value: 'eco' },
        { at: '21:00', value: 'frost' },
      ],
    },
  },
};

const edited = (edit: ReturnType<typeof withSetpoint>): HeatingDocument => {
  if (!('document' in edit)) throw new Error(`refused: ${edit.problem}`);
  return edit.document;
};

describe('a heating schedule document', () => {
  it('reads the parsed form a gateway reports for its config as a file writes it', () => {
    const reported = {
      setpoints: { comfort: 19, eco: 16, frost: 8 },
      calendar: {
        defaultProgrammeId: 'hors-gel',
        rules: [
          {
            kind: 'dates',
            dates: [
              { year: 2027, month: 1, day: 16 },
              { year: 2027, month: 2, day: 13 },
            ],
            programmeId: 'soiree',
          },
          { kind: 'weekdays', weekdays: ['wednesday'], programmeId: 'club' },
        ],
      },
      programmes: {
        'hors-gel': { points: [{ at: { hour: 12, minute: 0 }, value: 'frost' }] },
        soiree: {
          points: [
            { at: { hour: 16, minute: 0 }, value: 'comfort' },
            { at: { hour: 1, minute: 30 }, value: 'frost' },
          ],
        },
        club: {
          points: [
            { at: { hour: 12, minute: 0 }, value: 'comfort' },
            { at: { hour: 18, minute: 0 }, value: 'eco' },
            { at: { hour: 21, minute: 0 }, value: 'frost' },
          ],
        },
      },
    };
    expect(heatingDocument(reported)).toEqual(SALLE);
    expect(heatingDocument(SALLE)).toEqual(SALLE);
  });

  it('is not a lighting or bell document', () => {
    expect(heatingDocument({ calendar: SALLE.calendar, programmes: SALLE.programmes })).toBeUndefined();
    expect(
      heatingDocument({ ...SALLE, programmes: { nuit: { points: [{ at: '23:00', value: false }] } } }),
    ).toBeUndefined();
  });
});

describe('the setpoints', () => {
  it('change one level, the document given untouched', () => {
    const warmer = edited(withSetpoint(SALLE, 'comfort', 20));
    expect(warmer.setpoints).toEqual({ comfort: 20, eco: 16, frost: 8 });
    expect(warmer.programmes).toBe(SALLE.programmes);
    expect(SALLE.setpoints.comfort).toBe(19);
    expect(edited(withSetpoint(SALLE, 'eco', 15.5)).setpoints.eco).toBe(15.5);
  });

  it('are refused outside 5..30 °C, or when the levels no longer go down from comfort to eco to frost', () => {
    expect(withSetpoint(SALLE, 'frost', 4)).toEqual({ problem: 'badSetpoint' });
    expect(withSetpoint(SALLE, 'comfort', 31)).toEqual({ problem: 'badSetpoint' });
    expect(withSetpoint(SALLE, 'comfort', Number.NaN)).toEqual({ problem: 'badSetpoint' });
    expect(withSetpoint(SALLE, 'eco', 19.5)).toEqual({ problem: 'setpointOrder' });
    expect(withSetpoint(SALLE, 'frost', 17)).toEqual({ problem: 'setpointOrder' });
  });
});

describe('the periods of a programme', () => {
  it('are replaced, each a time and a level', () => {
    const points = [
      { at: '14:00', value: 'comfort' },
      { at: '18:00', value: 'eco' },
      { at: '22:00', value: 'frost' },
    ] as const;
    expect(edited(withHeatingPoints(SALLE, 'club', points)).programmes.club).toEqual({ points });
  });

  it('are refused with a time that is not one, or for a programme the document lacks', () => {
    expect(withHeatingPoints(SALLE, 'club', [{ at: '25:00', value: 'comfort' }])).toEqual({ problem: 'badTime' });
    expect(withHeatingPoints(SALLE, 'samedi', [])).toEqual({ problem: 'noProgramme' });
  });
});
