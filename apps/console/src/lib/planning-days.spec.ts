import type { SchedulePreview } from '@beffroi/api';
import type { BellDocument } from './planning-bells';
import { bellDays, heatingDays } from './planning-days';
import type { HeatingDocument } from './planning-heating';

const SALLE: HeatingDocument = {
  setpoints: { comfort: 19, eco: 15.5, frost: 8 },
  calendar: { defaultProgrammeId: 'hors-gel', rules: [{ kind: 'weekdays', weekdays: [3], programmeId: 'club' }] },
  programmes: {
    'hors-gel': { points: [{ at: '12:00', value: 'frost' }] },
    club: {
      points: [
        { at: '12:00', value: 'comfort' },
        { at: '17:00', value: 'eco' },
      ],
    },
  },
};

const BASILIQUE: BellDocument = {
  sequences: { angelus: { name: 'Angélus', steps: [{ swing: [1], duration: 120_000 }] } },
  calendar: { defaultProgrammeId: 'ordinaire', rules: [] },
  programmes: { ordinaire: { rings: [{ at: '07:00', sequence: 'angelus' }] } },
  events: [{ date: '2027-01-06', at: '10:30', sequence: 'angelus', name: 'Épiphanie' }],
};

const range = {
  timeZone: 'Europe/Paris',
  from: '2027-01-06T12:00:00+01:00',
  to: '2027-01-08T12:00:00+01:00',
  skipped: [],
};

describe('the next days of a heating or bell schedule', () => {
  it('says each change of level with its setpoint and cause, day by day', () => {
    const preview: SchedulePreview = {
      kind: 'heating',
      ...range,
      transitions: [
        {
          at: '2027-01-06T11:00:00.000Z',
          local: '2027-01-06T12:00:00+01:00',
          value: 'comfort',
          setpoint: 19,
          night: '2027-01-06',
          cause: { programmeId: 'club', pointIndex: 0, point: '12:00', rule: { index: 0, kind: 'weekdays' } },
        },
        {
          at: '2027-01-06T16:00:00.000Z',
          local: '2027-01-06T17:00:00+01:00',
          value: 'eco',
          setpoint: 15.5,
          night: '2027-01-06',
          cause: { programmeId: 'club', pointIndex: 1, point: '17:00', rule: { index: 0, kind: 'weekdays' } },
        },
        {
          at: '2027-01-07T11:00:00.000Z',
          local: '2027-01-07T12:00:00+01:00',
          value: 'frost',
          setpoint: 8,
          night: '2027-01-07',
          cause: { programmeId: 'hors-gel', pointIndex: 0, point: '12:00', rule: null },
        },
      ],
    };
    expect(heatingDays(preview, SALLE)).toEqual([
      {
        day: '2027-01-06',
        label: 'mercredi 6 janvier',
        lines: [
          '12:00 confort (19 °C) — programme « club », à 12:00, règle 1 (les mercredis)',
          '17:00 éco (15,5 °C) — programme « club », à 17:00, règle 1 (les mercredis)',
        ],
      },
      {
        day: '2027-01-07',
        label: 'jeudi 7 janvier',
        lines: ['12:00 hors gel (8 °C) — programme « hors-gel », à 12:00, programme par défaut'],
      },
    ]);
  });

  it('says each ring with its sequence by name, and a one-off event by its name', () => {
    const preview: SchedulePreview = {
      kind: 'bells',
      ...range,
      rings: [
        {
          at: '2027-01-06T06:00:00.000Z',
          local: '2027-01-06T07:00:00+01:00',
          sequence: 'angelus',
          day: '2027-01-06',
          cause: { programmeId: 'ordinaire', ringIndex: 0, rule: null },
        },
        {
          at: '2027-01-06T09:30:00.000Z',
          local: '2027-01-06T10:30:00+01:00',
          sequence: 'angelus',
          day: '2027-01-06',
          cause: { event: 0, name: 'Épiphanie' },
        },
      ],
    };
    expect(bellDays(preview, BASILIQUE)).toEqual([
      {
        day: '2027-01-06',
        label: 'mercredi 6 janvier',
        lines: [
          '07:00 Angélus — programme « ordinaire », sonnerie 1, programme par défaut',
          '10:30 Angélus — Épiphanie',
        ],
      },
    ]);
  });
});
