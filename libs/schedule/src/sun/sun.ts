import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import {
  assertLocalDate,
  compareLocalDates,
  formatLocalDate,
  type LocalDate,
  MS_PER_DAY,
  toEpochDay,
} from '../time/local-date';
import { assertTimeZone, localDateOf, localDaySpan, type LocalDaySpan } from '../time/zoned-time';
import { solarPositionAt } from './solar-position';

/**
 * Which altitude of the Sun's centre counts as sunrise and sunset:
 * - `usno`: −0.833°, the upper limb on the horizon with standard refraction (US Naval Observatory);
 * - `imcce`: −0.607°, the centre of the disc on the horizon with refraction (IMCCE, the French ephemeris office).
 */
export type SunHorizon = 'usno' | 'imcce';

/** Whether the Sun crosses the sunrise/sunset horizon during the local day, or stays above or below it. */
export type SunStatus = 'normal' | 'alwaysUp' | 'alwaysDown';

/**
 * Where the Sun is observed from. `altitude` is metres above sea level (default 0; below sea level counts as 0):
 * it lowers the sunrise/sunset horizon by the dip of the horizon, while civil twilight stays at 6° below.
 */
export interface SunSite {
  readonly latitude: number;
  readonly longitude: number;
  readonly altitude?: number;
  readonly timeZone: string;
}

/**
 * Sun events of one local calendar day of a site. Each event is the first of its kind within that day, or `null`
 * when it does not happen that day (polar day or night, or a high-latitude day when the Sun only rises or only
 * sets). `status` is `normal` when sunrise or sunset happens that day.
 */
export interface SunDay {
  readonly date: LocalDate;
  readonly sunrise: Date | null;
  readonly sunset: Date | null;
  readonly civilDawn: Date | null;
  readonly civilDusk: Date | null;
  readonly status: SunStatus;
}

/**
 * The same events as `SunDay` in epoch milliseconds, as the bulk fast path returns them (building a `Date` costs
 * more than computing the event).
 */
export interface SunTimes {
  readonly date: LocalDate;
  readonly sunriseMs: number | null;
  readonly sunsetMs: number | null;
  readonly civilDawnMs: number | null;
  readonly civilDuskMs: number | null;
  readonly status: SunStatus;
}

/** A cubic in the number of days since the first sample, fitted through four daily samples. */
interface DailyCubic {
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
}

/**
 * Solar terms around one date, shared by every site computing that date: the Sun's declination and the equation
 * of time, fitted over the days around it. Build with `sunDayTerms`; the fields are internal.
 */
export interface SunDayTerms {
  readonly date: LocalDate;
  /** 00:00 UTC on `date`: times inside the engine are days since this instant. */
  readonly utcMidnightMs: number;
  readonly sinDeclination: DailyCubic;
  readonly cosDeclination: DailyCubic;
  readonly equationOfTime: DailyCubic;
}

/** A site with its trigonometry and horizon worked out once, to compute many days. Build with `prepareSunSite`. */
export interface PreparedSunSite {
  readonly timeZone: string;
  readonly sinLatitude: number;
  readonly cosLatitude: number;
  /** Radians, east positive. */
  readonly longitude: number;
  /** Sine of the geocentric altitude of the Sun's centre at sunrise and sunset, horizon dip and parallax included. */
  readonly sinHorizonAltitude: number;
}

const RADIANS_PER_DEGREE = Math.PI / 180;
const TWO_PI = 2 * Math.PI;
/** The Sun's hour angle turns 2π radians per solar day. */
const DAYS_PER_RADIAN = 1 / TWO_PI;
/** Altitudes of the Sun's centre at sunrise/sunset: USNO Astronomical Applications, and IMCCE. */
const HORIZON_ALTITUDE_DEGREES: Readonly<Record<SunHorizon, number>> = { usno: -0.833, imcce: -0.607 };
/**
 * The horizon altitudes above are of the Sun as seen from the Earth's surface, which stands lower than from the
 * Earth's centre (where the solar equations place it) by the solar parallax, 8.794″ × cos(altitude) at 1 AU (the
 * Earth–Sun distance changes it by under 0.2″). It matters where the Sun barely crosses the horizon: near the polar
 * day or night, 6″ of altitude move a crossing by minutes. The geocentric altitude of each crossing is raised by it.
 */
