import type { AlarmWhen, PointScalar, Profile } from '@beffroi/domain';

/** Margin added to a point's poll period when waiting for a reading to show something (one poll late, network). */
export const READING_MARGIN_MS = 2000;

/**
 * One step of a commissioning test sequence, as planned from an equipment's profile (no clock, no I/O):
 * - `circuit`: a command with a feedback point: on → feedback within the profile's `feedbackDelay` → off → feedback;
 * - `setpoint`: a setpoint whose accepted values are known (`range` or `values`): another value written and read back;
 * - `strike`: a bell's strike relay: one hammer strike, counted by the bell's strike counter when it has one;
 * - `alarm`: an alarm input of the profile: the engineer provokes it (the prompt) and the gateway waits to see it.
 */
export type PlannedStep =
  | { kind: 'circuit'; key: string; name: string; feedbackKey: string; feedbackDelayMs: number }
  | { kind: 'setpoint'; key: string; name: string; range?: { min: number; max: number }; values?: string[] }
  | { kind: 'strike'; key: string; name: string; bell: number; counterKey?: string; timeoutMs: number }
  | { kind: 'alarm'; key: string; name: string; when: AlarmWhen; prompt: string };

/** What the engineer chose to run. */
export interface PlanOptions {
  /** Plan the alarm checks (they need someone at the cabinet). */
  readonly alarms: boolean;
}

const STRIKE_RELAY = /^bell\.(\d+)\.strike$/;
const BELL_RELAY = /^bell\.\d+\.(strike|swing)$/;

/**
 * The steps testing equipment `equipmentId` (of profile `profile`), in the order they run: circuits, setpoints,
 * bells, then the alarm checks. Swing relays are not tested: a swing is a full ring, with its settling time.
 */
export function planEquipmentTest(equipmentId: string, profile: Profile, options: PlanOptions): PlannedStep[] {
  const key = (pointId: string) => `${equipmentId}:${pointId}`;
  const points = new Map(profile.points.map((point) => [point.id, point]));
  const steps: PlannedStep[] = [];
  for (const point of profile.points) {
    if (point.kind !== 'command' || point.type !== 'bool' || point.feedback === undefined) continue;
    if (BELL_RELAY.test(point.id)) continue;
    steps.push({
      kind: 'circuit',
      key: key(point.id),
      name: point.name ?? point.id,
      feedbackKey: key(point.feedback),
      feedbackDelayMs: profile.feedbackDelay,
    });
  }
  for (const point of profile.points) {
    if (point.kind !== 'setpoint' || (point.range === undefined && point.values === undefined)) continue;
    steps.push({
      kind: 'setpoint',
      key: key(point.id),
      name: point.name ?? point.id,
      ...(point.range === undefined ? {} : { range: point.range }),
      ...(point.values === undefined ? {} : { values: point.values }),
    });
  }
  for (const point of profile.points) {
    const bell = STRIKE_RELAY.exec(point.id)?.[1];
    if (point.kind !== 'command' || bell === undefined) continue;
    const counter = points.get(`bell.${bell}.strike_count`);
    steps.push({
      kind: 'strike',
      key: key(point.id),
      name: point.name ?? point.id,
      bell: Number(bell),
      ...(counter === undefined ? {} : { counterKey: key(counter.id) }),
      timeoutMs: (counter?.period ?? profile.defaults.period) + READING_MARGIN_MS,
    });
  }
  if (!options.alarms) return steps;
  for (const alarm of profile.alarms) {
    const point = points.get(alarm.point);
    if (point?.kind !== 'alarm') continue;
    const name = point.name ?? point.id;
    steps.push({
      kind: 'alarm',
      key: key(point.id),
      name,
      when: alarm.when,
      prompt: `Provoquez « ${alarm.message} » sur l'équipement ${equipmentId} (entrée « ${name} »), puis répondez « confirm », ou « skip » pour passer ce contrôle`,
    });
  }
  return steps;
}

/**
 * The value a setpoint test writes: another value than `current` that the point accepts — the next allowed value
 * of a list, one unit up within the range (one down at its top), or the middle of the range when nothing is read.
 */
export function setpointTestValue(
  step: Extract<PlannedStep, { kind: 'setpoint' }>,
  current: PointScalar | null,
): PointScalar {
  if (step.values !== undefined) {
    const index = typeof current === 'string' ? step.values.indexOf(current) : -1;
    return step.values[(index + 1) % step.values.length] ?? step.values[0] ?? '';
  }
  const range = step.range ?? { min: 0, max: 0 };
  if (typeof current !== 'number') return Math.round((range.min + range.max) / 2);
  return current + 1 <= range.max ? current + 1 : Math.max(range.min, current - 1);
}
