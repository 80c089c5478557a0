import type { NightSummary } from '@beffroi/api';
import { yearFindings, yearStrip, yearTotals } from './planning-year';

const night = (date: string, burnMinutes: number, darkMinutes: number, findings: string[] = []): NightSummary => ({
  night: date,
  programmeId: 'nuit',
  ruleIndex: null,
  sunset: null,
  sunrise: null,
  burnMinutes,
  fullPowerMinutes: burnMinutes,
  darkMinutes,
  switchOns: 1,
  findings,
});

describe('the year strip', () => {
  it("gives each night its burning hours and colours it by its worst anomaly, the lint's and lit in daylight", () => {
    const strip = yearStrip([
      night('2027-01-04', 600, 900),
      night('2027-06-20', 420, 450, ['onAfterSunrise', 'shortBurn']),
      night('2027-06-21', 900, 450),
      night('2027-03-28', 500, 700, ['dstGap']),
    ]);
    expect(strip.map(({ night: date, hours, tone }) => ({ date, hours, tone }))).toEqual([
      { date: '2027-01-04', hours: 10, tone: 'ok' },
      { date: '2027-06-20', hours: 7, tone: 'daylight' },
      { date: '2027-06-21', hours: 15, tone: 'daylight' },
      { date: '2027-03-28', hours: 8.3, tone: 'dst' },
    ]);
    expect(strip[1]?.text).toBe(
      '20 juin 2027 : 7 h — Allumé après le lever du soleil (en plein jour), Allumage plus court que la durée minimale',
    );
    expect(strip[2]?.codes).toEqual(['litInDaylight']);
    expect(strip[0]?.height).toBeCloseTo(600 / 1440);
  });

  it('lists each anomaly once, worst first, with its nights', () => {
    const findings = yearFindings([
      night('2027-05-30', 420, 480, ['shortBurn']),
      night('2027-06-20', 420, 450, ['onAfterSunrise', 'shortBurn']),
      night('2027-06-21', 420, 450, ['onAfterSunrise']),
    ]);
    expect(findings).toEqual([
      {
        code: 'onAfterSunrise',
        tone: 'daylight',
        text: 'Allumé après le lever du soleil (en plein jour)',
        nights: '2 nuits (du 20 juin 2027 au 21 juin 2027)',
      },
      {
        code: 'shortBurn',
        tone: 'short',
        text: 'Allumage plus court que la durée minimale',
        nights: '2 nuits (du 30 mai 2027 au 20 juin 2027)',
      },
    ]);
    expect(yearFindings([night('2027-01-04', 600, 900)])).toEqual([]);
  });

  it('adds the hours up', () => {
    expect(yearTotals([night('2027-01-04', 600, 900), night('2027-01-05', 630, 890)])).toBe(
      'Sur la période : 21 h d’allumage pour 30 h de nuit.',
    );
  });
});
