import type { PointScalar } from '../point.schema';

/** The first retry of a switching that did not apply comes this long after it; each further one waits twice as long. */
export const RETRY_FIRST_MS = 1_000;
/** … up to this long between two tries. */
export const RETRY_MAX_MS = 30_000;

/**
 * What an output's control layer knows when it decides whether to switch. Every instant is in milliseconds on one
 * monotonic timeline chosen by the caller (a wall-clock step must not shorten or stretch a hold).
 */
export interface SwitchSituation {
  readonly nowMs: number;
  /** The value the priority array gives now, leaving out the equipment-protection hold. */
  readonly target: PointScalar;
  /** The value the output was last switched to successfully, and when (−∞: long ago, before a restart). */
  readonly applied?: { readonly value: PointScalar; readonly atMs: number };
  readonly minimumOnOffMs: number;
  /** The last switching failed: it tried `value`, and a new try of that value is due at `retryAtMs`. */
  readonly failed?: { readonly value: PointScalar; readonly retryAtMs: number };
  /**
   * Restored from storage at boot and not switched since: `reading` is what the equipment shows (undefined until a
   * good reading came), `waitedMs` how long the gateway has waited for it, `waitMs` how long it waits at most.
   */
  readonly restored?: { readonly reading: PointScalar | undefined; readonly waitedMs: number; readonly waitMs: number };
}

export type SwitchDecision =
  /** The output already shows its target: nothing to write. */
  | { readonly action: 'none' }
  /** Restored at boot and the equipment shows the target: take it as switched, long ago; nothing to write. */
  | { readonly action: 'adopt'; readonly value: PointScalar }
  /** Write the target now. */
  | { readonly action: 'switch'; readonly value: PointScalar }
  /**
   * The minimum on/off time holds the output at `value` (what it was last switched to); the target applies at
   * `untilMs`, always later than `nowMs`.
   */
  | { readonly action: 'hold'; readonly value: PointScalar; readonly untilMs: number }
  /** Nothing now; look again at `untilMs` (a retry that is not due, an equipment not read yet after a restart). */
  | { readonly action: 'wait'; readonly untilMs: number; readonly why: 'retry' | 'restored' };

/**
 * Whether and when an output switches (docs/architecture.md "Control"): after a restart, an output the equipment already shows
 * right is adopted, not written; a value that failed is tried again once its retry is due (a new target is tried at
 * once); an output switched less than the minimum on/off time ago is held until that time has passed. A hold ends
 * on a whole millisecond strictly after `nowMs` (rounded up), so its expiry is never already past when it is set.
 */
export function decideSwitch(situation: SwitchSituation): SwitchDecision {
  const { nowMs, target, applied, restored, failed } = situation;
  if (restored !== undefined) {
    if (restored.reading === undefined && restored.waitedMs < restored.waitMs) {
      return { action: 'wait', untilMs: nowMs + (restored.waitMs - restored.waitedMs), why: 'restored' };
    }
    if (restored.reading === target) return { action: 'adopt', value: target };
    return { action: 'switch', value: target };
  }
  if (applied?.value === target) return { action: 'none' };
  if (failed?.value === target && failed.retryAtMs > nowMs) {
    return { action: 'wait', untilMs: failed.retryAtMs, why: 'retry' };
  }
  if (applied !== undefined) {
    const remaining = Math.ceil(applied.atMs + situation.minimumOnOffMs - nowMs);
    if (remaining > 0) return { action: 'hold', value: applied.value, untilMs: nowMs + remaining };
  }
  return { action: 'switch', value: target };
}

/** How long to wait before try number `attempt` + 1 of a switching that failed `attempt` times in a row (1, 2, …). */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, attempt - 1));
}
