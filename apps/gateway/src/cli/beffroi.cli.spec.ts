import { Body, Observer, SearchRiseSet } from 'astronomy-engine';
import { runCli } from './beffroi.cli';

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

const SAINT_QUENTIN = ['--lat', '49.8467', '--lon', '3.2874', '--tz', 'Europe/Paris'];

describe('beffroi sun', () => {
  it('prints one JSON object per local day with the zone offset and seconds', () => {
    const { code, out } = run('sun', ...SAINT_QUENTIN, '--from', '2027-03-27', '--days', '3');
    expect(code).toBe(0);
    const days = out.map((line) => JSON.parse(line) as Record<string, string | null>);
    expect(days.map((d) => d.date)).toEqual(['2027-03-27', '2027-03-28', '2027-03-29']);
    expect(Object.keys(days[0]!)).toEqual(['date', 'sunrise', 'sunset', 'civilDawn', 'civilDusk', 'status']);
    // Summer time starts on 2027-03-28: the offset changes with it.
    expect(days[0]!.sunrise).toMatch(/^2027-03-27T06:\d\d:\d\d\+01:00$/);
    expect(days[2]!.sunrise).toMatch(/^2027-03-29T07:\d\d:\d\d\+02:00$/);
  });

  it('agrees with astronomy-engine within a minute', () => {
    const [line] = run('sun', ...SAINT_QUENTIN, '--from', '2027-01-01').out;
    const { sunrise } = JSON.parse(line!) as { sunrise: string };
    const reference = SearchRiseSet(Body.Sun, new Observer(49.8467, 3.2874, 0), 1, new Date('2026-12-31T23:00:00Z'), 1);
    expect(Math.abs(Date.parse(sunrise) - reference!.date.getTime())).toBeLessThan(60_000);
  });

  it('says when the sun never sets, with null events', () => {
    const [line] = run('sun', '--lat', '69.6', '--lon', '18.9', '--tz', 'Europe/Oslo', '--from', '2027-06-21').out;
    expect(JSON.parse(line!)).toEqual({
      date: '2027-06-21',
      sunrise: null,
      sunset: null,
      civilDawn: null,
      civilDusk: null,
      status: 'alwaysUp',
    });
  });

  it.each([
    [
      ['--lat', '99', '--lon', '3', '--tz', 'Europe/Paris', '--from', '2027-01-01'],
      '--lat: expected a number -90..90, got "99"',
    ],
    [['--lat', '49', '--lon', '3', '--tz', 'Paris', '--from', '2027-01-01'], '--tz: expected an IANA time zone'],
    [
      ['--lat', '49', '--lon', '3', '--tz', 'Europe/Paris', '--from', '2027-02-30'],
      '--from: expected a date YYYY-MM-DD',
    ],
    [['--lat', '49', '--lon', '3', '--tz', 'Europe/Paris'], '--from is required'],
    [
      ['--lat', '49', '--lon', '3', '--tz', 'Europe/Paris', '--from', '2027-01-01', '--horizon', 'sea'],
      '--horizon: expected usno | imcce',
    ],
    [
      ['--lat', '49', '--lon', '3', '--tz', 'Europe/Paris', '--from', '2027-01-01', '--days', '1.5'],
      '--days: expected a whole number',
    ],
    [['--latitude', '49'], 'unknown option --latitude'],
  ])('refuses %j with one line naming the argument, exit 2', (argv, message) => {
    const { code, out, err } = run('sun', ...argv);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(message);
  });

  it('refuses an unknown command', () => {
    expect(run('moon')).toMatchObject({
      code: 2,
      err: ['beffroi moon: unknown command "moon" (expected: sun, schedule preview, scan, identify, test-outputs)'],
    });
  });
});
