/** A boolean that an observer sees `delayMs` after it changes (a feedback contact following a contactor). */
export class DelayedSignal {
  private history: { at: number; value: boolean }[];

  constructor(
    initial: boolean,
    private readonly delayMs: number,
  ) {
    this.history = [{ at: Number.NEGATIVE_INFINITY, value: initial }];
  }

  /** Records the true value from instant `at` on. */
  set(value: boolean, at: number): void {
    if (this.latest() !== value) this.history.push({ at, value });
  }

  latest(): boolean {
    return this.history[this.history.length - 1]?.value ?? false;
  }

  /** The value an observer sees at `now`; forgets changes that can no longer be seen. */
  observedAt(now: number): boolean {
    let index = 0;
    for (let i = this.history.length - 1; i >= 0; i--) {
      if ((this.history[i]?.at ?? 0) + this.delayMs <= now) {
        index = i;
        break;
      }
    }
    this.history = this.history.slice(index);
    return this.history[0]?.value ?? false;
  }
}