const SOLAR_PARALLAX_DEGREES = 8.794 / 3600;
/** Sine of the geocentric altitude of the Sun's centre when the observer sees it at `altitude` degrees. */
function sinGeocentricAltitude(altitude: number): number {
  return Math.sin((altitude + SOLAR_PARALLAX_DEGREES * Math.cos(altitude * RADIANS_PER_DEGREE)) * RADIANS_PER_DEGREE);
}
/** Civil twilight begins and ends with the Sun's centre 6° below the horizon (USNO definition). */
const SIN_CIVIL_TWILIGHT_ALTITUDE = sinGeocentricAltitude(-6);
/** Dip of the sea horizon seen from h metres up: 0.0347°·√h, i.e. 2.076′·√h (Wikipedia, "Sunrise equation"). */
const HORIZON_DIP_DEGREES_PER_SQRT_METRE = 0.0347;

/**
 * The solar terms are sampled at 00:00 UTC from the day before the date to two days after: from UTC+14 to UTC−12,
 * a local day and the transit and crossings the fast path looks at lie in that span (the robust search, which may
 * look a cycle further, uses the solar equations directly).
 */
const FIRST_SAMPLE_DAY = -1;
/** Fast path: an hour angle within this of culmination (sine below it) is left to the robust search. */
const MIN_SIN_HOUR_ANGLE = 0.1;
/** Fast path: largest error accepted on a crossing's hour angle, radians (1e-5 rad ≈ 0.14 s of time). */
const MAX_HOUR_ANGLE_ERROR = 1e-5;
/** Fast path: slack, in days, on the guarantee that the previous cycle's crossing falls before the local day. */
const CYCLE_SLACK_DAYS = 10 / 1440;
/** Robust search: bisection stops when the crossing is bracketed to this many days (0.05 s). */
const BISECTION_TOLERANCE_DAYS = 0.05 / 86_400;
/** Fixed-point iterations to place a culmination from scratch, the equation of time moving by under 30 s a day. */
const CULMINATION_ITERATIONS = 3;

/** Sign of the hour angle at a crossing: the Sun rises east of the meridian and sets west of it. */
const RISING = -1;
const SETTING = 1;
type Direction = typeof RISING | typeof SETTING;

/** A quantity near an instant: its value there and its first and second derivatives per day. */
interface Expansion {
  readonly value: number;
  readonly rate: number;
  readonly curvature: number;
}

/** One site's local day, with times in days since `terms.utcMidnightMs`, and the Sun's terms at its transit. */
interface DayWindow {
  readonly site: PreparedSunSite;
  readonly terms: SunDayTerms;
  readonly start: number;
  readonly end: number;
  /** Number of the Sun's upper transit nearest the middle of the day; `transit` is its time. */
  readonly cycle: number;
  readonly transit: number;
  readonly sinDeclination: Expansion;
  readonly cosDeclination: Expansion;
  readonly equationOfTime: Expansion;
}

/** Rising and setting times of one altitude during a local day, `null` when it is not crossed that way that day. */
interface Crossings {
  readonly rising: number | null;
  readonly setting: number | null;
}

/**
 * Sunrise, sunset and civil twilight at `site` on a local calendar day, in the site's own time zone: `when` is
 * either that date or any instant within it there (its time of day and the host's time zone do not matter).
 * For many sites or days, share `sunDayTerms` and `localDaySpan` and call `computeSunTimes`.
 */
export function sunDay(site: SunSite, when: Date | LocalDate, horizon: SunHorizon): SunDay {
  const prepared = prepareSunSite(site, horizon);
  const date = when instanceof Date ? localDateOf(when, site.timeZone) : when;
  const times = computeSunTimes(prepared, sunDayTerms(date), localDaySpan(date, site.timeZone));
  return {
    date,
    sunrise: toDate(times.sunriseMs),
    sunset: toDate(times.sunsetMs),
    civilDawn: toDate(times.civilDawnMs),
    civilDusk: toDate(times.civilDuskMs),
    status: times.status,
  };
}

/** Validates `site` and precomputes what every day's computation needs; throws a `ScheduleException` if invalid. */
export function prepareSunSite(site: SunSite, horizon: SunHorizon): PreparedSunSite {
  assertSite(site);
  const latitude = site.latitude * RADIANS_PER_DEGREE;
  const dip = HORIZON_DIP_DEGREES_PER_SQRT_METRE * Math.sqrt(Math.max(site.altitude ?? 0, 0));
  return {
    timeZone: site.timeZone,
    sinLatitude: Math.sin(latitude),
    cosLatitude: Math.cos(latitude),
    longitude: site.longitude * RADIANS_PER_DEGREE,
    sinHorizonAltitude: sinGeocentricAltitude(HORIZON_ALTITUDE_DEGREES[horizon] - dip),
  };
}

