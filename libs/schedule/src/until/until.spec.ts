import { runInThisContext } from 'node:vm';
import { planTransitions } from '../programme/schedule';
import { ScheduleExceptionCode } from '../schedule.exception';
import { failureCode, SAINT_QUENTIN, streetLighting, TROMSO } from '../schedule.fixtures';
import { type SunSite, sunDay } from '../sun/sun';
import { parseLocalDate } from '../time/local-date';
import { nextTransition, parseUntil, resolveUntil, type UntilContext, untilText } from './until';

const hostProcess = runInThisContext('process') as NodeJS.Process;

/** Runs `compute` with the process in `timeZone` (see host-time-zone.spec.ts for why through the outer context). */
function withHostTimeZone<T>(timeZone: string, compute: () => T): T {
  const saved = hostProcess.env.TZ;
  hostProcess.env.TZ = timeZone;
  try {
    return compute();
  } finally {
    if (saved === undefined) delete hostProcess.env.TZ;
    else hostProcess.env.TZ = saved;
  }
}

const PARIS: SunSite = SAINT_QUENTIN;
const MARTINIQUE: SunSite = { latitude: 14.6161, longitude: -61.0588, timeZone: 'America/Martinique' };
const KIRITIMATI: SunSite = { latitude: 1.87, longitude: -157.4, timeZone: 'Pacific/Kiritimati' };
const DAY = 86_400_000;

function context(now: string, site: SunSite, nextTransitionAt: string | null = null): UntilContext {
  return {
    now: new Date(now),
    site,
    nextTransition: nextTransitionAt === null ? null : new Date(nextTransitionAt),
    horizonMs: 2 * DAY,
  };
}

function resolved(until: string, ctx: UntilContext): string | null {
  return resolveUntil(parseUntil(until), ctx).until?.toISOString() ?? null;
}

/** [case, until, now, site, expected end] */
const LOCAL_TIMES: [string, string, string, SunSite, string][] = [
  ['later today (winter)', '23:00', '2027-01-10T20:00:00Z', PARIS, '2027-01-10T22:00:00.000Z'],
  ['after midnight', '02:00', '2027-01-10T20:00:00Z', PARIS, '2027-01-11T01:00:00.000Z'],
  ['the very minute: the next day', '21:00', '2027-01-10T20:00:00Z', PARIS, '2027-01-11T20:00:00.000Z'],
  ['summer time', '23:00', '2027-07-10T18:00:00Z', PARIS, '2027-07-10T21:00:00.000Z'],
  ['spring-forward night, in the gap', '02:30', '2027-03-27T23:00:00Z', PARIS, '2027-03-28T01:00:00.000Z'],
  ['spring-forward night, after the gap', '04:00', '2027-03-27T23:00:00Z', PARIS, '2027-03-28T02:00:00.000Z'],
  ['fall-back night, in the overlap', '02:30', '2026-10-24T22:00:00Z', PARIS, '2026-10-25T00:30:00.000Z'],
  ['fall-back night, after the overlap', '04:00', '2026-10-24T22:00:00Z', PARIS, '2026-10-25T03:00:00.000Z'],
  ['a site in another time zone', '23:00', '2027-01-10T20:00:00Z', MARTINIQUE, '2027-01-11T03:00:00.000Z'],
  ['a site a day ahead of UTC', '02:00', '2027-01-10T20:00:00Z', KIRITIMATI, '2027-01-11T12:00:00.000Z'],
];

describe('parseUntil', () => {
  it.each([
    ['next-transition', 'next-transition'],
    ['sunrise', 'sunrise'],
    ['02:00', '02:00'],
    ['23:59', '23:59'],
    ['2027-01-01T02:00:00+01:00', '2027-01-01T01:00:00.000Z'],
  ])('reads %s', (text, written) => {
    expect(untilText(parseUntil(text))).toBe(written);
  });

  it.each(['25:00', '2:00', '23:60', '23h00'])('refuses %s as a time that is not HH:MM', (text) => {
    expect(() => parseUntil(text)).toThrow(/is not a local time HH:MM/);
    expect(failureCode(() => parseUntil(text))).toBe(ScheduleExceptionCode.InvalidUntil);
  });

  it.each(['tomorrow', 'permanent', '', '2027-13-45T00:00:00Z', '2027-01-01'])('refuses %j as no form', (text) => {
    expect(() => parseUntil(text)).toThrow(/is no until form: expected "next-transition", "sunrise"/);
  });
});

