/** How hard one kind of key (a login, an address) is throttled. */
export interface ThrottleLimits {
  /** Failures in a row allowed without any wait. */
  readonly freeFailures: number;
  /** After this many failures in a row the key is locked for `lockFor`. */
  readonly lockAfter: number;
  /** Attempts of one key checked at the same time; more are refused at once (they would only queue). */
  readonly concurrent: number;
}

export interface ThrottlePolicy {
  readonly perLogin: ThrottleLimits;
  readonly perAddress: ThrottleLimits;
  /** The wait after the first failure past the free ones; it doubles with each further failure… */
  readonly baseDelay: number;
  /** … up to this. */
  readonly maxDelay: number;
  /** How long a lock lasts. */
  readonly lockFor: number;
  /** A key with no failure for this long starts again from zero. */
  readonly forgetAfter: number;
}

interface KeyState {
  failures: number;
  lastFailureAt: number;
  /** No attempt of this key is checked before this instant (ms). */
  notBefore: number;
  lockedUntil: number;
  inFlight: number;
}

/** Why an attempt is not even checked, and when to try again. */
export interface ThrottleRefusal {
  readonly key: string;
  readonly reason: 'locked' | 'delayed' | 'busy';
  /** Whole seconds to wait (the `Retry-After` header). */
  readonly retryAfter: number;
}

/** What a failure changed: set when it locked a login (for the audit and the alarm). */
export interface FailureOutcome {
  readonly lockedLogin?: { login: string; until: Date };
}

/**
 * Login throttling (OWASP ASVS V2.2.1) by login and by client address, with exponential delays past a few free
 * failures, a temporary lock after many, and a bound on the attempts checked at once, so a burst is refused before it
 * costs a password hash each. The clock is a parameter; the state is in memory (a restart forgets it, which only
 * gives an attacker back the free attempts).
 */
export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly policy: ThrottlePolicy) {}

  /**
   * Admits an attempt of `login` from `address` at `now`, or says why not. An admitted attempt must be ended by
   * {@link succeeded} or {@link failed}.
   */
  admit(login: string, address: string, now: Date): ThrottleRefusal | undefined {
    const refusal = this.check(login, address, now);
    if (refusal !== undefined) return refusal;
    this.state(`login:${login}`, now.getTime()).inFlight++;
    this.state(`address:${address}`, now.getTime()).inFlight++;
    return undefined;
  }

  /** Why an attempt of `login` from `address` would be refused at `now`, without admitting it. */
  check(login: string, address: string, now: Date): ThrottleRefusal | undefined {
    return (
      this.refusal(`login:${login}`, this.policy.perLogin, now.getTime()) ??
      this.refusal(`address:${address}`, this.policy.perAddress, now.getTime())
    );
  }

  /** The right password: the login starts again from zero (the address does not: one good account proves nothing). */
  succeeded(login: string, address: string, now: Date): void {
    this.end(`address:${address}`, now.getTime());
    this.keys.delete(`login:${login}`);
  }

  failed(login: string, address: string, now: Date): FailureOutcome {
    const at = now.getTime();
    this.fail(`address:${address}`, this.policy.perAddress, at);
    const lockedUntil = this.fail(`login:${login}`, this.policy.perLogin, at);
    return lockedUntil === undefined ? {} : { lockedLogin: { login, until: new Date(lockedUntil) } };
  }

  /** Whether `login` is locked at `now`. */
  isLocked(login: string, now: Date): boolean {
    return (this.keys.get(`login:${login}`)?.lockedUntil ?? 0) > now.getTime();
  }

  /** Lifts the lock of `login` and forgets its failures (an admin enabled the account again). */
  unlock(login: string): void {
    const state = this.keys.get(`login:${login}`);
    if (state === undefined) return;
    state.lockedUntil = 0;
    state.notBefore = 0;
    state.failures = 0;
  }

  /** Forgets keys whose failures are old, so the map stays the size of the recent attackers. */
  prune(now: Date): void {
    for (const [key, state] of this.keys) {
      if (this.forgotten(state, now.getTime())) this.keys.delete(key);
    }
  }

  private refusal(key: string, limits: ThrottleLimits, at: number): ThrottleRefusal | undefined {
    const state = this.keys.get(key);
    if (state === undefined) return undefined;
    if (state.lockedUntil > at) return { key, reason: 'locked', retryAfter: seconds(state.lockedUntil - at) };
    if (state.notBefore > at) return { key, reason: 'delayed', retryAfter: seconds(state.notBefore - at) };
    if (state.inFlight >= limits.concurrent) return { key, reason: 'busy', retryAfter: 1 };
    return undefined;
  }

  /** Counts a failure of `key`; returns the end of the lock it started, if it started one. */
  private fail(key: string, limits: ThrottleLimits, at: number): number | undefined {
    const state = this.end(key, at);
    state.failures++;
    state.lastFailureAt = at;
    const past = state.failures - limits.freeFailures;
    if (past > 0) state.notBefore = at + Math.min(this.policy.maxDelay, this.policy.baseDelay * 2 ** (past - 1));
    if (state.failures < limits.lockAfter || state.lockedUntil > at) return undefined;
    state.lockedUntil = at + this.policy.lockFor;
    state.failures = 0;
    return state.lockedUntil;
  }

  private end(key: string, at: number): KeyState {
    const state = this.state(key, at);
    state.inFlight = Math.max(0, state.inFlight - 1);
    return state;
  }

  private state(key: string, at: number): KeyState {
    let state = this.keys.get(key);
    if (state !== undefined && this.forgotten(state, at)) state = undefined;
    if (state === undefined) {
      state = { failures: 0, lastFailureAt: at, notBefore: 0, lockedUntil: 0, inFlight: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private forgotten(state: KeyState, at: number): boolean {
    return (
      state.inFlight === 0 &&
      state.lockedUntil <= at &&
      state.notBefore <= at &&
      at - state.lastFailureAt >= this.policy.forgetAfter
    );
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