/** The solar terms of `date`, to share between all the sites computed for that date, whatever their zone. */
export function sunDayTerms(date: LocalDate): SunDayTerms {
  assertLocalDate(date);
  const utcMidnightMs = toEpochDay(date) * MS_PER_DAY;
  const samples = [0, 1, 2, 3].map((day) => solarPositionAt(utcMidnightMs + (FIRST_SAMPLE_DAY + day) * MS_PER_DAY));
  return {
    date,
    utcMidnightMs,
    sinDeclination: fitDailyCubic(samples.map((position) => Math.sin(position.declination))),
    cosDeclination: fitDailyCubic(samples.map((position) => Math.cos(position.declination))),
    equationOfTime: fitDailyCubic(samples.map((position) => position.equationOfTime)),
  };
}

/**
 * Sun events of `site` for the local day `span`, using the `terms` of that same date: the fast path for bulk work.
 * Throws a `ScheduleException` when the three do not describe the same date and zone.
 */
export function computeSunTimes(site: PreparedSunSite, terms: SunDayTerms, span: LocalDaySpan): SunTimes {
  assertSameDay(site, terms, span);
  const window = dayWindow(site, terms, span);
  const sun = crossingsDuring(window, site.sinHorizonAltitude);
  const civil = crossingsDuring(window, SIN_CIVIL_TWILIGHT_ALTITUDE);
  return {
    date: span.date,
    sunriseMs: toEpochMs(terms, sun.rising),
    sunsetMs: toEpochMs(terms, sun.setting),
    civilDawnMs: toEpochMs(terms, civil.rising),
    civilDuskMs: toEpochMs(terms, civil.setting),
    status: statusOf(window, sun),
  };
}

function dayWindow(site: PreparedSunSite, terms: SunDayTerms, span: LocalDaySpan): DayWindow {
  const start = (span.start.getTime() - terms.utcMidnightMs) / MS_PER_DAY;
  const end = (span.end.getTime() - terms.utcMidnightMs) / MS_PER_DAY;
  const middle = (start + end) / 2;
  const equationOfTimeAtMiddle = evaluate(terms.equationOfTime, middle);
  const cycle = Math.round(middle - timeOfHourAngle(site, 0, equationOfTimeAtMiddle));
  // The equation of time moves by under 30 s a day: one refinement places the transit to a few milliseconds.
  const roughTransit = timeOfHourAngle(site, cycle * TWO_PI, equationOfTimeAtMiddle);
  const transit = timeOfHourAngle(site, cycle * TWO_PI, evaluate(terms.equationOfTime, roughTransit));
  return {
    site,
    terms,
    start,
    end,
    cycle,
    transit,
    sinDeclination: expand(terms.sinDeclination, transit),
    cosDeclination: expand(terms.cosDeclination, transit),
    equationOfTime: expand(terms.equationOfTime, transit),
  };
}

/**
 * First rising and first setting through the altitude whose sine is `sinAltitude` during the day. Crossings happen
 * at the hour angles ±H where `cos H = c(t) = (sin altitude − sin φ·sin δ(t)) / (cos φ·cos δ(t))`; `c` is expanded
 * around the transit for the fast path.
 */
function crossingsDuring(window: DayWindow, sinAltitude: number): Crossings {
  const { sinLatitude, cosLatitude } = window.site;
  const { value: sinDeclination, rate: sinDeclinationRate, curvature: sinDeclinationCurvature } = window.sinDeclination;
  const { value: cosDeclination, rate: cosDeclinationRate, curvature: cosDeclinationCurvature } = window.cosDeclination;
  const inverseDenominator = 1 / (cosLatitude * cosDeclination);
  const denominatorRate = cosLatitude * cosDeclinationRate;
  const value = (sinAltitude - sinLatitude * sinDeclination) * inverseDenominator;
  const rate = (-sinLatitude * sinDeclinationRate - value * denominatorRate) * inverseDenominator;
  const curvature =
    (-sinLatitude * sinDeclinationCurvature -
      2 * rate * denominatorRate -
      value * cosLatitude * cosDeclinationCurvature) *
    inverseDenominator;
  const sinHourAngle = Math.sqrt(1 - value * value);
  if (!(sinHourAngle > MIN_SIN_HOUR_ANGLE)) {
    return {
      rising: robustCrossing(window, sinAltitude, RISING),
      setting: robustCrossing(window, sinAltitude, SETTING),
    };
  }
  const cosine: Expansion = { value, rate, curvature };
  const hourAngle = Math.acos(value);
  return {
    rising:
      fastCrossing(window, RISING, cosine, hourAngle, sinHourAngle) ?? robustCrossing(window, sinAltitude, RISING),
    setting:
      fastCrossing(window, SETTING, cosine, hourAngle, sinHourAngle) ?? robustCrossing(window, sinAltitude, SETTING),
  };
}

