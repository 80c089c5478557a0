import type { NightSummary, SchedulePreview } from '@beffroi/api';
import { addDays, nightOf, nightStartOf, weekTimeline } from './planning-week';

const PARIS = 'Europe/Paris';

const night = (date: string, sunset: string, sunrise: string): NightSummary => ({
  night: date,
  programmeId: 'nuit',
  ruleIndex: null,
  sunset,
  sunrise,
  burnMinutes: 0,
  fullPowerMinutes: 0,
  darkMinutes: 0,
  switchOns: 0,
  findings: [],
});

const transition = (at: string, value: boolean, pointIndex: number, nightDate: string) => ({
  at,
  local: at,
  value,
  night: nightDate,
  cause: { programmeId: 'nuit', pointIndex, point: null, rule: null },
});

/** Nights of 3 and 4 December 2026 in Paris (UTC+1): on at sunset, off 23:00, on 05:30, off at sunrise. */
const PREVIEW: SchedulePreview = {
  kind: 'lighting',
  timeZone: PARIS,
  from: '2026-12-02T12:00:00+01:00',
  to: '2026-12-05T12:00:00+01:00',
  transitions: [
    transition('2026-12-03T07:30:00.000Z', false, 3, '2026-12-02'),
    transition('2026-12-03T16:00:00.000Z', true, 0, '2026-12-03'),
    transition('2026-12-03T22:00:00.000Z', false, 1, '2026-12-03'),
    transition('2026-12-04T04:30:00.000Z', true, 2, '2026-12-03'),
    transition('2026-12-04T07:31:00.000Z', false, 3, '2026-12-03'),
  ],
  skipped: [],
};

describe('the week timeline', () => {
  it('places each night from 12:00 to 12:00 at the site, with its lit stretches, the sun, now and each switching', () => {
    const [first, second] = weekTimeline(
      PREVIEW,
      [
        night('2026-12-03', '2026-12-03T15:45:00.000Z', '2026-12-04T07:31:00.000Z'),
        night('2026-12-04', '2026-12-04T15:45:00.000Z', '2026-12-05T07:32:00.000Z'),
      ],
      undefined,
      new Date('2026-12-03T20:00:00.000Z'),
    );
    const hours = (n: number) => n / 24;
    expect(first?.label).toBe('Nuit du jeu. 3 déc.');
    expect(first?.lit).toEqual([
      { from: hours(5), to: hours(11) },
      { from: hours(17.5), to: hours(20.5 + 1 / 60) },
    ]);
    expect(first?.sunset).toEqual({ position: hours(4.75), time: '16:45' });
    expect(first?.sunrise).toEqual({ position: hours(20.5 + 1 / 60), time: '08:31' });
    expect(first?.now).toBe(hours(9));
    expect(first?.switchings.map((s) => s.text)).toEqual([
      '17:00 allumé — programme « nuit », point 1, programme par défaut',
      '23:00 éteint — programme « nuit », point 2, programme par défaut',
      '05:30 allumé — programme « nuit », point 3, programme par défaut',
      '08:31 éteint — programme « nuit », point 4, programme par défaut',
    ]);
    expect(second?.now).toBeNull();
    expect(second?.lit).toEqual([]);
  });

  it('starts a night lit when the last switching before it lit the lamps', () => {
    const [only] = weekTimeline(
      { ...PREVIEW, transitions: [transition('2026-12-03T10:00:00.000Z', true, 0, '2026-12-02')] },
      [night('2026-12-03', '2026-12-03T15:45:00.000Z', '2026-12-04T07:31:00.000Z')],
      undefined,
      new Date('2026-12-01T00:00:00.000Z'),
    );
    expect(only?.lit).toEqual([{ from: 0, to: 1 }]);
  });

  it('knows nights of 23 and 25 hours and which night an instant belongs to', () => {
    const spring = nightStartOf('2027-03-28', PARIS).getTime() - nightStartOf('2027-03-27', PARIS).getTime();
    expect(spring).toBe(23 * 3_600_000);
    expect(nightOf(new Date('2026-12-04T10:00:00.000Z'), PARIS)).toBe('2026-12-03');
    expect(nightOf(new Date('2026-12-04T12:00:00.000Z'), PARIS)).toBe('2026-12-04');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
  });
});
