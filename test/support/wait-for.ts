export interface WaitOptions {
  /** How long `accept` may take to hold (10 s unless told). */
  timeoutMs?: number;
  /** More to print when the time is up (a process's last log lines...). */
  context?: () => string;
}

/** The waits' default: long enough for a loaded 2-core machine, short enough that a broken test fails within a minute. */
export const DEFAULT_WAIT_MS = 10_000;

const POLL_MS = 20;

/**
 * The one way tests wait: polls `probe` until `accept` holds and returns that value; when the time is up it throws,
 * naming `what` it waited for, the last value probed and the `context`, so a wait never ends silently and lets the
 * next assertion fail far from the cause. A probe that throws fails the wait at once.
 */
export async function waitFor<T, U extends T>(
  what: string,
  probe: () => Promise<T> | T,
  accept: (value: T) => value is U,
  options?: WaitOptions,
): Promise<U>;
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  options?: WaitOptions,
): Promise<T>;
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      const last = JSON.stringify({ last: value }).slice(0, 2000);
      const context = options.context?.() ?? '';
      throw new Error(`waited ${timeoutMs} ms for ${what}; ${last}${context === '' ? '' : `\n${context}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `accept` for a probe that answers undefined, null or false until the thing is there. */
export function present<T>(value: T): value is Exclude<T, undefined | null | false> {
  return value !== undefined && value !== null && value !== false;
}
