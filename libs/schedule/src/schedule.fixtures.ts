/** Sites, schedules and helpers shared by the engine's specs (never built into dist: see tsconfig.build.json). */
import { parseSchedule, type Schedule } from './programme/schedule';
import type { SunSite } from './sun/sun';

export const SAINT_QUENTIN: SunSite = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };
export const TROMSO: SunSite = { latitude: 69.65, longitude: 18.96, timeZone: 'Europe/Oslo' };

/** A schedule whose calendar always picks `points`, as programme "night". */
export function everyNight(points: readonly Record<string, unknown>[]): Schedule {
  return parseSchedule(
    { calendar: { defaultProgrammeId: 'night', rules: [] }, programmes: { night: { points } } },
    'schedule.yaml',
  );
}

/** "sunset+15 → on; 23:00 → off; <morningOn> → on; sunrise → off". */
export function streetLighting(morningOn: string): Schedule {
  return everyNight([
    { sun: 'sunset', offsetMinutes: 15, value: true },
    { at: '23:00', value: false },
    { at: morningOn, value: true },
    { sun: 'sunrise', value: false },
  ]);
}

/** The `code` of what `action` throws, or undefined when it does not throw. */
export function failureCode(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return undefined;
}
