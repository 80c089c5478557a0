import { DocumentException } from '@beffroi/domain/validation/document.exception';
import shipped from '../../../../config/data/school-holidays-fr-2026-2027.json';
import { parseLocalDate } from '../time/local-date';
import {
  parseSchoolHolidays,
  schoolHolidayOn,
  type SchoolHolidayStatus,
  schoolHolidayStatus,
  type SchoolZone,
} from './school-holidays';

const SOURCE = 'config/data/school-holidays-fr-2026-2027.json';
const data = parseSchoolHolidays(shipped, SOURCE);

/** A deep copy of the shipped file, changed by `edit`, so each case breaks one thing. */
function shippedWith(edit: (copy: any) => void): unknown {
  const copy = structuredClone(shipped) as any;
  edit(copy);
  return copy;
}

function problemsOf(input: unknown): string {
  try {
    parseSchoolHolidays(input, 'holidays.json');
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentException);
    return (error as DocumentException).message;
  }
  throw new Error('expected the data to be rejected');
}

describe('the shipped school-holiday data (2026–2027)', () => {
  it('declares its horizon and zones A, B and C only', () => {
    expect(data.validFrom).toEqual(parseLocalDate('2026-09-01'));
    expect(data.validUntil).toEqual(parseLocalDate('2027-07-03'));
    expect(Object.keys(data.zones).sort()).toEqual(['A', 'B', 'C']);
    expect(data.periods).toHaveLength(10);
  });

  // date, zone, status: the day classes end is still a school day, the day they resume is one again.
  it.each<[string, SchoolZone, SchoolHolidayStatus]>([
    ['2026-08-31', 'A', 'unknown'],
    ['2026-09-01', 'A', 'school'],
    ['2026-10-17', 'B', 'school'],
    ['2026-10-18', 'A', 'holiday'],
    ['2026-10-18', 'B', 'holiday'],
    ['2026-10-18', 'C', 'holiday'],
    ['2026-11-01', 'C', 'holiday'],
    ['2026-11-02', 'C', 'school'],
    ['2026-12-19', 'A', 'school'],
    ['2026-12-20', 'A', 'holiday'],
    ['2027-01-03', 'B', 'holiday'],
    ['2027-01-04', 'B', 'school'],
    ['2027-02-07', 'C', 'holiday'],
    ['2027-02-07', 'A', 'school'],
    ['2027-02-14', 'A', 'holiday'],
    ['2027-02-14', 'B', 'school'],
    ['2027-02-21', 'B', 'holiday'],
    ['2027-02-22', 'C', 'school'],
    ['2027-02-28', 'A', 'holiday'],
    ['2027-03-01', 'A', 'school'],
    ['2027-03-07', 'B', 'holiday'],
    ['2027-03-08', 'B', 'school'],
    ['2027-04-04', 'C', 'holiday'],
    ['2027-04-04', 'A', 'school'],
    ['2027-04-18', 'C', 'holiday'],
    ['2027-04-19', 'C', 'school'],
    ['2027-04-25', 'A', 'holiday'],
    ['2027-04-26', 'A', 'school'],
    ['2027-05-02', 'B', 'holiday'],
    ['2027-05-03', 'B', 'school'],
    ['2027-05-05', 'A', 'school'],
    ['2027-05-06', 'A', 'holiday'],
    ['2027-05-09', 'C', 'holiday'],
    ['2027-05-10', 'B', 'school'],
    ['2027-07-03', 'A', 'school'],
    // Beyond the horizon, even though the summer holidays have begun: the file does not say until when.
    ['2027-07-04', 'A', 'unknown'],
    ['2027-08-15', 'C', 'unknown'],
    // Zones the file lacks.
    ['2026-10-20', 'corse', 'unknown'],
    ['2026-10-20', 'la-reunion', 'unknown'],
    ['2026-10-20', 'guadeloupe', 'unknown'],
  ])('%s in zone %s: %s', (date, zone, status) => {
    expect(schoolHolidayStatus(data, parseLocalDate(date), zone)).toBe(status);
  });

  it('names the period of a holiday and the reason for an unknown', () => {
    const holiday = schoolHolidayOn(data, parseLocalDate('2027-02-14'), 'A');
    expect(holiday.status === 'holiday' && holiday.period.name).toBe("Vacances d'hiver");
    expect(schoolHolidayOn(data, parseLocalDate('2026-10-20'), 'corse')).toEqual({
      status: 'unknown',
      reason: expect.stringContaining('no calendar for zone corse') as unknown,
    });
    expect(schoolHolidayOn(data, parseLocalDate('2027-07-04'), 'A')).toEqual({
      status: 'unknown',
      reason: "2027-07-04 is outside the school-holiday data's horizon (2026-09-01 to 2027-07-03)",
    });
  });
});

describe('parseSchoolHolidays rejects bad data, naming the path', () => {
  it.each<[string, (copy: any) => void, string]>([
    ['a missing horizon', (copy) => delete copy.validUntil, 'validUntil: expected a date "YYYY-MM-DD", got nothing'],
    ['an impossible date', (copy) => (copy.periods[2].classesEnd = '2027-02-30'), 'periods[2].classesEnd'],
    ['a date in another form', (copy) => (copy.validFrom = '01/09/2026'), 'validFrom: "01/09/2026" is not a date'],
    ['an unknown zone', (copy) => (copy.periods[0].zones = ['D']), 'periods[0].zones[0]: expected a school zone'],
    ['an undeclared zone', (copy) => (copy.periods[0].zones = ['corse']), 'zone "corse" is not declared'],
    [
      'a period that ends after it resumes',
      (copy) => (copy.periods[1].classesResume = '2026-12-01'),
      'periods[1].classesResume: classesResume must be after classesEnd',
    ],
    ['a horizon backwards', (copy) => (copy.validUntil = '2026-01-01'), 'validUntil must not be before validFrom'],
    ['an unknown key', (copy) => (copy.periods[0].start = '2026-10-17'), 'periods[0]: unknown key "start"'],
  ])('%s', (_label, edit, expected) => {
    const message = problemsOf(shippedWith(edit));
    expect(message).toContain('holidays.json');
    expect(message).toContain(expected);
  });

  it('rejects something that is not a mapping', () => {
    expect(problemsOf([])).toContain('holidays.json');
  });
});
