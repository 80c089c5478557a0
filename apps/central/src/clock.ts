/** Central's wall clock, injected so tests can move it. */
export class Clock {
  now(): Date {
    return new Date();
  }
}
