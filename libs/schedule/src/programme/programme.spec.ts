import { DocumentException } from '@beffroi/domain/validation/document.exception';
import { formatLocalDate, parseLocalDate } from '../time/local-date';
import { formatIsoWithOffset } from '../time/zoned-time';
import { describePoint, nightOf, nightStart, parseProgramme, resolveNight, sunLookup } from './programme';
import { parseSchedule } from './schedule';
import { SAINT_QUENTIN } from '../schedule.fixtures';

function problems(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof DocumentException) {
      return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    throw error;
  }
  return [];
}

describe('nights: from D 12:00 to D+1 12:00 local', () => {
  it('start at local noon, in summer and winter time', () => {
    expect(nightStart(parseLocalDate('2027-01-04'), 'Europe/Paris').toISOString()).toBe('2027-01-04T11:00:00.000Z');
    expect(nightStart(parseLocalDate('2027-07-14'), 'Europe/Paris').toISOString()).toBe('2027-07-14T10:00:00.000Z');
  });

  it('hold an instant from their noon to the next, the night of the spring-forward change included', () => {
    const night = (iso: string) => formatLocalDate(nightOf(new Date(iso), 'Europe/Paris'));
    expect(night('2027-01-04T10:59:59.999Z')).toBe('2027-01-03');
    expect(night('2027-01-04T11:00:00.000Z')).toBe('2027-01-04');
    expect(night('2027-03-28T02:30:00.000Z')).toBe('2027-03-27');
    expect(night('2027-03-28T09:59:59.999Z')).toBe('2027-03-27');
    expect(night('2027-03-28T10:00:00.000Z')).toBe('2027-03-28');
  });
});

describe('resolveNight', () => {
  const programme = parseProgramme(
    {
      points: [
        { sun: 'sunset', offsetMinutes: 15, notBefore: '17:15', value: true },
        { at: '23:00', value: 30 },
        { sun: 'civilDawn', notAfter: '07:30', value: 100 },
        { sun: 'sunrise', offsetMinutes: -10, value: false },
      ],
    },
    'programme.yaml',
  );

  it.each<[string, string[], (string | null)[]]>([
    [
      // Sunset 16:45:40: +15 is 17:00:40, clamped to 17:15; civil dawn 07:56 clamped to 07:30.
      '2027-12-10',
      [
        '2027-12-10T17:15:00+01:00',
        '2027-12-10T23:00:00+01:00',
        '2027-12-11T07:30:00+01:00',
        '2027-12-11T08:24:12+01:00',
      ],
      ['notBefore', null, 'notAfter', null],
    ],
    [
      '2027-01-12',
      [
        '2027-01-12T17:24:22+01:00',
        '2027-01-12T23:00:00+01:00',
        '2027-01-13T07:30:00+01:00',
        '2027-01-13T08:30:28+01:00',
      ],
      [null, null, 'notAfter', null],
    ],
    [
      '2027-04-12',
      [
        '2027-04-12T20:50:14+02:00',
        '2027-04-12T23:00:00+02:00',
        '2027-04-13T06:25:22+02:00',
        '2027-04-13T06:49:05+02:00',
      ],
      [null, null, null, null],
    ],
  ])('the night of %s', (night, expected, clamps) => {
    const resolved = resolveNight(
      programme,
      'p',
      parseLocalDate(night),
      SAINT_QUENTIN.timeZone,
      sunLookup(SAINT_QUENTIN, 'usno'),
    );

    expect(resolved.skipped).toEqual([]);
    expect(resolved.points.map((point) => formatIsoWithOffset(point.at, SAINT_QUENTIN.timeZone))).toEqual(expected);
    expect(resolved.points.map((point) => point.clamped)).toEqual(clamps);
  });

  it('skips, and reports, a sun point pushed out of its noon-to-noon night by its offset', () => {
    const late = parseProgramme({ points: [{ sun: 'sunrise', offsetMinutes: 360, value: false }] }, 'programme.yaml');

    const resolved = resolveNight(
      late,
      'p',
      parseLocalDate('2027-01-12'),
      'Europe/Paris',
      sunLookup(SAINT_QUENTIN, 'usno'),
    );

    expect(resolved.points).toEqual([]);
    expect(resolved.skipped.map((skipped) => [skipped.pointIndex, skipped.reason, skipped.message])).toEqual([
      [
        0,
        'outsideNight',
        'p point 0 (sunrise+360min) on the night of 2027-01-12: falls outside the night (noon to noon)',
      ],
    ]);
  });

  it('describes points for messages', () => {
    expect(programme.points.map(describePoint)).toEqual([
      'sunset+15min (not before 17:15)',
      '23:00',
      'civilDawn (not after 07:30)',
      'sunrise-10min',
    ]);
  });
});

