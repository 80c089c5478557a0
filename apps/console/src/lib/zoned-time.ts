/** Wall-clock times of a site's time zone to instants and back, with `Intl` only. */

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `timeZone` at `instant`. */
export function wallClockAt(instant: Date, timeZone: string): WallClock {
  let format = partFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    partFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/**
 * The instant the wall clock of `timeZone` shows `clock` (in a DST gap, the instant just after it; when the hour is
 * repeated, its first occurrence).
 */
export function instantOf(clock: WallClock, timeZone: string): Date {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute);
  const DAY_MS = 86_400_000;
  const before = asUtc - offsetMs(new Date(asUtc - DAY_MS), timeZone);
  const after = asUtc - offsetMs(new Date(asUtc + DAY_MS), timeZone);
  const shows = (instant: number) => {
    const shown = wallClockAt(new Date(instant), timeZone);
    return Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute) === asUtc;
  };
  const matching = [before, after].filter(shows).sort((a, b) => a - b);
  return new Date(matching[0] ?? before);
}

/** How far the wall clock of `timeZone` is ahead of UTC at `instant`. */
function offsetMs(instant: Date, timeZone: string): number {
  const shown = wallClockAt(instant, timeZone);
  const minute = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute) - minute;
}

/** `2026-12-03T23:00` (a `datetime-local` input's value) for `instant` on the site's clock. */
export function toLocalInput(instant: Date, timeZone: string): string {
  const c = wallClockAt(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${c.year}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}`;
}

/** The instant of a `datetime-local` value on the site's clock; undefined for an empty or malformed value. */
export function fromLocalInput(value: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined) {
    return undefined;
  }
  return instantOf({ year, month, day, hour, minute }, timeZone);
}
