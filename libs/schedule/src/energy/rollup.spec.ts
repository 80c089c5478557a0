import { ScheduleException } from '../schedule.exception';
import { meterSeries, withHostTimeZone } from './energy.fixtures';
import { mergeRollups, quarterRollups, type Rollup, type Sample } from './rollup';

const PARIS = 'Europe/Paris';
/** Local midnights of Paris (UTC+1 in winter, UTC+2 in summer). */
const MARCH_2027 = ['2027-02-28T23:00:00Z', '2027-03-31T22:00:00Z'] as const;
const OCTOBER_2027 = ['2027-09-30T22:00:00Z', '2027-10-31T23:00:00Z'] as const;

function days(samples: Sample[], previous?: Sample): Rollup[] {
  return mergeRollups(quarterRollups('counter', samples, previous), 'day', PARIS);
}

function months(samples: Sample[], previous?: Sample): Rollup[] {
  return mergeRollups(quarterRollups('counter', samples, previous), 'month', PARIS);
}

/** The readings of a 1 kW load over a month, with the reading a quarter before the month so its first step counts. */
function steadyMonth([from, to]: readonly [string, string], index = 0) {
  const series = meterSeries(new Date(Date.parse(from) - 15 * 60_000).toISOString(), to, 1, index);
  const [previous, ...samples] = series;
  return { previous, samples };
}

describe('rollups of a counter in local days and months', () => {
  it('gives March 2027 a 23-hour 28th and 743 kWh for a 1 kW load', () => {
    const { previous, samples } = steadyMonth(MARCH_2027);
    const byDay = days(samples, previous);
    expect(byDay).toHaveLength(31);
    expect(byDay.map((day) => day.increase)).toEqual(Array.from({ length: 31 }, (_, i) => (i === 27 ? 23 : 24)));
    expect(byDay[27]).toMatchObject({
      start: Date.parse('2027-03-27T23:00:00Z'),
      end: Date.parse('2027-03-28T22:00:00Z'),
      quarters: 92,
      expectedQuarters: 92,
    });
    expect(months(samples, previous)).toEqual([
      expect.objectContaining({ period: 'month', increase: 743, quarters: 2972, expectedQuarters: 2972, resets: 0 }),
    ]);
  });

  it('gives October 2027 a 25-hour 31st and 745 kWh for a 1 kW load', () => {
    const { previous, samples } = steadyMonth(OCTOBER_2027);
    const byDay = days(samples, previous);
    expect(byDay.map((day) => day.increase)).toEqual(Array.from({ length: 31 }, (_, i) => (i === 30 ? 25 : 24)));
    expect(byDay[30]).toMatchObject({ quarters: 100, expectedQuarters: 100 });
    expect(months(samples, previous)).toEqual([expect.objectContaining({ increase: 745, expectedQuarters: 2980 })]);
  });

  it('counts no negative energy when the counter is reset to zero mid-month', () => {
    const { previous, samples } = steadyMonth(MARCH_2027, 1000);
    const reset = Date.parse('2027-03-15T10:00:00Z');
    const after = meterSeries('2027-03-15T10:00:00Z', MARCH_2027[1], 1, 0);
    const series = [...samples.filter((sample) => sample.at < reset), ...after];
    const [month] = months(series, previous);
    // The step across the reset is unknown: one quarter of energy is not counted, none is negative.
    expect(month).toMatchObject({ increase: 742.75, resets: 1, quarters: 2972 });
    const fifteenth = days(series, previous)[14];
    expect(fifteenth).toMatchObject({ increase: 23.75, resets: 1, min: 0 });
  });

  it('counts a meter replaced mid-month from the new meter index on', () => {
    const { previous, samples } = steadyMonth(MARCH_2027, 48_210.5);
    const swap = Date.parse('2027-03-16T13:30:00Z');
    const replacement = meterSeries('2027-03-16T13:30:00Z', MARCH_2027[1], 1, 12.5);
    const [month] = months([...samples.filter((sample) => sample.at < swap), ...replacement], previous);
    expect(month?.increase).toBeCloseTo(742.75, 6);
    expect(month).toMatchObject({ resets: 1, last: 12.5 + 15 * 24 + 8.25 });
  });

  it("flags a month with missing data, and the gap's energy lands on the day the readings resume", () => {
    const { previous, samples } = steadyMonth(MARCH_2027);
    const gapStart = Date.parse('2027-03-09T23:00:00Z');
    const gapEnd = Date.parse('2027-03-12T23:00:00Z');
    const withGap = samples.filter((sample) => sample.at < gapStart || sample.at >= gapEnd);
    const byDay = days(withGap, previous);
    expect(byDay).toHaveLength(28);
    expect(byDay[9]).toMatchObject({ start: gapEnd, increase: 24 + 3 * 24, quarters: 96 });
    const [month] = months(withGap, previous);
    expect(month).toMatchObject({ increase: 743, quarters: 2972 - 3 * 96, expectedQuarters: 2972 });
  });

  it('refuses a reading that is not a finite number', () => {
    expect(() => quarterRollups('measure', [{ at: 0, value: Number.NaN }])).toThrow(ScheduleException);
    expect(() => quarterRollups('measure', [{ at: 0, value: Number.NaN }])).toThrow(/finite number/);
  });
});

