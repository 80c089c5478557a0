import { runInThisContext } from 'node:vm';
import { sunDay, type SunSite } from '../sun/sun';
import { addDays, formatLocalDate, type LocalDate, parseLocalDate } from '../time/local-date';
import { formatIsoWithOffset, resolveLocalTime } from '../time/zoned-time';
import { parseSchedule, planTransitions, stateAt, type Transition, transitions } from './schedule';
import { SAINT_QUENTIN, TROMSO, everyNight, streetLighting } from '../schedule.fixtures';

const PARIS = 'Europe/Paris';
const MINUTE = 60_000;

function noonOf(date: string | LocalDate, site: SunSite = SAINT_QUENTIN): Date {
  const day = typeof date === 'string' ? parseLocalDate(date) : date;
  return resolveLocalTime(day, 12, 0, 0, site.timeZone).instant;
}

function local(date: LocalDate, hour: number, minute: number): Date {
  return resolveLocalTime(date, hour, minute, 0, PARIS).instant;
}

function shown(list: readonly Transition[], timeZone = PARIS): string[] {
  return list.map((t) => `${formatIsoWithOffset(t.at, timeZone)} ${String(t.value)} #${t.pointIndex}`);
}

function nights(first: string, count: number): LocalDate[] {
  return Array.from({ length: count }, (_, i) => addDays(parseLocalDate(first), i));
}

function sunrise(date: LocalDate): Date {
  const event = sunDay(SAINT_QUENTIN, date, 'usno').sunrise;
  if (event === null) throw new Error('no sunrise');
  return event;
}

function sunset(date: LocalDate): Date {
  const event = sunDay(SAINT_QUENTIN, date, 'usno').sunset;
  if (event === null) throw new Error('no sunset');
  return event;
}

describe('transitions, Saint-Quentin street lighting', () => {
  it('runs "sunset+15 → on; 23:00 → off; 05:30 → on; sunrise → off" over a winter week at sunDay instants', () => {
    const week = nights('2027-01-11', 7);
    const expected = week.flatMap((night) => {
      const morning = addDays(night, 1);
      return [
        { at: new Date(sunset(night).getTime() + 15 * MINUTE), value: true, pointIndex: 0 },
        { at: local(night, 23, 0), value: false, pointIndex: 1 },
        { at: local(morning, 5, 30), value: true, pointIndex: 2 },
        { at: sunrise(morning), value: false, pointIndex: 3 },
      ].map((t) => ({ ...t, programmeId: 'night', night }));
    });

    const result = transitions(streetLighting('05:30'), SAINT_QUENTIN, noonOf('2027-01-11'), noonOf('2027-01-18'));

    expect(result).toEqual(expected);
    expect(shown(result.slice(4, 8))).toEqual([
      '2027-01-12T17:24:22+01:00 true #0',
      '2027-01-12T23:00:00+01:00 false #1',
      '2027-01-13T05:30:00+01:00 true #2',
      '2027-01-13T08:40:28+01:00 false #3',
    ]);
  });

  it('in June (sunrise 05:38), switches on at 05:30 then off at sunrise, in order', () => {
    const plan = planTransitions(streetLighting('05:30'), SAINT_QUENTIN, noonOf('2027-06-14'), noonOf('2027-06-21'));

    expect(plan.transitions).toHaveLength(28);
    expect(plan.skipped).toEqual([]);
    for (const [i, t] of plan.transitions.entries()) {
      expect(t.value).toBe(i % 2 === 0);
      expect(t.pointIndex).toBe(i % 4);
    }
    expect(shown(plan.transitions.slice(2, 4))).toEqual([
      '2027-06-15T05:30:00+02:00 true #2',
      '2027-06-15T05:37:55+02:00 false #3',
    ]);
  });

  it('in June with a 06:00 "on" after sunrise, drops it: the lights stay off all day', () => {
    const plan = planTransitions(streetLighting('06:00'), SAINT_QUENTIN, noonOf('2027-06-14'), noonOf('2027-06-21'));

    expect(plan.transitions.map((t) => [t.pointIndex, t.value])).toEqual(
      nights('2027-06-14', 7).flatMap(() => [
        [0, true],
        [1, false],
      ]),
    );
    expect(plan.skipped.map((s) => [formatLocalDate(s.night), s.pointIndex, s.reason, s.overtakenBy])).toEqual(
      nights('2027-06-14', 7).map((night) => [formatLocalDate(night), 2, 'overtaken', 3]),
    );
    const daytime = resolveLocalTime(parseLocalDate('2027-06-16'), 10, 0, 0, PARIS).instant;
    expect(stateAt(streetLighting('06:00'), SAINT_QUENTIN, daytime)?.value).toBe(false);
  });
});