/**
 * Closed-form crossing next to the transit nearest the middle of the day. On the crossing's side of the transit,
 * `t − transit = direction·H/2π`, so `cos H = c(t)` becomes `cos H = c₀ + k₁·H + k₂·H²`, solved from
 * `H₀ = acos c₀` to second order in the step. Returns `undefined` when the result is not certain to be the day's
 * first crossing to within `MAX_HOUR_ANGLE_ERROR`; the robust search then decides.
 */
function fastCrossing(
  window: DayWindow,
  direction: Direction,
  cosine: Expansion,
  hourAngle: number,
  sinHourAngle: number,
): number | undefined {
  const { value, rate, curvature } = cosine;
  const k1 = direction * rate * DAYS_PER_RADIAN;
  const k2 = (curvature * DAYS_PER_RADIAN * DAYS_PER_RADIAN) / 2;
  const residual = -(k1 + k2 * hourAngle) * hourAngle;
  const inverseSlope = -1 / (sinHourAngle + k1 + 2 * k2 * hourAngle);
  const bend = -value - 2 * k2;
  const firstOrder = -residual * inverseSlope;
  const step = firstOrder - (bend * firstOrder * firstOrder * inverseSlope) / 2;
  const cubed = Math.abs(firstOrder * firstOrder * firstOrder * inverseSlope);
  if (!(cubed * (sinHourAngle / 6 + (bend * bend * Math.abs(inverseSlope)) / 2) < MAX_HOUR_ANGLE_ERROR)) {
    return undefined;
  }
  const crossingHourAngle = direction * (hourAngle + step);
  const fromTransit = crossingHourAngle * DAYS_PER_RADIAN;
  const { value: equationOfTime, rate: equationOfTimeRate, curvature: equationOfTimeCurvature } = window.equationOfTime;
  const equationOfTimeThen =
    equationOfTime + fromTransit * (equationOfTimeRate + (fromTransit * equationOfTimeCurvature) / 2);
  const crossing = timeOfHourAngle(window.site, window.cycle * TWO_PI + crossingHourAngle, equationOfTimeThen);
  const driftPerDay = (Math.abs(rate) * DAYS_PER_RADIAN) / sinHourAngle;
  const previousCycleBeforeDay = crossing - window.start < 1 - 2 * driftPerDay - CYCLE_SLACK_DAYS;
  return crossing >= window.start && crossing < window.end && previousCycleBeforeDay ? crossing : undefined;
}

/**
 * The day's first crossing found by bracketing: in each solar cycle around the day, the Sun's altitude climbs
 * from lower culmination to transit and falls back, so a crossing exists iff the altitude lies between the two.
 */
function robustCrossing(window: DayWindow, sinAltitude: number, direction: Direction): number | null {
  for (let cycle = window.cycle - 1; cycle <= window.cycle + 1; cycle++) {
    const crossing = crossingInCycle(window, sinAltitude, direction, cycle);
    if (crossing !== null && crossing >= window.start && crossing < window.end) {
      return crossing;
    }
  }
  return null;
}

function crossingInCycle(window: DayWindow, sinAltitude: number, direction: Direction, cycle: number): number | null {
  const { site, terms } = window;
  const aboveAt = (time: number): boolean => exactSinAltitude(site, terms, time) >= sinAltitude;
  let above = exactCulmination(site, terms, cycle * TWO_PI);
  let below = exactCulmination(site, terms, cycle * TWO_PI + direction * Math.PI);
  if (!aboveAt(above) || aboveAt(below)) {
    return null;
  }
  while (Math.abs(above - below) > BISECTION_TOLERANCE_DAYS) {
    const middle = (above + below) / 2;
    if (aboveAt(middle)) {
      above = middle;
    } else {
      below = middle;
    }
  }
  return (above + below) / 2;
}

function statusOf(window: DayWindow, sun: Crossings): SunStatus {
  if (sun.rising !== null || sun.setting !== null) {
    return 'normal';
  }
  const middle = (window.start + window.end) / 2;
  return exactSinAltitude(window.site, window.terms, middle) >= window.site.sinHorizonAltitude
    ? 'alwaysUp'
    : 'alwaysDown';
}

