import { performance } from 'node:perf_hooks';

/** A callback run by a clock's timer; what it returns is awaited by {@link ManualClock.advance}. */
export type TimerCallback = () => unknown;

/** A timer armed on a clock; `cancel` makes sure it never runs again (cancelling twice is harmless). */
export interface Timer {
  cancel(): void;
}

/**
 * The apps' one source of time: the wall clock that schedules, records and expiries read, a monotonic clock for
 * deadlines and for noticing wall-clock steps, and timers. Services take it by injection rather than calling
 * `Date.now()` or the global timers, so a test can run them on a {@link ManualClock}: hours of schedule pass in
 * milliseconds and nothing sleeps in real seconds.
 *
 * Timers count durations, like the global ones: a step of the wall clock (`set`) neither fires nor delays them.
 */
export abstract class Clock {
  abstract now(): Date;

  /** Milliseconds on a clock that never steps (for deadlines and for noticing wall-clock jumps). */
  abstract monotonicMs(): number;

  /** The machine's own time at clock time `at` (the field layer's deadlines run on the machine's clock). */
  abstract toSystemTime(at: Date): Date;

  /**
   * The clock time at the machine's time `at`: the field layer stamps what it reads on the machine's clock (and the
   * simulated devices of tests and training run on that clock too), the apps' records on this one.
   */
  abstract fromSystemTime(at: Date): Date;

  /** Runs `callback` once, `ms` from now. */
  abstract setTimeout(callback: TimerCallback, ms: number): Timer;

  /** Runs `callback` every `ms` (at least 1) until cancelled. */
  abstract setInterval(callback: TimerCallback, ms: number): Timer;

  /** Resolves `ms` from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }
}

/** The machine's clock and the global timers. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  monotonicMs(): number {
    return performance.now();
  }

  toSystemTime(at: Date): Date {
    return at;
  }

  fromSystemTime(at: Date): Date {
    return at;
  }

  setTimeout(callback: TimerCallback, ms: number): Timer {
    const handle = setTimeout(() => void callback(), Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  }

  setInterval(callback: TimerCallback, ms: number): Timer {
    const handle = setInterval(() => void callback(), Math.max(1, ms));
    return { cancel: () => clearInterval(handle) };
  }
}

/**
 * The machine's clock shifted by an offset that `set` moves (the gateway's `clock: { mode: adjustable }`, for tests
 * and training, never in production): a jump of the wall clock as a real one would be, the monotonic clock and the
 * timers running on.
 */
export class AdjustableClock extends SystemClock {
  /** How far ahead of the machine's time it runs (negative: behind); `set` moves it, tests may shift it too. */
  offsetMs = 0;

  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  override toSystemTime(at: Date): Date {
    return new Date(at.getTime() - this.offsetMs);
  }

  override fromSystemTime(at: Date): Date {
    return new Date(at.getTime() + this.offsetMs);
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}

interface ManualTimer {
  dueMs: number;
  /** Arming order: timers due at the same instant run in the order they were armed. */
  seq: number;
  everyMs: number | undefined;
  callback: TimerCallback;
  cancelled: boolean;
}

/**
 * A clock that moves only when told (tests): {@link advance} runs the timers that come due on the way, in order, at
 * their instant, awaiting each one's promise before the next; {@link set} steps the wall clock alone, as a jump of a
 * real one would (the monotonic clock and the timers do not move).
 *
 * The machine's time keeps running meanwhile: `toSystemTime`/`fromSystemTime` map through the offset between the two
 * at the moment they are called, so deadlines handed to the field layer stay that far in the machine's future.
 */
export class ManualClock extends Clock {
  /** Wall-clock time minus monotonic time. */
  private wallOffsetMs: number;
  private monotonic = 0;
  private timers: ManualTimer[] = [];
  private armed = 0;
  private advancing = false;

  /** `start`: the wall-clock time it shows first (a Date, or milliseconds since the epoch). */
  constructor(start: Date | number = 0) {
    super();
    this.wallOffsetMs = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.wallOffsetMs + this.monotonic);
  }

  monotonicMs(): number {
    return this.monotonic;
  }

  toSystemTime(at: Date): Date {
    return new Date(at.getTime() - (this.now().getTime() - Date.now()));
  }

  fromSystemTime(at: Date): Date {
    return new Date(at.getTime() + (this.now().getTime() - Date.now()));
  }

  setTimeout(callback: TimerCallback, ms: number): Timer {
    return this.arm(callback, Math.max(0, ms), undefined);
  }

  setInterval(callback: TimerCallback, ms: number): Timer {
    const every = Math.max(1, ms);
    return this.arm(callback, every, every);
  }

  /** Steps the wall clock to `at`, forward or back; timers and the monotonic clock stay where they are. */
  set(at: Date): void {
    this.wallOffsetMs = at.getTime() - this.monotonic;
  }

  /** Milliseconds until the next armed timer is due (0 when one is due now), or undefined when none is armed. */
  nextDueIn(): number | undefined {
    const next = this.timers[0];
    return next === undefined ? undefined : Math.max(0, next.dueMs - this.monotonic);
  }

  /** How many timers are armed (an interval counts once until cancelled). */
  pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`: each timer due on the way (including those armed by the timers it runs) runs with the
   * clock at its due instant, in order of due instant then of arming, and its promise is awaited before the next one
   * runs; then the clock stands at the end. A callback's failure rejects the advance (the clock stays at that
   * callback's instant). One advance at a time: a callback must not sleep on this clock and wait for it, it would
   * wait for an advance that runs only after it.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`advance(${ms}): the time to advance by must be 0 or more milliseconds`);
    if (this.advancing) throw new Error('advance() called while another advance runs: await the first one');
    this.advancing = true;
    try {
      const target = this.monotonic + ms;
      for (;;) {
        const next = this.timers[0];
        if (next === undefined || next.dueMs > target) break;
        this.timers.shift();
        this.monotonic = Math.max(this.monotonic, next.dueMs);
        if (next.everyMs !== undefined) {
          next.dueMs += next.everyMs;
          next.seq = this.armed++;
          this.insert(next);
        }
        await next.callback();
      }
      this.monotonic = target;
    } finally {
      this.advancing = false;
    }
  }

  private arm(callback: TimerCallback, delayMs: number, everyMs: number | undefined): Timer {
    const timer: ManualTimer = {
      dueMs: this.monotonic + delayMs,
      seq: this.armed++,
      everyMs,
      callback,
      cancelled: false,
    };
    this.insert(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        this.timers = this.timers.filter((armed) => armed !== timer);
      },
    };
  }

  private insert(timer: ManualTimer): void {
    if (timer.cancelled) return;
    const at = this.timers.findIndex(
      (armed) => armed.dueMs > timer.dueMs || (armed.dueMs === timer.dueMs && armed.seq > timer.seq),
    );
    if (at === -1) this.timers.push(timer);
    else this.timers.splice(at, 0, timer);
  }
}

/**
 * The machine's own time, for what runs on it whatever clock an app is given: the field layer's poll cadence, write
 * verification and I/O time-outs, the sync protocol's keep-alives and reconnection, and waits for work in progress to
 * end. A test on a {@link ManualClock} still talks to real equipment and a real peer, which answer in real time.
 */
export const machineClock: Clock = new SystemClock();
