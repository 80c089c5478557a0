import { addDays, compareLocalDates, localDate, type LocalDate } from '../time/local-date';
import { localDateOf } from '../time/zoned-time';
import { easterSunday } from './easter';
import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';

/**
 * Which list of legal public holidays (jours fériés légaux) applies to a site.
 *
 * Sources:
 * - national list: Code du travail, art. L3133-1 (1 January, Easter Monday, 1 May, 8 May, Ascension, Whit Monday,
 *   14 July, Assumption, All Saints, 11 November, Christmas). Whit Monday stays a public holiday even where it is
 *   worked as the "journée de solidarité" (art. L3133-7 ff.), so it is listed;
 * - Alsace-Moselle (Bas-Rhin 67, Haut-Rhin 68, Moselle 57): art. L3134-13 adds Good Friday and 26 December. The text
 *   limits Good Friday to "communes ayant un temple protestant ou une église mixte"; in practice it is observed in
 *   all three departments, which is what this list does;
 * - overseas departments: loi n° 83-550 of 30 June 1983 and décret n° 83-1003 of 23 November 1983 (as amended by
 *   décret n° 2012-553) set the abolition-of-slavery day: Guadeloupe 27 May, Martinique 22 May, Guyane 10 June,
 *   La Réunion 20 December, Mayotte 27 April.
 * Customary local days (Good Friday or 21 July "fête de Victor Schœlcher" in the Antilles, Mardi gras, …) are not
 * legal holidays under those texts and are not listed.
 */
export type HolidayZone =
  'metropole' | 'alsace-moselle' | 'guadeloupe' | 'martinique' | 'guyane' | 'la-reunion' | 'mayotte';

export const HOLIDAY_ZONES: readonly HolidayZone[] = [
  'metropole',
  'alsace-moselle',
  'guadeloupe',
  'martinique',
  'guyane',
  'la-reunion',
  'mayotte',
];

/** A legal public holiday, with its French name. */
export interface PublicHoliday {
  readonly date: LocalDate;
  readonly name: string;
}

interface HolidayRule {
  readonly name: string;
  /** The holiday's date in `year`. */
  readonly dateIn: (year: number) => LocalDate;
}

const fixed = (name: string, month: number, day: number): HolidayRule => ({
  name,
  dateIn: (year) => localDate(year, month, day),
});

const fromEaster = (name: string, offsetDays: number): HolidayRule => ({
  name,
  dateIn: (year) => addDays(easterSunday(year), offsetDays),
});

const NATIONAL: readonly HolidayRule[] = [
  fixed('Jour de l’an', 1, 1),
  fromEaster('Lundi de Pâques', 1),
  fixed('Fête du Travail', 5, 1),
  fixed('Victoire 1945', 5, 8),
  fromEaster('Ascension', 39),
  fromEaster('Lundi de Pentecôte', 50),
  fixed('Fête nationale', 7, 14),
  fixed('Assomption', 8, 15),
  fixed('Toussaint', 11, 1),
  fixed('Armistice 1918', 11, 11),
  fixed('Noël', 12, 25),
];

const ABOLITION = 'Abolition de l’esclavage';

const REGIONAL: Readonly<Record<HolidayZone, readonly HolidayRule[]>> = {
  metropole: [],
  'alsace-moselle': [fromEaster('Vendredi saint', -2), fixed('Saint-Étienne', 12, 26)],
  guadeloupe: [fixed(ABOLITION, 5, 27)],
  martinique: [fixed(ABOLITION, 5, 22)],
  guyane: [fixed(ABOLITION, 6, 10)],
  'la-reunion': [fixed(ABOLITION, 12, 20)],
  mayotte: [fixed(ABOLITION, 4, 27)],
};

const OVERSEAS_DEPARTMENTS: Readonly<Record<string, HolidayZone>> = {
  '971': 'guadeloupe',
  '972': 'martinique',
  '973': 'guyane',
  '974': 'la-reunion',
  '976': 'mayotte',
};

const ALSACE_MOSELLE_DEPARTMENTS: ReadonlySet<string> = new Set(['57', '67', '68']);

/** Overseas collectivities with INSEE codes that are not departments: their holidays are not modelled. */
const UNSUPPORTED_COLLECTIVITIES: Readonly<Record<string, string>> = {
  '975': 'Saint-Pierre-et-Miquelon',
  '977': 'Saint-Barthélemy',
  '978': 'Saint-Martin',
};

const METROPOLITAN_CODE = /^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B)$/;

/**
 * The holiday zone of an INSEE department code (`"2A"`, `"57"`, `"974"`, …). Throws a `ScheduleException` for a code
 * that is not a department of metropolitan France or an overseas department; never falls back to `metropole`.
 */
export function holidayZoneOfDepartment(code: string): HolidayZone {
  const overseas = OVERSEAS_DEPARTMENTS[code];
  if (overseas !== undefined) {
    return overseas;
  }
  const collectivity = UNSUPPORTED_COLLECTIVITIES[code];
  if (collectivity !== undefined) {
    throw new ScheduleException(
      ScheduleExceptionCode.UnsupportedDepartment,
      `INSEE code "${code}" is ${collectivity}, an overseas collectivity whose public holidays are not modelled`,
    );
  }
  if (ALSACE_MOSELLE_DEPARTMENTS.has(code)) {
    return 'alsace-moselle';
  }
  if (METROPOLITAN_CODE.test(code)) {
    return 'metropole';
  }
  throw new ScheduleException(
    ScheduleExceptionCode.UnknownDepartment,
    `unknown INSEE department code "${code}": expected "01"–"95" (not "20"), "2A", "2B" or "971"–"974", "976"`,
  );
}

/** Throws a `ScheduleException` naming `zone` unless it is a known holiday zone. */
export function assertHolidayZone(zone: string): asserts zone is HolidayZone {
  if (!(HOLIDAY_ZONES as readonly string[]).includes(zone)) {
    throw new ScheduleException(
      ScheduleExceptionCode.UnknownHolidayZone,
      `unknown holiday zone "${zone}": expected one of ${HOLIDAY_ZONES.join(', ')}`,
    );
  }
}

/** The legal public holidays of `year` in `zone`, in date order. */
export function holidaysOf(year: number, zone: HolidayZone): PublicHoliday[] {
  assertHolidayZone(zone);
  return [...NATIONAL, ...REGIONAL[zone]]
    .map((rule) => ({ date: rule.dateIn(year), name: rule.name }))
    .sort((a, b) => compareLocalDates(a.date, b.date));
}

/** The legal public holiday on local date `date` in `zone`, or `undefined` when it is not one. */
export function holidayOn(date: LocalDate, zone: HolidayZone): PublicHoliday | undefined {
  return holidaysOf(date.year, zone).find((holiday) => compareLocalDates(holiday.date, date) === 0);
}

/** True when the local date `date` is a legal public holiday in `zone`. */
export function isHoliday(date: LocalDate, zone: HolidayZone): boolean {
  return holidayOn(date, zone) !== undefined;
}

/** True when `instant` falls, on the site's own wall calendar in `timeZone`, on a legal public holiday of `zone`. */
export function isHolidayAt(instant: Date, timeZone: string, zone: HolidayZone): boolean {
  return isHoliday(localDateOf(instant, timeZone), zone);
}