describe('resolveUntil', () => {
  it.each(LOCAL_TIMES)('HH:MM, %s: %s from %s', (_case, until, now, site, expected) => {
    expect(resolved(until, context(now, site))).toBe(expected);
  });

  it('gives the same ends whatever the time zone of the process (Pacific/Auckland)', () => {
    const here = LOCAL_TIMES.map(([, until, now, site]) => resolved(until, context(now, site)));
    const there = withHostTimeZone('Pacific/Auckland', () =>
      LOCAL_TIMES.map(([, until, now, site]) => resolved(until, context(now, site))),
    );
    expect(there).toEqual(here);
    expect(there).toEqual(LOCAL_TIMES.map(([, , , , expected]) => expected));
  });

  it('next-transition is the output next scheduled transition, and says so', () => {
    const result = resolveUntil(
      parseUntil('next-transition'),
      context('2027-01-10T20:00:00Z', PARIS, '2027-01-10T22:00:00Z'),
    );
    expect(result).toEqual({ form: 'next-transition', until: new Date('2027-01-10T22:00:00Z') });
  });

  it('refuses next-transition when no programme changes the output within the horizon', () => {
    const ctx = context('2027-01-10T20:00:00Z', PARIS);
    expect(() => resolveUntil({ kind: 'next-transition' }, ctx)).toThrow(
      'until next-transition: no programme changes this output within 48 h; give until ("next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant) or permanent: true',
    );
    expect(failureCode(() => resolveUntil({ kind: 'next-transition' }, ctx))).toBe(
      ScheduleExceptionCode.UnresolvableUntil,
    );
  });

  it('sunrise is the next sunrise at the site: today before it, tomorrow after it', () => {
    const today = sunDay(PARIS, parseLocalDate('2027-01-11'), 'usno').sunrise;
    const tomorrow = sunDay(PARIS, parseLocalDate('2027-01-12'), 'usno').sunrise;
    expect(resolved('sunrise', context('2027-01-10T23:00:00Z', PARIS))).toBe(today?.toISOString());
    expect(resolved('sunrise', context('2027-01-11T12:00:00Z', PARIS))).toBe(tomorrow?.toISOString());
  });

  it('refuses sunrise in the polar night', () => {
    expect(() => resolveUntil({ kind: 'sunrise' }, context('2027-12-20T12:00:00Z', TROMSO))).toThrow(
      /until sunrise: the sun does not rise at this site within 48 h/,
    );
  });

  it('refuses an instant in the past or beyond the horizon, and accepts one within', () => {
    const ctx = context('2027-01-10T20:00:00Z', PARIS);
    expect(() => resolved('2027-01-10T19:00:00Z', ctx)).toThrow(
      'until 2027-01-10T19:00:00.000Z is in the past (the time is 2027-01-10T21:00:00+01:00)',
    );
    expect(() => resolved('2027-01-13T20:00:00Z', ctx)).toThrow(
      'until 2027-01-13T20:00:00.000Z is too far ahead: at most 2027-01-12T21:00:00+01:00 (48 h from now)',
    );
    expect(resolved('2027-01-11T06:00:00+01:00', ctx)).toBe('2027-01-11T05:00:00.000Z');
  });

  it('permanent has no end, and says so', () => {
    expect(resolveUntil({ kind: 'permanent' }, context('2027-01-10T20:00:00Z', PARIS))).toEqual({
      form: 'permanent',
      until: null,
    });
  });
});

describe('nextTransition', () => {
  const lighting = streetLighting('05:30');

  it('is the first transition the schedule engine plans after now', () => {
    const now = new Date('2027-01-10T20:00:00Z');
    const [first] = planTransitions(
      lighting,
      PARIS,
      new Date(now.getTime() + 1),
      new Date(now.getTime() + DAY),
    ).transitions;
    expect(first?.at.toISOString()).toBe('2027-01-10T22:00:00.000Z');
    expect(nextTransition([{ schedule: lighting, site: PARIS }], now, 2 * DAY)).toEqual(first?.at);
  });

  it('takes the earliest of the schedules that drive the output', () => {
    const now = new Date('2027-01-10T20:00:00Z');
    const early = nextTransition(
      [
        { schedule: streetLighting('05:30'), site: MARTINIQUE },
        { schedule: lighting, site: PARIS },
      ],
      now,
      2 * DAY,
    );
    expect(early?.toISOString()).toBe('2027-01-10T22:00:00.000Z');
  });

  it('is null when nothing drives the output', () => {
    expect(nextTransition([], new Date('2027-01-10T20:00:00Z'), 2 * DAY)).toBeNull();
  });
});
