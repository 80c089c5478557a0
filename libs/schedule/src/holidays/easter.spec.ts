import { ScheduleException } from '../schedule.exception';
import { formatLocalDate, weekdayOf } from '../time/local-date';
import { easterSunday } from './easter';

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    // Also the day Europe/Paris moves to summer time.
    [2027, '2027-03-28'],
    [2028, '2028-04-16'],
    [2029, '2029-04-01'],
    [2030, '2030-04-21'],
    // The extremes of the Gregorian range: 22 March and 25 April.
    [1818, '1818-03-22'],
    [2285, '2285-03-22'],
    [1943, '1943-04-25'],
    [2038, '2038-04-25'],
    [2000, '2000-04-23'],
  ])('Easter %i is %s', (year, expected) => {
    expect(formatLocalDate(easterSunday(year))).toBe(expected);
  });

  it('always falls on a Sunday between 22 March and 25 April', () => {
    for (let year = 1583; year <= 3000; year += 1) {
      const easter = easterSunday(year);
      expect(weekdayOf(easter)).toBe(7);
      const monthDay = easter.month * 100 + easter.day;
      expect(monthDay).toBeGreaterThanOrEqual(322);
      expect(monthDay).toBeLessThanOrEqual(425);
    }
  });

  it('rejects a year outside the supported range', () => {
    expect(() => easterSunday(999)).toThrow(ScheduleException);
    expect(() => easterSunday(2027.5)).toThrow(ScheduleException);
  });
});
