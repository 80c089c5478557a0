import { z } from 'zod';

/** An integer within bounds, with one message that says the range whatever the mistake. */
export function intIn(min: number, max: number) {
  const error = `expected integer ${min}..${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A finite number within bounds. */
export function numberIn(min: number, max: number, unit = '') {
  const error = `expected number ${min}..${max}${unit}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** Identifiers used in config, URLs and logs: lower-case letters, digits, `-`, `_` and `.`. */
export const identifier = z
  .string({ error: 'expected an identifier (a-z, 0-9, "-", "_", ".")' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'expected an identifier (a-z, 0-9, "-", "_", "."; 1-64 characters)' });

export const nonEmptyText = z.string({ error: 'expected text' }).trim().min(1, { error: 'expected non-empty text' });

export const tcpPort = intIn(0, 65535);

export const host = z
  .string({ error: 'expected a host name or IP address' })
  .regex(/^[A-Za-z0-9.:-]+$/, { error: 'expected a host name or IP address' });

const DURATION_UNITS_MS = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)$/;

/** Parses `250ms`, `1.5s`, `5min`, `2h` into milliseconds; `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS]);
}

/** A duration written `250ms`, `1s`, `5min` or `2h` (or a number of milliseconds), as milliseconds within bounds. */
export function duration(minMs: number, maxMs: number) {
  const error = `expected a duration such as "500ms", "2s", "5min" or "1h" between ${minMs}ms and ${maxMs}ms`;
  return z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : parseDuration(value);
    if (ms === undefined || !Number.isFinite(ms) || ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    }
    return ms;
  });
}

/** An IANA time zone name known to this runtime (e.g. `Europe/Paris`, `America/Cayenne`). */
export const ianaTimeZone = z.string({ error: 'expected an IANA time zone such as "Europe/Paris"' }).refine(
  (zone) => {
    if (!zone.includes('/') && zone !== 'UTC') return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone such as "Europe/Paris"' },
);
