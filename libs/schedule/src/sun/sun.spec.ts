import { ScheduleExceptionCode } from '../schedule.exception';
import { addDays, type LocalDate, parseLocalDate } from '../time/local-date';
import { formatIsoWithOffset, localDaySpan, resolveLocalTime } from '../time/zoned-time';
import {
  computeSunTimes,
  prepareSunSite,
  sunDay,
  sunDayTerms,
  type SunHorizon,
  type SunSite,
  type SunStatus,
} from './sun';
import { failureCode } from '../schedule.fixtures';

const PARIS: SunSite = { latitude: 48.8566, longitude: 2.3522, timeZone: 'Europe/Paris' };
const TROMSO: SunSite = { latitude: 69.6, longitude: 18.9, timeZone: 'Europe/Oslo' };
const KIRITIMATI: SunSite = { latitude: 1.87, longitude: -157.4, timeZone: 'Pacific/Kiritimati' };
const FORT_DE_FRANCE: SunSite = { latitude: 14.6161, longitude: -61.0588, timeZone: 'America/Martinique' };
const EVENTS = ['sunrise', 'sunset', 'civilDawn', 'civilDusk'] as const;

type EventName = (typeof EVENTS)[number];

describe('sunDay', () => {
  // Timetables from astronomy-engine (SearchAltitude at -0.833° and -6°), to the second.
  it.each<[string, SunSite, string, Record<EventName, string>]>([
    [
      'Paris on the winter solstice',
      PARIS,
      '2027-12-21',
      {
        sunrise: '2027-12-21T08:41:06+01:00',
        sunset: '2027-12-21T16:55:54+01:00',
        civilDawn: '2027-12-21T08:03:48+01:00',
        civilDusk: '2027-12-21T17:33:13+01:00',
      },
    ],
    [
      'Paris on the day clocks go forward',
      PARIS,
      '2027-03-28',
      {
        sunrise: '2027-03-28T07:37:24+02:00',
        sunset: '2027-03-28T20:14:57+02:00',
        civilDawn: '2027-03-28T07:05:41+02:00',
        civilDusk: '2027-03-28T20:46:47+02:00',
      },
    ],
    [
      'Saint-Denis, La Réunion, on the summer solstice',
      { latitude: -20.8823, longitude: 55.4504, timeZone: 'Indian/Reunion' },
      '2027-12-21',
      {
        sunrise: '2027-12-21T05:33:54+04:00',
        sunset: '2027-12-21T18:58:12+04:00',
        civilDawn: '2027-12-21T05:09:08+04:00',
        civilDusk: '2027-12-21T19:22:58+04:00',
      },
    ],
  ])('%s, each event within 10 s', (_name, site, date, expected) => {
    const day = sunDay(site, parseLocalDate(date), 'usno');
    const errors = EVENTS.map((event) => ({
      event,
      seconds: Math.abs((day[event]?.getTime() ?? NaN) - new Date(expected[event]).getTime()) / 1000,
    }));
    expect(errors.filter(({ seconds }) => !(seconds <= 10))).toEqual([]);
  });

  it('puts sunrise later with the imcce horizon (centre of the disc) than with usno (upper limb)', () => {
    const date = parseLocalDate('2027-06-21');
    const usno = sunDay(PARIS, date, 'usno');
    const imcce = sunDay(PARIS, date, 'imcce');
    expect(imcce.sunrise!.getTime() - usno.sunrise!.getTime()).toBeGreaterThan(60_000);
    expect(usno.sunset!.getTime() - imcce.sunset!.getTime()).toBeGreaterThan(60_000);
    expect(imcce.civilDawn).toEqual(usno.civilDawn);
  });

  it('sees the Sun earlier from a height: the horizon dips', () => {
    const date = parseLocalDate('2027-06-21');
    const ground = sunDay(PARIS, date, 'usno');
    const summit = sunDay({ ...PARIS, altitude: 1000 }, date, 'usno');
    expect(ground.sunrise!.getTime() - summit.sunrise!.getTime()).toBeGreaterThan(4 * 60_000);
    expect(summit.civilDawn).toEqual(ground.civilDawn);
  });
});

describe('sun near the pole: Tromsø, 69.6° N', () => {
  // date, status, the events that happen that local day
  it.each<[string, SunStatus, EventName[]]>([
    ['2027-01-01', 'alwaysDown', ['civilDawn', 'civilDusk']],
    ['2027-01-15', 'normal', ['sunrise', 'sunset', 'civilDawn', 'civilDusk']],
    ['2027-04-28', 'normal', ['sunrise', 'sunset', 'civilDawn']],
    ['2027-04-30', 'normal', ['sunrise', 'sunset']],
    ['2027-05-17', 'normal', ['sunrise']],
    ['2027-05-18', 'normal', ['sunrise', 'sunset']],
    ['2027-06-21', 'alwaysUp', []],
    ['2027-07-26', 'normal', ['sunrise', 'sunset']],
    ['2027-12-21', 'alwaysDown', ['civilDawn', 'civilDusk']],
  ])('%s is %s with %j', (date, status, events) => {
    const day = sunDay(TROMSO, parseLocalDate(date), 'usno');
    expect(day.status).toBe(status);
    expect(EVENTS.filter((event) => day[event] !== null)).toEqual(events);
  });

  it('on 2027-05-18 the Sun sets just after midnight, then rises again', () => {
    const day = sunDay(TROMSO, parseLocalDate('2027-05-18'), 'usno');
    expect(formatIsoWithOffset(day.sunset!, TROMSO.timeZone)).toMatch(/^2027-05-18T00:13:/);
    expect(formatIsoWithOffset(day.sunrise!, TROMSO.timeZone)).toMatch(/^2027-05-18T01:07:/);
  });
});