/** Time at which the Sun's hour angle reaches `hourAngle` (radians; 2πn is the n-th transit), from the equations. */
function exactCulmination(site: PreparedSunSite, terms: SunDayTerms, hourAngle: number): number {
  let time = timeOfHourAngle(site, hourAngle, 0);
  for (let iteration = 0; iteration < CULMINATION_ITERATIONS; iteration++) {
    time = timeOfHourAngle(site, hourAngle, solarPositionAt(terms.utcMidnightMs + time * MS_PER_DAY).equationOfTime);
  }
  return time;
}

/** Sine of the Sun's altitude at `time`, from the solar equations themselves. */
function exactSinAltitude(site: PreparedSunSite, terms: SunDayTerms, time: number): number {
  const { declination, equationOfTime } = solarPositionAt(terms.utcMidnightMs + time * MS_PER_DAY);
  const hourAngle = hourAngleAt(site, time, equationOfTime);
  return site.sinLatitude * Math.sin(declination) + site.cosLatitude * Math.cos(declination) * Math.cos(hourAngle);
}

/**
 * Time, in days since 00:00 UTC of the date, at which the Sun's hour angle at `site` is `hourAngle` (radians;
 * 2πn is the n-th transit after the date's first), given the equation of time then: apparent solar time is UT plus
 * longitude plus the equation of time.
 */
function timeOfHourAngle(site: PreparedSunSite, hourAngle: number, equationOfTime: number): number {
  return 0.5 + (hourAngle - site.longitude - equationOfTime) * DAYS_PER_RADIAN;
}

/** The inverse of `timeOfHourAngle`. */
function hourAngleAt(site: PreparedSunSite, time: number, equationOfTime: number): number {
  return (time - 0.5) * TWO_PI + site.longitude + equationOfTime;
}

/** Newton's forward differences through samples at whole days, rewritten as a cubic in days since the first. */
function fitDailyCubic(samples: readonly number[]): DailyCubic {
  const [f0 = 0, f1 = 0, f2 = 0, f3 = 0] = samples;
  const d1 = f1 - f0;
  const d2 = f2 - 2 * f1 + f0;
  const d3 = f3 - 3 * f2 + 3 * f1 - f0;
  return { c0: f0, c1: d1 - d2 / 2 + d3 / 3, c2: (d2 - d3) / 2, c3: d3 / 6 };
}

function evaluate(cubic: DailyCubic, time: number): number {
  const { c0, c1, c2, c3 } = cubic;
  const s = time - FIRST_SAMPLE_DAY;
  return ((c3 * s + c2) * s + c1) * s + c0;
}

function expand(cubic: DailyCubic, time: number): Expansion {
  const { c0, c1, c2, c3 } = cubic;
  const s = time - FIRST_SAMPLE_DAY;
  return {
    value: ((c3 * s + c2) * s + c1) * s + c0,
    rate: (3 * c3 * s + 2 * c2) * s + c1,
    curvature: 6 * c3 * s + 2 * c2,
  };
}

function toEpochMs(terms: SunDayTerms, time: number | null): number | null {
  return time === null ? null : Math.round(terms.utcMidnightMs + time * MS_PER_DAY);
}

function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}

function assertSite(site: SunSite): void {
  const { latitude, longitude, altitude = 0 } = site;
  if (!(Math.abs(latitude) <= 90)) {
    throw invalidSite(`latitude must be from -90 to 90 degrees, got ${latitude}`);
  }
  if (!(Math.abs(longitude) <= 180)) {
    throw invalidSite(`longitude must be from -180 to 180 degrees, got ${longitude}`);
  }
  if (!Number.isFinite(altitude)) {
    throw invalidSite(`altitude must be a number of metres, got ${altitude}`);
  }
  assertTimeZone(site.timeZone);
}

function invalidSite(reason: string): ScheduleException {
  return new ScheduleException(ScheduleExceptionCode.InvalidSite, `invalid sun site: ${reason}`);
}

function assertSameDay(site: PreparedSunSite, terms: SunDayTerms, span: LocalDaySpan): void {
  if (compareLocalDates(terms.date, span.date) !== 0 || site.timeZone !== span.timeZone) {
    throw new ScheduleException(
      ScheduleExceptionCode.MismatchedInputs,
      `sun terms of ${formatLocalDate(terms.date)} and site zone ${site.timeZone} do not match the day ` +
        `${formatLocalDate(span.date)} in ${span.timeZone}`,
    );
  }
}
