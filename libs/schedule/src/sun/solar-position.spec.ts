import { solarPositionAt } from './solar-position';

const DEGREES_PER_RADIAN = 180 / Math.PI;
/** The hour angle turns 360° in 1440 minutes. */
const MINUTES_PER_DEGREE = 4;

describe('solarPositionAt', () => {
  // Meeus, "Astronomical Algorithms", examples 25.a and 28.b: 1992-10-13 0h TD, i.e. 23:59:01 UT the day before.
  const meeusExample = solarPositionAt(Date.UTC(1992, 9, 12, 23, 59, 1));

  it('gives the apparent declination of the example, −7°47′06″, to a few arcseconds', () => {
    expect(meeusExample.declination * DEGREES_PER_RADIAN).toBeCloseTo(-(7 + 47 / 60 + 6 / 3600), 3);
  });

  it('gives the equation of time of the example, +13 min 42.6 s, to a second', () => {
    const minutes = meeusExample.equationOfTime * DEGREES_PER_RADIAN * MINUTES_PER_DEGREE;
    expect(Math.abs(minutes - (13 + 42.6 / 60)) * 60).toBeLessThan(1);
  });
});