describe('night cut across midnight, one programme', () => {
  const schedule = everyNight([
    { sun: 'sunset', value: true },
    { at: '01:00', value: false },
    { at: '04:30', value: true },
    { sun: 'sunrise', value: false },
  ]);
  const night = parseLocalDate('2027-01-12');
  const morning = addDays(night, 1);

  it('places the cut on the next calendar day, inside the same night', () => {
    const result = transitions(schedule, SAINT_QUENTIN, noonOf(night), noonOf(morning));

    expect(shown(result)).toEqual([
      '2027-01-12T17:09:22+01:00 true #0',
      '2027-01-13T01:00:00+01:00 false #1',
      '2027-01-13T04:30:00+01:00 true #2',
      '2027-01-13T08:40:28+01:00 false #3',
    ]);
    expect(result.every((t) => formatLocalDate(t.night) === '2027-01-12')).toBe(true);
  });

  it.each<[string, Date, boolean]>([
    ['the afternoon before (previous night ended at sunrise)', local(night, 13, 0), false],
    ['the evening', local(night, 22, 0), true],
    ['just after midnight', local(morning, 0, 30), true],
    ['exactly at the cut', local(morning, 1, 0), false],
    ['during the cut', local(morning, 2, 0), false],
    ['before dawn', local(morning, 6, 0), true],
    ['mid-morning', local(morning, 10, 0), false],
  ])('stateAt %s', (_label, t, expected) => {
    expect(stateAt(schedule, SAINT_QUENTIN, t)?.value).toBe(expected);
  });
});

describe('DST change nights in Europe/Paris', () => {
  const schedule = everyNight([
    { at: '20:00', value: true },
    { at: '02:30', value: false },
  ]);

  it.each<[string, string]>([
    ['2026-03-28', '2026-03-29T03:00:00+02:00'],
    ['2026-10-24', '2026-10-25T02:30:00+02:00'],
    ['2027-03-27', '2027-03-28T03:00:00+02:00'],
    ['2027-10-30', '2027-10-31T02:30:00+02:00'],
  ])('night of %s: a 02:30 point runs exactly once, at %s', (nightText, expected) => {
    const night = parseLocalDate(nightText);
    const result = transitions(schedule, SAINT_QUENTIN, noonOf(addDays(night, -1)), noonOf(addDays(night, 2)));

    const offs = result.filter((t) => t.value === false);
    expect(offs).toHaveLength(3);
    expect(
      offs.filter((t) => formatLocalDate(t.night) === nightText).map((t) => formatIsoWithOffset(t.at, PARIS)),
    ).toEqual([expected]);
  });

  /** Points at every quarter hour from 12:00 to 11:45, each with its own level so none is de-duplicated. */
  const everyQuarter = everyNight(
    Array.from({ length: 96 }, (_, i) => {
      const minutes = (12 * 60 + i * 15) % 1440;
      const at = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      return { at, value: i };
    }),
  );

  it.each<[string, number, number, number]>([
    // night, its length in hours, transitions, points overtaken (02:00–02:45 all run at 03:00: only 03:00's wins)
    ['2026-03-28', 23, 92, 4],
    ['2026-10-24', 25, 96, 0],
    ['2027-03-27', 23, 92, 4],
    ['2027-10-30', 25, 96, 0],
    ['2027-01-12', 24, 96, 0],
  ])(
    '"every 15 minutes" on the night of %s (%i h): %i transitions, %i overtaken',
    (nightText, hours, count, overtaken) => {
      const night = parseLocalDate(nightText);
      const start = noonOf(night);
      const end = noonOf(addDays(night, 1));
      expect(end.getTime() - start.getTime()).toBe(hours * 60 * MINUTE);

      const plan = planTransitions(everyQuarter, SAINT_QUENTIN, start, end);

      const instants = plan.transitions.map((t) => t.at.getTime());
      expect(instants).toHaveLength(count);
      expect(new Set(instants).size).toBe(count);
      expect(plan.skipped.filter((s) => s.reason === 'overtaken')).toHaveLength(overtaken);
      const steps = instants.slice(1).map((ms, i) => (ms - (instants[i] ?? 0)) / MINUTE);
      // 23 h: every step is 15 min of real time (01:45 CET → 03:00 CEST). 25 h: the repeated hour has no point.
      expect(steps.filter((step) => step !== 15)).toEqual(hours === 25 ? [75] : []);
    },
  );
});

