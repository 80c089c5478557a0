/** What the edge knows of one bell: since when it swings (ms on a monotonic clock) and until when it settles. */
export interface BellMotion {
  readonly swingingSince: number | null;
  /** After its swing relay opens a bell keeps moving: its hammer stays locked until this instant. */
  readonly settlesAt: number;
}

export interface BellLimits {
  /** Bells allowed to swing at once. */
  readonly maxSwinging: number;
}

export type BellRelayAction = 'strike' | 'swingStart' | 'swingStop';

/**
 * The safety interlocks of a belfry (priority slot 1, enforced at the edge whatever asks): no hammer on a bell that
 * swings or is still settling, no more than `maxSwinging` bells swinging at once. Stopping is always allowed.
 * Returns why an action is refused, or null.
 */
export function bellInterlock(
  motions: ReadonlyMap<number, BellMotion>,
  bell: number,
  action: BellRelayAction,
  limits: BellLimits,
  now: number,
): string | null {
  const motion = motions.get(bell);
  const swings = motion !== undefined && motion.swingingSince !== null;
  switch (action) {
    case 'swingStop':
      return null;
    case 'strike':
      if (swings) return `bell ${bell} swings: its hammer is locked`;
      if (motion !== undefined && now < motion.settlesAt) {
        return `bell ${bell} is still settling after its swing (${Math.ceil((motion.settlesAt - now) / 1000)} s): its hammer is locked`;
      }
      return null;
    case 'swingStart': {
      if (swings) return null;
      const swinging = [...motions.values()].filter((m) => m.swingingSince !== null).length;
      if (swinging >= limits.maxSwinging) {
        return `${swinging} bells already swing (at most ${limits.maxSwinging} at once)`;
      }
      return null;
    }
  }
}
