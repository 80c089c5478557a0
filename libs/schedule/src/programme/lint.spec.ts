import { sunDay } from '../sun/sun';
import { addDays, compareLocalDates, formatLocalDate, type LocalDate, parseLocalDate } from '../time/local-date';
import { resolveLocalTime } from '../time/zoned-time';
import { type LintFinding, lintSchedule } from './lint';
import type { Schedule } from './schedule';
import { SAINT_QUENTIN, TROMSO, everyNight, streetLighting } from '../schedule.fixtures';

function lint(schedule: Schedule, first: string, last: string, minBurnMinutes?: number, site = SAINT_QUENTIN) {
  return lintSchedule(schedule, site, parseLocalDate(first), parseLocalDate(last), {}, { minBurnMinutes });
}

function find(findings: readonly LintFinding[], code: LintFinding['code']): LintFinding | undefined {
  return findings.find((finding) => finding.code === code);
}

function dates(finding: LintFinding | undefined): string[] {
  return [...(finding?.nights ?? [])].sort(compareLocalDates).map(formatLocalDate);
}

function nightsBetween(first: string, last: string): LocalDate[] {
  const result: LocalDate[] = [];
  for (let night = parseLocalDate(first); formatLocalDate(night) <= last; night = addDays(night, 1)) {
    result.push(night);
  }
  return result;
}

describe('lintSchedule: fixed "on" after sunrise', () => {
  it('flags every night of 2027 where a 06:00 "on" falls at or after sunrise, and only those', () => {
    const expected = nightsBetween('2027-01-01', '2027-12-30')
      .filter((night) => {
        const morning = addDays(night, 1);
        const sunrise = sunDay(SAINT_QUENTIN, morning, 'usno').sunrise;
        const six = resolveLocalTime(morning, 6, 0, 0, SAINT_QUENTIN.timeZone).instant;
        return sunrise !== null && six.getTime() >= sunrise.getTime();
      })
      .map(formatLocalDate);

    const finding = find(lint(streetLighting('06:00'), '2027-01-01', '2027-12-30'), 'onAfterSunrise');

    expect(expected.length).toBeGreaterThan(60);
    expect(dates(finding)).toEqual(expected);
    expect(finding).toMatchObject({ severity: 'warning', programmeId: 'night', pointIndex: 2 });
    expect(finding?.message).toContain('night point 2 (06:00) switches on at or after point 3 (sunrise)');
    expect(finding?.message).toContain(`${expected.length} nights: ${expected[0] ?? '?'} … ${expected.at(-1) ?? '?'}`);
  });

  it('flags an "on" lit in daylight even when nothing overtakes it', () => {
    const schedule = everyNight([
      { sun: 'sunset', value: true },
      { at: '23:00', value: false },
      { at: '06:30', value: true },
      { at: '08:00', value: false },
    ]);

    const finding = find(lint(schedule, '2027-06-14', '2027-06-16'), 'onAfterSunrise');

    expect(dates(finding)).toEqual(['2027-06-14', '2027-06-15', '2027-06-16']);
    expect(finding?.message).toContain('night point 2 (06:30) switches on after sunrise, in daylight');
  });

  it('finds nothing wrong with the classic programme in winter', () => {
    expect(lint(streetLighting('05:30'), '2027-01-11', '2027-01-17')).toEqual([]);
  });
});

describe('lintSchedule: minimum burn time', () => {
  it('flags the 05:30 → sunrise (05:38) burn in June, shorter than the default 10 min', () => {
    const findings = lint(streetLighting('05:30'), '2027-06-14', '2027-06-20');

    expect(findings.map((finding) => finding.code)).toEqual(['shortBurn']);
    expect(dates(find(findings, 'shortBurn'))).toHaveLength(7);
    expect(find(findings, 'shortBurn')?.message).toMatch(
      /^night point 2 \(05:30\) starts an on-period shorter than 10 min \(7\.\d min first\); 7 nights: /,
    );
  });

  it('accepts it with a 5 min minimum', () => {
    expect(lint(streetLighting('05:30'), '2027-06-14', '2027-06-20', 5)).toEqual([]);
  });
});

describe('lintSchedule: DST', () => {
  const schedule = everyNight([
    { at: '20:00', value: true },
    { at: '02:30', value: false },
  ]);

  it('names the nights where a fixed time falls in the gap or the overlap', () => {
    const findings = lint(schedule, '2026-10-01', '2027-11-30');

    expect(findings.map((finding) => [finding.code, finding.severity, dates(finding)])).toEqual([
      ['dstOverlap', 'info', ['2026-10-24', '2027-10-30']],
      ['dstGap', 'warning', ['2027-03-27']],
    ]);
    expect(find(findings, 'dstGap')?.message).toBe(
      'night point 1 at 02:30 falls in the spring-forward gap (does not exist): it runs at ' +
        '2027-03-28T03:00:00+02:00; night of 2027-03-27',
    );
    expect(find(findings, 'dstOverlap')?.message).toContain(
      'falls in the fall-back overlap (happens twice): it runs once, at 2026-10-25T02:30:00+02:00',
    );
  });
});

describe('lintSchedule: polar nights', () => {
  it('reports sun points that cannot run', () => {
    const findings = lint(streetLighting('05:30'), '2027-06-20', '2027-06-21', 10, TROMSO);

    expect(findings.filter((f) => f.code === 'noSunEvent').map((f) => [f.pointIndex, dates(f)])).toEqual([
      [0, ['2027-06-20', '2027-06-21']],
      [3, ['2027-06-20', '2027-06-21']],
    ]);
  });
});
