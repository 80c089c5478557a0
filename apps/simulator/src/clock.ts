/** The simulator's time source; tests pass a manual clock so device physics are deterministic. */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;
}

export class SystemClock extends Clock {
  override now(): number {
    return Date.now();
  }
}

/** A clock that only moves when told to. */
export class ManualClock extends Clock {
  constructor(private current = 0) {
    super();
  }

  override now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
