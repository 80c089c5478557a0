import { ScheduleException } from '../schedule.exception';
import { type Bucket, foldReading, quarterStart } from './buckets';
import { withHostTimeZone } from './energy.fixtures';
import { mergeRollups, quarterRollups, type Sample } from './rollup';

const MINUTE = 60_000;
/** The night of the spring change in Paris: 01:00 UTC on 28 March 2027 is 03:00 local (02:00 never happens). */
const SPRING_NIGHT = Date.parse('2027-03-27T22:00:00Z');

/** Every bucket a series folds into, closed or still open, in time order. */
function foldAll(samples: readonly Sample[]): Bucket[] {
  const buckets: Bucket[] = [];
  let open: Bucket | undefined;
  for (const sample of samples) {
    const fold = foldReading(open, sample);
    if (fold === undefined) continue;
    if (fold.closed !== undefined) buckets.push(fold.closed);
    open = fold.open;
  }
  return open === undefined ? buckets : [...buckets, open];
}

/** A reading every 7 minutes for 6 hours across the spring change: a 2 kW load's meter, and a power that wobbles. */
function night(): { meter: Sample[]; power: Sample[] } {
  const meter: Sample[] = [];
  const power: Sample[] = [];
  for (let at = SPRING_NIGHT + 3 * MINUTE; at < SPRING_NIGHT + 6 * 60 * MINUTE; at += 7 * MINUTE) {
    meter.push({ at, value: 4800 + (2 * (at - SPRING_NIGHT)) / 3_600_000 });
    power.push({ at, value: 2 + ((at / MINUTE) % 5) / 10 });
  }
  return { meter, power };
}

describe('folding readings into 15-minute buckets', () => {
  it('aligns buckets on UTC quarters whatever the host time zone, also where the offset is not whole hours', () => {
    const { meter } = night();
    const zones = ['UTC', 'Europe/Paris', 'Asia/Kathmandu', 'Pacific/Chatham'];
    const folded = zones.map((zone) => withHostTimeZone(zone, () => foldAll(meter)));
    for (const buckets of folded) expect(buckets).toEqual(folded[0]);
    const buckets = folded[0] ?? [];
    expect(buckets).toHaveLength(24);
    expect(buckets.every((bucket) => bucket.start % (15 * MINUTE) === 0)).toBe(true);
    expect(new Date(buckets[0]?.start ?? 0).toISOString()).toBe('2027-03-27T22:00:00.000Z');
    expect(quarterStart(Date.parse('2027-03-28T01:14:59.999Z'))).toBe(Date.parse('2027-03-28T01:00:00Z'));
  });

  it('keeps count, min, max, sum and the last reading of each quarter', () => {
    const at = SPRING_NIGHT + 60 * MINUTE;
    const samples = [2, 5, 3].map((value, i) => ({ at: at + i * MINUTE, value }));
    expect(foldAll([...samples, { at: at + 15 * MINUTE, value: 7 }])).toEqual([
      { start: at, count: 3, min: 2, max: 5, sum: 10, last: 3, lastAt: at + 2 * MINUTE },
      { start: at + 15 * MINUTE, count: 1, min: 7, max: 7, sum: 7, last: 7, lastAt: at + 15 * MINUTE },
    ]);
  });

  it('ignores a reading folded again or one older than the last folded', () => {
    const first = foldReading(undefined, { at: SPRING_NIGHT, value: 1 });
    expect(first).toBeDefined();
    expect(foldReading(first?.open, { at: SPRING_NIGHT, value: 1 })).toBeUndefined();
    expect(foldReading(first?.open, { at: SPRING_NIGHT - MINUTE, value: 9 })).toBeUndefined();
  });

  it('gives the rollups of the readings themselves: local days and energy across the spring change', () => {
    const { meter, power } = night();
    const [previous, ...readings] = meter;
    const raw = mergeRollups(quarterRollups('counter', readings, previous), 'day', 'Europe/Paris');
    const folded = mergeRollups(quarterRollups('counter', [], previous, foldAll(readings)), 'day', 'Europe/Paris');
    expect(folded.map((day) => [day.start, day.increase, day.last, day.quarters])).toEqual(
      raw.map((day) => [day.start, day.increase, day.last, day.quarters]),
    );
    // 2 kW from 22:03 to 03:53 UTC, read every 7 minutes: 50 steps of 7 minutes.
    expect(folded.reduce((kwh, day) => kwh + day.increase, 0)).toBeCloseTo((2 * 50 * 7) / 60, 9);
    expect(quarterRollups('measure', [], undefined, foldAll(power))).toEqual(quarterRollups('measure', power));
  });

  it('mixes buckets and raw readings of the same quarter, and counts a meter reset in a bucket as a reset', () => {
    const at = SPRING_NIGHT;
    const bucket = { start: at, count: 2, min: 100, max: 101, sum: 201, last: 101, lastAt: at + 5 * MINUTE };
    const raw = [{ at: at + 10 * MINUTE, value: 102 }];
    expect(quarterRollups('counter', raw, { at: at - MINUTE, value: 99 }, [bucket])).toEqual([
      expect.objectContaining({ count: 3, min: 100, max: 102, increase: 3, last: 102, resets: 0 }),
    ]);
    // A sample the gateway also sent as telemetry during the outage is one of the bucket's readings: counted once.
    const sentToo = [{ at: at + 5 * MINUTE, value: 101 }, { at: at + 3 * MINUTE, value: 100.5 }, ...raw];
    expect(quarterRollups('counter', sentToo, { at: at - MINUTE, value: 99 }, [bucket])).toEqual(
      quarterRollups('counter', raw, { at: at - MINUTE, value: 99 }, [bucket]),
    );
    const replaced = { start: at + 15 * MINUTE, count: 1, min: 3, max: 3, sum: 3, last: 3, lastAt: at + 20 * MINUTE };
    expect(quarterRollups('counter', raw, undefined, [bucket, replaced]).map((q) => [q.increase, q.resets])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('refuses a bucket that does not fit its quarter', () => {
    const bucket = {
      start: SPRING_NIGHT,
      count: 1,
      min: 1,
      max: 1,
      sum: 1,
      last: 1,
      lastAt: SPRING_NIGHT + 15 * MINUTE,
    };
    expect(() => quarterRollups('measure', [], undefined, [bucket])).toThrow(ScheduleException);
    expect(() => quarterRollups('measure', [], undefined, [{ ...bucket, lastAt: SPRING_NIGHT, count: 0 }])).toThrow(
      'a measure bucket needs count ≥ 1 and min ≤ max (got count 0, min 1, max 1, sum 1)',
    );
  });
});
