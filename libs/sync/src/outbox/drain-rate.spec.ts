import { drainRate, msUntilToken, refill, takeTokens } from './drain-rate';

const t = (ms: number) => new Date(Date.UTC(2027, 0, 15) + ms);

describe('drain rate', () => {
  it('starts full and grants at most the burst', () => {
    const { granted, rate } = takeTokens(drainRate(10, 50, t(0)), 80, t(0));
    expect(granted).toBe(50);
    expect(rate.tokens).toBe(0);
  });

  it('refills at perSecond, whole tokens only, capped at the burst', () => {
    const empty = takeTokens(drainRate(10, 50, t(0)), 50, t(0)).rate;
    expect(takeTokens(empty, 100, t(250)).granted).toBe(2);
    expect(takeTokens(empty, 100, t(1000)).granted).toBe(10);
    expect(takeTokens(empty, 100, t(3_600_000)).granted).toBe(50);
    expect(msUntilToken(empty)).toBe(100);
    expect(msUntilToken(refill(empty, t(30)))).toBe(70);
    expect(msUntilToken(refill(empty, t(100)))).toBe(0);
  });

  it('keeps the fraction it did not grant', () => {
    const empty = takeTokens(drainRate(10, 50, t(0)), 50, t(0)).rate;
    const first = takeTokens(empty, 100, t(150));
    expect(first.granted).toBe(1);
    expect(takeTokens(first.rate, 100, t(200)).granted).toBe(1);
  });

  it('refills nothing when the clock steps back, and counts from the new reading', () => {
    const empty = takeTokens(drainRate(10, 50, t(10_000)), 50, t(10_000)).rate;
    const back = takeTokens(empty, 100, t(0));
    expect(back.granted).toBe(0);
    expect(takeTokens(back.rate, 100, t(1000)).granted).toBe(10);
  });

  it('refuses a rate that could never drain', () => {
    expect(() => drainRate(0, 10, t(0))).toThrow(RangeError);
    expect(() => drainRate(10, 0, t(0))).toThrow(RangeError);
    expect(() => drainRate(Number.NaN, 10, t(0))).toThrow(RangeError);
  });
});
