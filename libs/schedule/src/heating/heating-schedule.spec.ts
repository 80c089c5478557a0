import { DocumentException } from '@beffroi/domain/validation/document.exception';
import { SAINT_QUENTIN } from '../schedule.fixtures';
import { transitions } from '../programme/schedule';
import { parseLocalDate } from '../time/local-date';
import { formatIsoWithOffset } from '../time/zoned-time';
import { lintHeatingSchedule } from './heating-lint';
import { type HeatingSchedule, parseHeatingSchedule } from './heating-schedule';

/** Salle des fêtes: frost protection, comfort for bookings (pre-heated 3 h ahead), eco on club evenings. */
function salleDesFetes(setpoints = { comfort: 19, eco: 16, frost: 8 }): HeatingSchedule {
  return parseHeatingSchedule(
    {
      setpoints,
      calendar: {
        defaultProgrammeId: 'hors-gel',
        rules: [
          { kind: 'dates', dates: ['2027-01-16'], programmeId: 'soiree' },
          { kind: 'weekdays', weekdays: ['wednesday'], programmeId: 'club' },
        ],
      },
      programmes: {
        'hors-gel': { points: [{ at: '12:00', value: 'frost' }] },
        soiree: {
          points: [
            { at: '16:00', value: 'comfort' },
            { at: '02:00', value: 'frost' },
          ],
        },
        club: {
          points: [
            { at: '13:00', value: 'comfort' },
            { at: '18:00', value: 'eco' },
            { at: '23:00', value: 'frost' },
          ],
        },
      },
    },
    'chauffage.yaml',
  );
}

describe('heating schedules', () => {
  it('heats the salle des fêtes for a Saturday evening booking as one piece, across midnight', () => {
    const list = transitions(
      salleDesFetes(),
      SAINT_QUENTIN,
      new Date('2027-01-15T11:00:00Z'),
      new Date('2027-01-18T11:00:00Z'),
    );
    expect(list.map((t) => [formatIsoWithOffset(t.at, 'Europe/Paris'), t.value, t.programmeId])).toEqual([
      ['2027-01-16T16:00:00+01:00', 'comfort', 'soiree'],
      ['2027-01-17T02:00:00+01:00', 'frost', 'soiree'],
    ]);
  });

  it('names a level that does not exist and setpoints out of order', () => {
    const attempt = () =>
      parseHeatingSchedule(
        {
          setpoints: { comfort: 19, eco: 20, frost: 4 },
          calendar: { defaultProgrammeId: 'p', rules: [] },
          programmes: { p: { points: [{ at: '12:00', value: 'hot' }] } },
        },
        'chauffage.yaml',
      );
    expect(attempt).toThrow(DocumentException);
    try {
      attempt();
    } catch (error) {
      expect((error as DocumentException).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
        'setpoints.frost: expected number 5..30 °C, got 4',
        'programmes.p.points[0].value: expected a heating level (comfort, eco, frost), got "hot"',
      ]);
    }
    expect(() =>
      parseHeatingSchedule(
        {
          setpoints: { comfort: 19, eco: 20, frost: 8 },
          calendar: { defaultProgrammeId: 'p', rules: [] },
          programmes: { p: { points: [{ at: '12:00', value: 'eco' }] } },
        },
        'chauffage.yaml',
      ),
    ).toThrow('setpoints.eco: eco (20 °C) is above comfort (19 °C)');
  });

  describe('lintHeatingSchedule', () => {
    const lint = (schedule: HeatingSchedule, first: string, last: string) =>
      lintHeatingSchedule(schedule, SAINT_QUENTIN, parseLocalDate(first), parseLocalDate(last));

    it('accepts the legal setpoints', () => {
      expect(lint(salleDesFetes(), '2027-01-11', '2027-01-24')).toEqual([]);
    });

    it('flags each setpoint above its legal limit', () => {
      const findings = lint(salleDesFetes({ comfort: 21, eco: 17, frost: 10 }), '2027-01-11', '2027-01-12');
      expect(findings.filter((f) => f.code === 'setpointAboveLimit').map((f) => f.message)).toEqual([
        'setpoints.comfort is 21 °C, above the 19 °C limit while occupied',
        'setpoints.eco is 17 °C, above the 16 °C limit unoccupied 24 to 48 h',
        'setpoints.frost is 10 °C, above the 8 °C limit unoccupied beyond 48 h',
      ]);
    });

    it('flags an unoccupied stretch of 48 h or more kept at eco', () => {
      const weekEco = parseHeatingSchedule(
        {
          setpoints: { comfort: 19, eco: 16, frost: 8 },
          calendar: { defaultProgrammeId: 'vide', rules: [{ kind: 'weekdays', weekdays: [1], programmeId: 'lundi' }] },
          programmes: {
            vide: { points: [{ at: '12:00', value: 'eco' }] },
            lundi: {
              points: [
                { at: '14:00', value: 'comfort' },
                { at: '20:00', value: 'eco' },
              ],
            },
          },
        },
        'chauffage.yaml',
      );
      const findings = lint(weekEco, '2027-01-11', '2027-01-24');
      expect(findings.map((f) => f.code)).toEqual(['longAbsenceAboveFrost']);
      expect(findings[0]?.message).toContain(
        'eco (16 °C) still in force at 2027-01-13T20:00:00+01:00, unoccupied since 2027-01-11T20:00:00+01:00',
      );
      expect(findings[0]?.nights).toHaveLength(2);
      // The same week at frost between Mondays is within the law.
      const weekFrost = parseHeatingSchedule(
        {
          setpoints: { comfort: 19, eco: 16, frost: 8 },
          calendar: { defaultProgrammeId: 'vide', rules: [{ kind: 'weekdays', weekdays: [1], programmeId: 'lundi' }] },
          programmes: {
            vide: { points: [{ at: '12:00', value: 'frost' }] },
            lundi: {
              points: [
                { at: '14:00', value: 'comfort' },
                { at: '20:00', value: 'frost' },
              ],
            },
          },
        },
        'chauffage.yaml',
      );
      expect(lint(weekFrost, '2027-01-11', '2027-01-24')).toEqual([]);
    });
  });
});
