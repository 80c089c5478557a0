import { SAINT_QUENTIN, TROMSO, everyNight, streetLighting } from '../schedule.fixtures';
import { sunDay } from '../sun/sun';
import { addDays, parseLocalDate } from '../time/local-date';
import { resolveLocalTime } from '../time/zoned-time';
import { summarizeNights } from './night-summary';
import { parseSchedule } from './schedule';

const MINUTE = 60_000;
const DUSK_TO_DAWN = everyNight([
  { sun: 'sunset', value: true },
  { sun: 'sunrise', value: false },
]);

function minutesBetween(from: Date | null, to: Date | null): number {
  if (from === null || to === null) throw new Error('no sun event');
  return (to.getTime() - from.getTime()) / MINUTE;
}

describe('summarizeNights', () => {
  it('burns a dusk-to-dawn programme exactly as long as it is dark, every night of a year', () => {
    const year = summarizeNights(
      DUSK_TO_DAWN,
      SAINT_QUENTIN,
      parseLocalDate('2027-01-01'),
      parseLocalDate('2027-12-31'),
    );
    expect(year).toHaveLength(365);
    for (const night of year) {
      expect(night.burnMinutes).toBeCloseTo(night.darkMinutes, 6);
      expect(night.switchOns).toBe(1);
    }
    const january = year[10];
    const evening = sunDay(SAINT_QUENTIN, parseLocalDate('2027-01-11'), 'usno').sunset;
    const morning = sunDay(SAINT_QUENTIN, parseLocalDate('2027-01-12'), 'usno').sunrise;
    expect(january?.darkMinutes).toBeCloseTo(minutesBetween(evening, morning), 6);
  });

  it('counts the night cut of Saint-Quentin: sunset+15 → 23:00, 05:30 → sunrise', () => {
    const [winter] = summarizeNights(
      streetLighting('05:30'),
      SAINT_QUENTIN,
      parseLocalDate('2027-01-11'),
      parseLocalDate('2027-01-11'),
    );
    const night = parseLocalDate('2027-01-11');
    const sunset = sunDay(SAINT_QUENTIN, night, 'usno').sunset;
    const sunrise = sunDay(SAINT_QUENTIN, addDays(night, 1), 'usno').sunrise;
    const eleven = resolveLocalTime(night, 23, 0, 0, 'Europe/Paris').instant;
    const fiveThirty = resolveLocalTime(addDays(night, 1), 5, 30, 0, 'Europe/Paris').instant;
    expect(winter).toMatchObject({ night, programmeId: 'night', switchOns: 2, findings: [] });
    expect(winter?.burnMinutes).toBeCloseTo(
      minutesBetween(sunset, eleven) - 15 + minutesBetween(fiveThirty, sunrise),
      6,
    );
    expect(winter?.fullPowerMinutes).toBeCloseTo(winter?.burnMinutes ?? 0, 6);
  });

  it('flags the summer nights where 05:30 is after sunrise (a short burn), and the lamps stay off by day', () => {
    const june = summarizeNights(
      streetLighting('05:30'),
      SAINT_QUENTIN,
      parseLocalDate('2027-06-20'),
      parseLocalDate('2027-06-21'),
    );
    for (const night of june) {
      expect(night.findings).toContain('shortBurn');
      expect(night.burnMinutes).toBeLessThan(night.darkMinutes);
    }
  });

  it('weighs dimmed levels by their power', () => {
    const [night] = summarizeNights(
      everyNight([
        { at: '20:00', value: 100 },
        { at: '22:00', value: 50 },
        { at: '02:00', value: 0 },
      ]),
      SAINT_QUENTIN,
      parseLocalDate('2027-01-11'),
      parseLocalDate('2027-01-11'),
    );
    expect(night).toMatchObject({ burnMinutes: 360, fullPowerMinutes: 120 + 120, switchOns: 1 });
  });

  it('spans the DST nights of 2027 at their real length (23 h and 25 h windows)', () => {
    const [spring] = summarizeNights(
      DUSK_TO_DAWN,
      SAINT_QUENTIN,
      parseLocalDate('2027-03-27'),
      parseLocalDate('2027-03-27'),
    );
    const [autumn] = summarizeNights(
      DUSK_TO_DAWN,
      SAINT_QUENTIN,
      parseLocalDate('2027-10-30'),
      parseLocalDate('2027-10-30'),
    );
    const springDark = minutesBetween(
      sunDay(SAINT_QUENTIN, parseLocalDate('2027-03-27'), 'usno').sunset,
      sunDay(SAINT_QUENTIN, parseLocalDate('2027-03-28'), 'usno').sunrise,
    );
    const autumnDark = minutesBetween(
      sunDay(SAINT_QUENTIN, parseLocalDate('2027-10-30'), 'usno').sunset,
      sunDay(SAINT_QUENTIN, parseLocalDate('2027-10-31'), 'usno').sunrise,
    );
    expect(spring?.burnMinutes).toBeCloseTo(springDark, 6);
    expect(autumn?.burnMinutes).toBeCloseTo(autumnDark, 6);
  });

  it('is dark all night in the polar night and never in the midnight sun', () => {
    const [polarNight] = summarizeNights(
      DUSK_TO_DAWN,
      TROMSO,
      parseLocalDate('2027-12-21'),
      parseLocalDate('2027-12-21'),
    );
    const [midnightSun] = summarizeNights(
      DUSK_TO_DAWN,
      TROMSO,
      parseLocalDate('2027-06-21'),
      parseLocalDate('2027-06-21'),
    );
    expect(polarNight).toMatchObject({ darkMinutes: 24 * 60, sunset: null, sunrise: null });
    expect(midnightSun).toMatchObject({ darkMinutes: 0, burnMinutes: 0, sunset: null, sunrise: null });
  });

  it('says which programme the calendar chose, and null when it cannot tell', () => {
    const schedule = parseSchedule(
      {
        calendar: {
          defaultProgrammeId: 'night',
          rules: [{ kind: 'schoolHoliday', zone: 'A', programmeId: 'holidays' }],
        },
        programmes: {
          night: {
            points: [
              { sun: 'sunset', value: true },
              { sun: 'sunrise', value: false },
            ],
          },
          holidays: {
            points: [
              { sun: 'sunset', value: true },
              { at: '23:00', value: false },
            ],
          },
        },
      },
      'schedule.yaml',
    );
    const [night] = summarizeNights(
      schedule,
      SAINT_QUENTIN,
      parseLocalDate('2027-01-11'),
      parseLocalDate('2027-01-11'),
    );
    expect(night?.programmeId).toBeNull();
    expect(night?.findings).toContain('programmeUnknown');
  });
});
