import { formatLocalDate, parseLocalDate } from '../time/local-date';
import { localDateOf, resolveLocalTime } from '../time/zoned-time';
import {
  assertHolidayZone,
  HOLIDAY_ZONES,
  holidayOn,
  holidaysOf,
  holidayZoneOfDepartment,
  type HolidayZone,
  isHoliday,
  isHolidayAt,
} from './french-holidays';
import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';

const NATIONAL_2026 = [
  ['2026-01-01', 'Jour de l’an'],
  ['2026-04-06', 'Lundi de Pâques'],
  ['2026-05-01', 'Fête du Travail'],
  ['2026-05-08', 'Victoire 1945'],
  ['2026-05-14', 'Ascension'],
  ['2026-05-25', 'Lundi de Pentecôte'],
  ['2026-07-14', 'Fête nationale'],
  ['2026-08-15', 'Assomption'],
  ['2026-11-01', 'Toussaint'],
  ['2026-11-11', 'Armistice 1918'],
  ['2026-12-25', 'Noël'],
];

const NATIONAL_2027 = [
  ['2027-01-01', 'Jour de l’an'],
  ['2027-03-29', 'Lundi de Pâques'],
  ['2027-05-01', 'Fête du Travail'],
  ['2027-05-06', 'Ascension'],
  ['2027-05-08', 'Victoire 1945'],
  ['2027-05-17', 'Lundi de Pentecôte'],
  ['2027-07-14', 'Fête nationale'],
  ['2027-08-15', 'Assomption'],
  ['2027-11-01', 'Toussaint'],
  ['2027-11-11', 'Armistice 1918'],
  ['2027-12-25', 'Noël'],
];

/** Zone, year, the holidays it adds to the national list. */
const REGIONAL: [HolidayZone, number, string[][]][] = [
  ['metropole', 2026, []],
  ['metropole', 2027, []],
  [
    'alsace-moselle',
    2026,
    [
      ['2026-04-03', 'Vendredi saint'],
      ['2026-12-26', 'Saint-Étienne'],
    ],
  ],
  [
    'alsace-moselle',
    2027,
    [
      ['2027-03-26', 'Vendredi saint'],
      ['2027-12-26', 'Saint-Étienne'],
    ],
  ],
  ['guadeloupe', 2026, [['2026-05-27', 'Abolition de l’esclavage']]],
  ['guadeloupe', 2027, [['2027-05-27', 'Abolition de l’esclavage']]],
  ['martinique', 2026, [['2026-05-22', 'Abolition de l’esclavage']]],
  ['martinique', 2027, [['2027-05-22', 'Abolition de l’esclavage']]],
  ['guyane', 2026, [['2026-06-10', 'Abolition de l’esclavage']]],
  ['guyane', 2027, [['2027-06-10', 'Abolition de l’esclavage']]],
  ['la-reunion', 2026, [['2026-12-20', 'Abolition de l’esclavage']]],
  ['la-reunion', 2027, [['2027-12-20', 'Abolition de l’esclavage']]],
  ['mayotte', 2026, [['2026-04-27', 'Abolition de l’esclavage']]],
  ['mayotte', 2027, [['2027-04-27', 'Abolition de l’esclavage']]],
];

function listed(year: number, zone: HolidayZone): string[][] {
  return holidaysOf(year, zone).map((holiday) => [formatLocalDate(holiday.date), holiday.name]);
}

function failure(action: () => unknown): ScheduleException | undefined {
  try {
    action();
  } catch (error) {
    return error as ScheduleException;
  }
  return undefined;
}

describe('holidaysOf', () => {
  it.each(REGIONAL)('%s %i: the national list plus its own days, in date order', (zone, year, extra) => {
    const national = year === 2026 ? NATIONAL_2026 : NATIONAL_2027;
    const expected = [...national, ...extra].sort(([a], [b]) => (a! < b! ? -1 : 1));
    expect(listed(year, zone)).toEqual(expected);
  });

  it('keeps Whit Monday even though it may be worked as the journée de solidarité', () => {
    expect(holidayOn(parseLocalDate('2027-05-17'), 'metropole')?.name).toBe('Lundi de Pentecôte');
  });

  it('rejects an unknown zone by name', () => {
    expect(() => holidaysOf(2027, 'national' as HolidayZone)).toThrow('unknown holiday zone "national"');
  });
});

