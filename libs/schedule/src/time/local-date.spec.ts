import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import {
  addDays,
  compareLocalDates,
  daysInMonth,
  formatLocalDate,
  fromEpochDay,
  localDate,
  parseLocalDate,
  toEpochDay,
  weekdayOf,
} from './local-date';

describe('local dates', () => {
  it.each([
    ['2027-01-01', { year: 2027, month: 1, day: 1 }],
    ['2028-02-29', { year: 2028, month: 2, day: 29 }],
    ['1000-12-31', { year: 1000, month: 12, day: 31 }],
  ])('parses and formats %s', (text, expected) => {
    expect(parseLocalDate(text)).toEqual(expected);
    expect(formatLocalDate(expected)).toBe(text);
  });

  it.each([
    ['2027-1-01', 'not a date in YYYY-MM-DD form'],
    ['27-01-01', 'not a date in YYYY-MM-DD form'],
    ['2027-02-29', 'day must be an integer from 1 to 28'],
    ['2100-02-29', 'day must be an integer from 1 to 28'],
    ['2027-13-01', 'month must be an integer from 1 to 12'],
    ['2027-04-31', 'day must be an integer from 1 to 30'],
    ['0999-01-01', 'year must be an integer from 1000 to 9999'],
  ])('rejects %s, saying why', (text, reason) => {
    expect(() => parseLocalDate(text)).toThrow(reason);
    expect(() => parseLocalDate(text)).toThrow(ScheduleException);
  });

  it('rejects a non-integer field with the InvalidLocalDate code', () => {
    let code: unknown;
    try {
      localDate(2027, 1.5, 1);
    } catch (error) {
      code = (error as ScheduleException).code;
    }
    expect(code).toBe(ScheduleExceptionCode.InvalidLocalDate);
  });

  it.each([
    ['2027-01-31', 1, '2027-02-01'],
    ['2027-12-31', 1, '2028-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-03-01', -1, '2027-02-28'],
    ['2027-01-01', 365, '2028-01-01'],
    ['2027-10-31', 0, '2027-10-31'],
  ])('%s plus %i days is %s', (from, days, expected) => {
    expect(formatLocalDate(addDays(parseLocalDate(from), days))).toBe(expected);
  });

  it.each([
    ['1970-01-01', 4],
    ['2027-01-01', 5],
    ['2027-03-28', 7],
    ['2027-10-31', 7],
    ['2026-10-26', 1],
    ['2000-02-29', 2],
    ['1969-12-31', 3],
  ])('%s is ISO weekday %i', (text, weekday) => {
    expect(weekdayOf(parseLocalDate(text))).toBe(weekday);
  });

  it.each([
    [2027, 2, 28],
    [2028, 2, 29],
    [2000, 2, 29],
    [1900, 2, 28],
    [2027, 4, 30],
    [2027, 12, 31],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });

  it('orders dates', () => {
    const dates = ['2027-03-01', '2026-12-31', '2027-02-28', '2027-03-01'].map(parseLocalDate);
    expect([...dates].sort(compareLocalDates).map(formatLocalDate)).toEqual([
      '2026-12-31',
      '2027-02-28',
      '2027-03-01',
      '2027-03-01',
    ]);
  });

  it('round-trips epoch days', () => {
    expect(toEpochDay(parseLocalDate('1970-01-01'))).toBe(0);
    expect(formatLocalDate(fromEpochDay(toEpochDay(parseLocalDate('1969-07-20'))))).toBe('1969-07-20');
  });
});
