import { formatDateTime } from './format';
import { fromLocalInput, instantOf, toLocalInput, wallClockAt } from './zoned-time';

const PARIS = 'Europe/Paris';

describe("a site's wall clock", () => {
  it('formats an instant in the site time zone the French way', () => {
    expect(formatDateTime('2026-12-03T22:00:00Z', PARIS)).toBe('jeu. 3 déc., 23:00');
    expect(formatDateTime('2026-07-02T21:00:00Z', PARIS)).toBe('jeu. 2 juil., 23:00');
  });

  it('finds the instant of a wall-clock time in winter and in summer', () => {
    expect(instantOf({ year: 2026, month: 12, day: 3, hour: 23, minute: 0 }, PARIS).toISOString()).toBe(
      '2026-12-03T22:00:00.000Z',
    );
    expect(instantOf({ year: 2026, month: 7, day: 2, hour: 23, minute: 0 }, PARIS).toISOString()).toBe(
      '2026-07-02T21:00:00.000Z',
    );
    expect(wallClockAt(new Date('2026-07-02T21:00:00Z'), PARIS)).toEqual({
      year: 2026,
      month: 7,
      day: 2,
      hour: 23,
      minute: 0,
    });
  });

  it('takes the first 02:00 of the night the clocks go back, and the instant after the gap when they go forward', () => {
    expect(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, PARIS).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, PARIS).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('reads and writes a datetime-local value on the site clock', () => {
    expect(toLocalInput(new Date('2026-12-03T22:00:00Z'), PARIS)).toBe('2026-12-03T23:00');
    expect(fromLocalInput('2026-12-03T23:00', PARIS)?.toISOString()).toBe('2026-12-03T22:00:00.000Z');
    expect(fromLocalInput('', PARIS)).toBeUndefined();
    expect(fromLocalInput('demain', PARIS)).toBeUndefined();
  });
});