describe('programme and schedule documents', () => {
  it.each<[string, unknown, string[]]>([
    [
      'an hour out of range',
      { points: [{ at: '24:00', value: true }] },
      ['points[0].at: expected a local time "HH:MM" (00:00 to 23:59), got "24:00"'],
    ],
    [
      'both "at" and "sun"',
      { points: [{ at: '22:00', sun: 'sunset', value: true }] },
      ['points[0]: a switch point needs exactly one of "at" (HH:MM) or "sun"'],
    ],
    [
      'neither',
      { points: [{ value: true }] },
      ['points[0]: a switch point needs exactly one of "at" (HH:MM) or "sun"'],
    ],
    [
      'an offset on a fixed time',
      { points: [{ at: '22:00', offsetMinutes: 5, value: true }] },
      ['points[0].offsetMinutes: "offsetMinutes" applies only to a "sun" point'],
    ],
    [
      'an unknown sun event',
      { points: [{ sun: 'moonrise', value: true }] },
      ['points[0].sun: expected a sun event (sunset, sunrise, civilDusk, civilDawn), got "moonrise"'],
    ],
    [
      'an offset beyond 6 h',
      { points: [{ sun: 'sunset', offsetMinutes: 400, value: true }] },
      ['points[0].offsetMinutes: expected a whole number of minutes -360..360, got 400'],
    ],
    [
      'clamps the wrong way round',
      { points: [{ sun: 'sunset', notBefore: '18:00', notAfter: '17:00', value: true }] },
      ['points[0].notAfter: "notAfter" is before "notBefore" in the night'],
    ],
    [
      'a level above 100',
      { points: [{ at: '22:00', value: 150 }] },
      ['points[0].value: expected true (on), false (off) or a level 0..100, got 150'],
    ],
    [
      'fixed times out of night order',
      {
        points: [
          { at: '05:30', value: true },
          { at: '23:00', value: false },
        ],
      },
      ['points[1].at: fixed times must be listed in night order (noon to noon): 23:00 comes after point 0'],
    ],
    ['no points', { points: [] }, ['points: a programme needs at least one switch point']],
    ['an unknown key', { points: [{ at: '22:00', value: true, when: 'now' }] }, ['points[0]: unknown key "when"']],
  ])('rejects %s', (_label, input, expected) => {
    expect(problems(() => parseProgramme(input, 'programme.yaml'))).toEqual(expected);
  });

  it('accepts a night cut across midnight in night order', () => {
    expect(
      problems(() =>
        parseProgramme(
          {
            points: [
              { sun: 'sunset', value: true },
              { at: '23:30', value: false },
              { at: '00:30', value: true },
              { at: '01:00', value: false },
            ],
          },
          'programme.yaml',
        ),
      ),
    ).toEqual([]);
  });

  it('rejects a calendar naming a programme the schedule lacks', () => {
    const input = {
      calendar: { defaultProgrammeId: 'normal', rules: [{ kind: 'weekdays', weekdays: [6], programmeId: 'samedi' }] },
      programmes: { normal: { points: [{ at: '22:00', value: true }] } },
    };

    expect(problems(() => parseSchedule(input, 'schedule.yaml'))).toEqual([
      'calendar.rules[0].programmeId: no programme "samedi" in "programmes"',
    ]);
  });
});