describe('the day is the site’s local calendar day', () => {
  // Instants from the first to the last second of a local day all give that day's events.
  it.each<[string, string, SunSite]>([
    ['Paris', '2027-01-01', PARIS],
    ['Paris, clocks forward', '2027-03-28', PARIS],
    ['Paris, clocks back', '2027-10-31', PARIS],
    ['Kiritimati, UTC+14', '2027-01-01', KIRITIMATI],
    ['Fort-de-France, UTC−4', '2027-06-21', FORT_DE_FRANCE],
    ['Tromsø, only a sunrise', '2027-05-17', TROMSO],
  ])('%s on %s', (_name, text, site) => {
    const date = parseLocalDate(text);
    const expected = sunDay(site, date, 'usno');
    const instants = [
      resolveLocalTime(date, 0, 0, 0, site.timeZone).instant,
      resolveLocalTime(date, 6, 30, 0, site.timeZone).instant,
      resolveLocalTime(date, 12, 0, 0, site.timeZone).instant,
      resolveLocalTime(date, 23, 59, 59, site.timeZone).instant,
    ];
    for (const instant of instants) {
      expect(sunDay(site, instant, 'usno')).toEqual(expected);
    }
    const span = localDaySpan(date, site.timeZone);
    for (const event of EVENTS) {
      const time = expected[event]?.getTime() ?? span.start.getTime();
      expect(time).toBeGreaterThanOrEqual(span.start.getTime());
      expect(time).toBeLessThan(span.end.getTime());
    }
  });
});

describe('never NaN nor Invalid Date', () => {
  const dates = ['2027-03-20', '2027-06-21', '2027-09-23', '2027-12-21', '2027-05-17', '2027-07-26'];
  const latitudes = Array.from({ length: 25 }, (_, index) => -90 + index * 7.5);
  it.each(latitudes)('at latitude %f, on solstices, equinoxes and polar transitions', (latitude) => {
    for (const longitude of [-179.9, -61, 0, 55.45, 180]) {
      for (const text of dates) {
        const day = sunDay({ latitude, longitude, timeZone: 'UTC' }, parseLocalDate(text), 'usno');
        for (const event of EVENTS) {
          const instant = day[event];
          expect(instant === null || Number.isFinite(instant.getTime())).toBe(true);
        }
        expect(day.status === 'normal').toBe(day.sunrise !== null || day.sunset !== null);
      }
    }
  });
});

describe('bulk path', () => {
  it('gives what sunDay gives, sharing solar terms across sites and zones', () => {
    const sites = [PARIS, TROMSO, KIRITIMATI, FORT_DE_FRANCE];
    const horizons: SunHorizon[] = ['usno', 'imcce'];
    const first: LocalDate = parseLocalDate('2027-03-26');
    for (let offset = 0; offset < 10; offset++) {
      const date = addDays(first, offset);
      const terms = sunDayTerms(date);
      for (const site of sites) {
        const span = localDaySpan(date, site.timeZone);
        for (const horizon of horizons) {
          const times = computeSunTimes(prepareSunSite(site, horizon), terms, span);
          const day = sunDay(site, date, horizon);
          expect(times).toEqual({
            date,
            sunriseMs: day.sunrise?.getTime() ?? null,
            sunsetMs: day.sunset?.getTime() ?? null,
            civilDawnMs: day.civilDawn?.getTime() ?? null,
            civilDuskMs: day.civilDusk?.getTime() ?? null,
            status: day.status,
          });
        }
      }
    }
  });

  it.each<[string, string, string]>([
    ['terms of another date', '2027-01-02', 'Europe/Paris'],
    ['a day in another zone', '2027-01-01', 'Europe/Oslo'],
  ])('refuses %s', (_name, spanDate, spanZone) => {
    const compute = (): unknown =>
      computeSunTimes(
        prepareSunSite(PARIS, 'usno'),
        sunDayTerms(parseLocalDate('2027-01-01')),
        localDaySpan(parseLocalDate(spanDate), spanZone),
      );
    expect(compute).toThrow('do not match');
    expect(failureCode(compute)).toBe(ScheduleExceptionCode.MismatchedInputs);
  });
});

describe('site validation', () => {
  const { InvalidSite, InvalidTimeZone } = ScheduleExceptionCode;
  it.each<[string, SunSite, string, ScheduleExceptionCode]>([
    ['latitude 91', { ...PARIS, latitude: 91 }, 'latitude must be from -90 to 90 degrees, got 91', InvalidSite],
    ['latitude NaN', { ...PARIS, latitude: NaN }, 'latitude must be from -90 to 90 degrees, got NaN', InvalidSite],
    ['longitude 181', { ...PARIS, longitude: 181 }, 'longitude must be from -180 to 180 degrees', InvalidSite],
    ['altitude Infinity', { ...PARIS, altitude: Infinity }, 'altitude must be a number of metres', InvalidSite],
    ['an unknown zone', { ...PARIS, timeZone: 'Europe/Pariss' }, '"Europe/Pariss"', InvalidTimeZone],
  ])('rejects %s', (_name, site, message, code) => {
    const prepare = (): unknown => prepareSunSite(site, 'usno');
    expect(prepare).toThrow(message);
    expect(failureCode(prepare)).toBe(code);
  });
});