describe('rollups of a measure', () => {
  it('keeps min, max, mean, last and count per quarter and per day', () => {
    const at = Date.parse('2027-06-01T10:00:00Z');
    const samples = [230, 228, 236, 231].map((value, i) => ({ at: at + i * 5 * 60_000, value }));
    const quarters = quarterRollups('measure', samples);
    expect(quarters).toEqual([
      expect.objectContaining({ count: 3, min: 228, max: 236, mean: 694 / 3, last: 236, increase: 0 }),
      expect.objectContaining({ count: 1, min: 231, max: 231, mean: 231, last: 231 }),
    ]);
    expect(mergeRollups(quarters, 'day', PARIS)).toEqual([
      expect.objectContaining({
        count: 4,
        min: 228,
        max: 236,
        mean: 231.25,
        last: 231,
        quarters: 2,
        expectedQuarters: 96,
      }),
    ]);
  });
});

describe('rollup idempotence', () => {
  const { previous, samples } = steadyMonth(OCTOBER_2027, 310.25);

  it('gives the same rollups whatever the order of the readings and when some come twice', () => {
    const shuffled = [...samples].reverse();
    const redelivered = [...samples.slice(100, 400), ...shuffled];
    expect(quarterRollups('counter', redelivered, previous)).toEqual(quarterRollups('counter', samples, previous));
    expect(days(redelivered, previous)).toEqual(days(samples, previous));
  });

  it('gives the same days rolled up in one go or in two runs, each with the reading before it', () => {
    const split = samples.findIndex((sample) => sample.at === Date.parse('2027-10-17T05:45:00Z'));
    const first = quarterRollups('counter', samples.slice(0, split), previous);
    const second = quarterRollups('counter', samples.slice(split), samples[split - 1]);
    expect(mergeRollups([...first, ...second], 'day', PARIS)).toEqual(days(samples, previous));
  });

  it('gives the same month merged from its days as from its quarters', () => {
    const quarters = quarterRollups('counter', samples, previous);
    const [fromDays] = mergeRollups(mergeRollups(quarters, 'day', PARIS), 'month', PARIS);
    const [fromQuarters] = mergeRollups(quarters, 'month', PARIS);
    expect(fromDays).toEqual({ ...fromQuarters, sum: expect.closeTo(fromQuarters?.sum ?? 0, 6) as unknown });
    expect(fromDays?.increase).toBeCloseTo(745, 9);
  });

  it('gives the same rollups whatever the time zone of the machine', () => {
    const underUtc = withHostTimeZone('UTC', () => days(samples, previous));
    expect(withHostTimeZone('Pacific/Kiritimati', () => days(samples, previous))).toEqual(underUtc);
    expect(withHostTimeZone('America/New_York', () => days(samples, previous))).toEqual(underUtc);
  });
});