describe('isHoliday', () => {
  it.each<[string, HolidayZone, boolean]>([
    ['2027-03-26', 'alsace-moselle', true],
    ['2027-03-26', 'metropole', false],
    ['2026-12-26', 'alsace-moselle', true],
    ['2026-12-26', 'la-reunion', false],
    ['2026-12-20', 'la-reunion', true],
    ['2026-12-20', 'metropole', false],
    ['2027-04-27', 'mayotte', true],
    ['2027-04-27', 'guadeloupe', false],
    ['2027-05-22', 'martinique', true],
    ['2027-05-27', 'guadeloupe', true],
    ['2027-05-27', 'martinique', false],
    ['2027-06-10', 'guyane', true],
    ['2027-03-28', 'metropole', false],
    ['2027-03-29', 'mayotte', true],
    ['2027-05-06', 'guyane', true],
    ['2027-05-07', 'metropole', false],
  ])('%s in %s: %s', (date, zone, expected) => {
    expect(isHoliday(parseLocalDate(date), zone)).toBe(expected);
  });

  it('lists the national days in every zone', () => {
    for (const zone of HOLIDAY_ZONES) {
      for (const [date] of NATIONAL_2027) {
        expect(isHoliday(parseLocalDate(date!), zone)).toBe(true);
      }
    }
  });
});

describe('a holiday is decided on the site’s local date', () => {
  const reunion = 'Indian/Reunion';
  // 23:30 on 19 December and 00:30 on 20 December in Réunion (UTC+4) both fall on 19 December in UTC.
  const lateOn19th = resolveLocalTime(parseLocalDate('2026-12-19'), 23, 30, 0, reunion).instant;
  const earlyOn20th = resolveLocalTime(parseLocalDate('2026-12-20'), 0, 30, 0, reunion).instant;

  it('builds instants that are both 19 December in UTC', () => {
    expect(lateOn19th.toISOString()).toBe('2026-12-19T19:30:00.000Z');
    expect(earlyOn20th.toISOString()).toBe('2026-12-19T20:30:00.000Z');
  });

  it('23:30 local on 19 December is not the abolition day, 00:30 local on 20 December is', () => {
    expect(isHoliday(localDateOf(lateOn19th, reunion), 'la-reunion')).toBe(false);
    expect(isHoliday(localDateOf(earlyOn20th, reunion), 'la-reunion')).toBe(true);
    expect(isHolidayAt(lateOn19th, reunion, 'la-reunion')).toBe(false);
    expect(isHolidayAt(earlyOn20th, reunion, 'la-reunion')).toBe(true);
  });

  it('the same instant read in UTC would get it wrong, which is why the site zone is required', () => {
    expect(isHolidayAt(earlyOn20th, 'UTC', 'la-reunion')).toBe(false);
  });
});

describe('holidayZoneOfDepartment', () => {
  it.each<[string, HolidayZone]>([
    ['01', 'metropole'],
    ['02', 'metropole'],
    ['2A', 'metropole'],
    ['2B', 'metropole'],
    ['75', 'metropole'],
    ['95', 'metropole'],
    ['57', 'alsace-moselle'],
    ['67', 'alsace-moselle'],
    ['68', 'alsace-moselle'],
    ['971', 'guadeloupe'],
    ['972', 'martinique'],
    ['973', 'guyane'],
    ['974', 'la-reunion'],
    ['976', 'mayotte'],
  ])('%s → %s', (code, zone) => {
    expect(holidayZoneOfDepartment(code)).toBe(zone);
  });

  it.each(['20', '00', '96', '99', '2', '2a', '974 ', '970', '979', '', '69M'])(
    'rejects %j instead of falling back to metropole',
    (code) => {
      const error = failure(() => holidayZoneOfDepartment(code));
      expect(error).toBeInstanceOf(ScheduleException);
      expect(error?.code).toBe(ScheduleExceptionCode.UnknownDepartment);
      expect(error?.message).toContain(`unknown INSEE department code "${code}"`);
    },
  );

  it.each([
    ['975', 'Saint-Pierre-et-Miquelon'],
    ['977', 'Saint-Barthélemy'],
    ['978', 'Saint-Martin'],
  ])('refuses overseas collectivity %s (%s), whose holidays are not modelled', (code, name) => {
    const error = failure(() => holidayZoneOfDepartment(code));
    expect(error?.code).toBe(ScheduleExceptionCode.UnsupportedDepartment);
    expect(error?.message).toContain(name);
  });
});

describe('assertHolidayZone', () => {
  it('accepts every zone and names a bad one', () => {
    for (const zone of HOLIDAY_ZONES) {
      expect(() => assertHolidayZone(zone)).not.toThrow();
    }
    expect(() => assertHolidayZone('alsace')).toThrow('unknown holiday zone "alsace"');
  });
});
