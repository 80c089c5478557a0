/**
 * A token bucket for the outbox drain, as an immutable value: after a long outage the backlog goes out at
 * `perSecond` messages per second (with bursts up to `burst`) instead of flooding central all at once.
 */
export interface DrainRate {
  readonly perSecond: number;
  readonly burst: number;
  readonly tokens: number;
  /** When `tokens` was last brought up to date (epoch milliseconds, the caller's clock). */
  readonly at: number;
}

/** A full bucket. */
export function drainRate(perSecond: number, burst: number, now: Date): DrainRate {
  if (!(perSecond > 0) || !Number.isFinite(perSecond) || !Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`drain rate needs perSecond > 0 and an integer burst ≥ 1 (got ${perSecond}/s, ${burst})`);
  }
  return { perSecond, burst, tokens: burst, at: now.getTime() };
}

/** The bucket refilled for the time elapsed. A clock stepping back refills nothing rather than going negative. */
export function refill(rate: DrainRate, now: Date): DrainRate {
  const elapsed = Math.max(0, now.getTime() - rate.at);
  return { ...rate, tokens: Math.min(rate.burst, rate.tokens + (elapsed * rate.perSecond) / 1000), at: now.getTime() };
}

/** Takes up to `wanted` whole tokens. */
export function takeTokens(rate: DrainRate, wanted: number, now: Date): { granted: number; rate: DrainRate } {
  const refilled = refill(rate, now);
  const granted = Math.max(0, Math.min(Math.floor(wanted), Math.floor(refilled.tokens)));
  return { granted, rate: { ...refilled, tokens: refilled.tokens - granted } };
}

/** Milliseconds until the bucket holds one whole token again (0 if it already does). */
export function msUntilToken(rate: DrainRate): number {
  return rate.tokens >= 1 ? 0 : Math.ceil(((1 - rate.tokens) * 1000) / rate.perSecond);
}