describe('stateAt', () => {
  const schedule = streetLighting('05:30');

  it.each<[string, string, number]>([
    ['a winter week', '2027-01-11', 7],
    ['the spring DST change', '2027-03-25', 6],
    ['the autumn DST change', '2026-10-22', 6],
    ['a June week', '2027-06-14', 7],
  ])('equals replaying transitions over %s', (_label, first, count) => {
    const firstNight = parseLocalDate(first);
    const from = noonOf(firstNight);
    const to = noonOf(addDays(firstNight, count));
    const replay = transitions(schedule, SAINT_QUENTIN, noonOf(addDays(firstNight, -3)), to);
    const probes = [
      ...Array.from(
        { length: Math.floor((to.getTime() - from.getTime()) / (7 * MINUTE)) },
        (_, i) => from.getTime() + i * 7 * MINUTE,
      ),
      ...replay.flatMap((t) => [t.at.getTime() - 1, t.at.getTime()]),
    ].filter((ms) => ms >= from.getTime() && ms < to.getTime());

    for (const ms of probes) {
      const inForce = replay.filter((t) => t.at.getTime() <= ms).at(-1);
      const state = stateAt(schedule, SAINT_QUENTIN, new Date(ms));
      expect({ ms, at: state?.at, value: state?.value }).toEqual({ ms, at: inForce?.at, value: inForce?.value });
    }
  });

  it('reports only changes: a point repeating the value in force, before the range or not, is left out', () => {
    const repeating = everyNight([
      { sun: 'sunset', value: true },
      { at: '23:00', value: true },
      { sun: 'sunrise', value: false },
    ]);
    const night = parseLocalDate('2027-01-12');
    const morning = addDays(night, 1);

    expect(shown(transitions(repeating, SAINT_QUENTIN, noonOf(night), noonOf(morning)))).toEqual([
      '2027-01-12T17:09:22+01:00 true #0',
      '2027-01-13T08:40:28+01:00 false #2',
    ]);
    expect(transitions(repeating, SAINT_QUENTIN, local(night, 22, 0), local(morning, 6, 0))).toEqual([]);
    expect(stateAt(repeating, SAINT_QUENTIN, local(morning, 6, 0))?.pointIndex).toBe(0);
  });
});

describe('polar cases', () => {
  it('skips and reports sun points whose event does not happen, never NaN', () => {
    const schedule = streetLighting('05:30');
    const plan = planTransitions(schedule, TROMSO, noonOf('2027-06-20', TROMSO), noonOf('2027-06-22', TROMSO));

    expect(shown(plan.transitions, TROMSO.timeZone)).toEqual([
      '2027-06-20T23:00:00+02:00 false #1',
      '2027-06-21T05:30:00+02:00 true #2',
      '2027-06-21T23:00:00+02:00 false #1',
      '2027-06-22T05:30:00+02:00 true #2',
    ]);
    expect(plan.skipped.map((s) => [formatLocalDate(s.night), s.pointIndex, s.reason])).toEqual([
      ['2027-06-20', 0, 'noSunEvent'],
      ['2027-06-20', 3, 'noSunEvent'],
      ['2027-06-21', 0, 'noSunEvent'],
      ['2027-06-21', 3, 'noSunEvent'],
    ]);
  });
});

describe('undecidable calendar days', () => {
  it('switches nothing on a night whose programme is unknown, and says so', () => {
    const schedule = parseSchedule(
      {
        calendar: {
          defaultProgrammeId: 'night',
          rules: [{ kind: 'schoolHoliday', zone: 'B', programmeId: 'holidays' }],
        },
        programmes: {
          night: {
            points: [
              { at: '20:00', value: true },
              { at: '23:00', value: false },
            ],
          },
          holidays: {
            points: [
              { at: '20:00', value: true },
              { at: '01:00', value: false },
            ],
          },
        },
      },
      'schedule.yaml',
    );

    const plan = planTransitions(schedule, SAINT_QUENTIN, noonOf('2027-01-12'), noonOf('2027-01-13'));

    expect(plan.transitions).toEqual([]);
    expect(plan.skipped.map((skipped) => [formatLocalDate(skipped.night), skipped.reason])).toEqual([
      ['2027-01-12', 'programmeUnknown'],
    ]);
  });
});

const hostProcess = runInThisContext('process') as NodeJS.Process;

describe('host time zone', () => {
  it.each(['Pacific/Kiritimati', 'America/Martinique', 'Europe/Paris'])(
    'gives the same transitions under TZ=%s',
    (zone) => {
      const compute = (): string[] =>
        shown(transitions(streetLighting('05:30'), SAINT_QUENTIN, noonOf('2027-03-26'), noonOf('2027-03-29')));
      const reference = compute();
      const saved = hostProcess.env.TZ;
      hostProcess.env.TZ = zone;
      try {
        expect(compute()).toEqual(reference);
      } finally {
        if (saved === undefined) {
          delete hostProcess.env.TZ;
        } else {
          hostProcess.env.TZ = saved;
        }
      }
    },
  );
});
