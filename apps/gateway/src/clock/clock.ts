import { performance } from 'node:perf_hooks';

/**
 * The gateway's wall clock. Schedules, records and expiries read it; deadlines and timeouts use the monotonic clock
 * instead, so a wall-clock step never shortens or stretches a wait.
 */
export abstract class Clock {
  abstract now(): Date;

  /** The machine's own time at gateway time `at` (the field layer's deadlines run on the machine's clock). */
  abstract toSystemTime(at: Date): Date;

  /**
   * The gateway time at the machine's time `at`: the field layer stamps what it reads on the machine's clock (and the
   * simulated devices of tests and training run on that clock too), the gateway's records on this one.
   */
  abstract fromSystemTime(at: Date): Date;

  /** Milliseconds on a clock that never steps (for deadlines and for noticing wall-clock jumps). */
  monotonicMs(): number {
    return performance.now();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  toSystemTime(at: Date): Date {
    return at;
  }

  fromSystemTime(at: Date): Date {
    return at;
  }
}

/** The system clock shifted by an offset that `set` moves: for tests and training, never in production. */
export class AdjustableClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  toSystemTime(at: Date): Date {
    return new Date(at.getTime() - this.offsetMs);
  }

  fromSystemTime(at: Date): Date {
    return new Date(at.getTime() + this.offsetMs);
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}
