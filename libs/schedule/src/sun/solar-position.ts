/**
 * Apparent position of the Sun from the NOAA Solar Calculator equations
 * (https://gml.noaa.gov/grad/solcalc/calcdetails.html), themselves Meeus, "Astronomical Algorithms", ch. 22 and 25.
 * The polynomial coefficients below are those published equations, in degrees unless noted.
 */

/** Apparent declination and equation of time of the Sun at one instant. */
export interface SolarPosition {
  /** Apparent declination, radians. */
  readonly declination: number;
  /** Equation of time as an hour angle in radians: apparent minus mean solar time (positive when a sundial is fast). */
  readonly equationOfTime: number;
}

/** Julian date of 1970-01-01T00:00Z (Meeus, ch. 7). */
const JULIAN_DATE_OF_UNIX_EPOCH = 2_440_587.5;
/** Julian date of the J2000.0 epoch, 2000-01-01T12:00 (IAU). */
const JULIAN_DATE_OF_J2000 = 2_451_545;
const DAYS_PER_JULIAN_CENTURY = 36_525;
const MS_PER_DAY = 86_400_000;
const RADIANS_PER_DEGREE = Math.PI / 180;

/** The Sun's apparent declination and the equation of time at `epochMs` (UT; ΔT is below a second of effect). */
export function solarPositionAt(epochMs: number): SolarPosition {
  const t = julianCenturiesSinceJ2000(epochMs);
  const meanLongitude = radians(280.46646 + t * (36000.76983 + t * 0.0003032));
  const meanAnomaly = radians(357.52911 + t * (35999.05029 - t * 0.0001537));
  const eccentricity = 0.016708634 - t * (0.000042037 + t * 0.0000001267);
  const equationOfCentre = radians(
    Math.sin(meanAnomaly) * (1.914602 - t * (0.004817 + t * 0.000014)) +
      Math.sin(2 * meanAnomaly) * (0.019993 - t * 0.000101) +
      Math.sin(3 * meanAnomaly) * 0.000289,
  );
  const ascendingNode = radians(125.04 - 1934.136 * t);
  const apparentLongitude =
    meanLongitude + equationOfCentre - radians(0.00569) - radians(0.00478) * Math.sin(ascendingNode);
  const obliquity = meanObliquity(t) + radians(0.00256) * Math.cos(ascendingNode);
  const y = Math.tan(obliquity / 2) ** 2;
  const equationOfTime =
    y * Math.sin(2 * meanLongitude) -
    2 * eccentricity * Math.sin(meanAnomaly) +
    4 * eccentricity * y * Math.sin(meanAnomaly) * Math.cos(2 * meanLongitude) -
    0.5 * y * y * Math.sin(4 * meanLongitude) -
    1.25 * eccentricity * eccentricity * Math.sin(2 * meanAnomaly);
  return {
    declination: Math.asin(Math.sin(obliquity) * Math.sin(apparentLongitude)),
    equationOfTime,
  };
}

function julianCenturiesSinceJ2000(epochMs: number): number {
  const julianDate = JULIAN_DATE_OF_UNIX_EPOCH + epochMs / MS_PER_DAY;
  return (julianDate - JULIAN_DATE_OF_J2000) / DAYS_PER_JULIAN_CENTURY;
}

/** Mean obliquity of the ecliptic, radians (Meeus eq. 22.2). */
function meanObliquity(t: number): number {
  const arcseconds = 21.448 - t * (46.815 + t * (0.00059 - t * 0.001813));
  return radians(23 + (26 + arcseconds / 60) / 60);
}

function radians(degrees: number): number {
  return degrees * RADIANS_PER_DEGREE;
}
