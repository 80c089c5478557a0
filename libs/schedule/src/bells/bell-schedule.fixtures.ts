/** Bell schedules shared by the bell specs (never built into dist: see tsconfig.build.json). */
import { type BellSchedule, parseBellSchedule } from './bell-schedule';

/** Angélus: three times three hammer blows of bell 1, then bell 1 swings for two minutes. */
export const ANGELUS_STEPS = [
  { strike: 1, count: 3, interval: '4s' },
  { pause: '8s' },
  { strike: 1, count: 3, interval: '4s' },
  { pause: '8s' },
  { strike: 1, count: 3, interval: '4s' },
  { pause: '8s' },
  { swing: [1], duration: '2min' },
];

/** A belfry whose every day runs `rings`, with the angélus, hour strikes on bell 2 and a quarter chime on bell 3. */
export function belfry(rings: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): BellSchedule {
  return parseBellSchedule(
    {
      sequences: {
        angelus: { name: 'Angélus', steps: ANGELUS_STEPS },
        heures: { steps: [{ strike: 2, count: 'hour', interval: '3s' }] },
        quart: { steps: [{ strike: 3, count: 1 }] },
        volee: { steps: [{ swing: [1, 2], duration: '5min' }] },
      },
      calendar: { defaultProgrammeId: 'ordinaire', rules: [] },
      programmes: { ordinaire: { rings } },
      ...extra,
    },
    'bells.yaml',
  );
}
