import { z } from 'zod';
import { duration, nonEmptyText } from '../common.schema';
import { type DataType, pointId, type PointScalar } from '../point.schema';

export const ALARM_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

const WHEN_ERROR = 'expected a value (true, 3, "off"), { not: <value> }, { above: <number> } or { below: <number> }';
const scalar = z.union([z.boolean(), z.number(), z.string()], { error: WHEN_ERROR });

/**
 * When the alarm holds, against the point's engineering value (its state name for a point with `states`): a value
 * it equals, `{ not: value }`, `{ above: n }` or `{ below: n }` (strictly).
 */
export const alarmWhenSchema = z.union(
  [
    scalar,
    z.strictObject({ not: scalar }),
    z.strictObject({ above: z.number({ error: 'expected a number' }) }),
    z.strictObject({ below: z.number({ error: 'expected a number' }) }),
  ],
  { error: WHEN_ERROR },
);
export type AlarmWhen = z.output<typeof alarmWhenSchema>;

/** An alarm a profile declares on one of its points (profile key `alarms[]`). */
export const alarmConditionSchema = z.strictObject({
  /** The point watched; one alarm per point. */
  point: pointId,
  when: alarmWhenSchema,
  severity: z.enum(ALARM_SEVERITIES, { error: `expected one of ${ALARM_SEVERITIES.join(' | ')}` }),
  /** What town-hall staff read (French), e.g. "Porte de l'armoire ouverte". */
  message: nonEmptyText.pipe(z.string().max(500, { error: 'expected at most 500 characters' })),
  /** The condition must hold this long before the alarm is raised (default: at once). */
  delay: duration(0, 86_400_000).default(0),
});
export type AlarmCondition = z.output<typeof alarmConditionSchema>;

/** Whether a reading meets `when`. */
export function conditionHolds(when: AlarmWhen, value: PointScalar): boolean {
  if (typeof when !== 'object') return value === when;
  if ('not' in when) return value !== when.not;
  if (typeof value !== 'number') return false;
  return 'above' in when ? value > when.above : value < when.below;
}

/** Where an alarm condition stands after one reading. */
export interface AlarmEvaluation {
  /** The condition holds on this reading. */
  holding: boolean;
  /** Since when it holds without a break (undefined when it does not hold). */
  since: Date | undefined;
  /** It has held for its delay: the alarm is raised. */
  active: boolean;
  /** When it will have held for its delay, while it holds and is not active yet. */
  activeAt: Date | undefined;
}

/** Whether something that holds since `since` has held `delayMs` at `now`, and when it will have. */
export function heldLongEnough(
  since: Date | undefined,
  delayMs: number,
  now: Date,
): Omit<AlarmEvaluation, 'holding' | 'since'> {
  if (since === undefined) return { active: false, activeAt: undefined };
  const activeAt = new Date(since.getTime() + delayMs);
  return activeAt.getTime() <= now.getTime() ? { active: true, activeAt: undefined } : { active: false, activeAt };
}

/**
 * Evaluates `condition` on a good reading `value` taken at `now`, `since` being when it started to hold according to
 * the previous readings (undefined if it did not hold). A break resets the delay: the alarm is raised only once the
 * condition has held for `delay` without interruption.
 */
export function evaluateAlarm(
  condition: Pick<AlarmCondition, 'when' | 'delay'>,
  value: PointScalar,
  since: Date | undefined,
  now: Date,
): AlarmEvaluation {
  if (!conditionHolds(condition.when, value)) {
    return { holding: false, since: undefined, active: false, activeAt: undefined };
  }
  const start = since ?? now;
  return { holding: true, since: start, ...heldLongEnough(start, condition.delay, now) };
}

interface WatchedPoint {
  id: string;
  type: DataType;
  states?: Record<string, string> | undefined;
}

/**
 * What is wrong with `when` for this point, if anything: a value of the wrong type, a state the point does not have,
 * a comparison on a point that is not a number.
 */
export function whenProblem(when: AlarmWhen, point: WatchedPoint): string | undefined {
  const states = point.states === undefined ? undefined : Object.values(point.states);
  if (typeof when === 'object' && !('not' in when)) {
    const comparison = 'above' in when ? 'above' : 'below';
    if (states !== undefined) return `${comparison} compares numbers; ${point.id} has named states`;
    if (point.type === 'bool' || point.type === 'string') {
      return `${comparison} compares numbers; ${point.id} is a ${point.type} point`;
    }
    return undefined;
  }
  const value = typeof when === 'object' ? when.not : when;
  if (states !== undefined) {
    return typeof value === 'string' && states.includes(value)
      ? undefined
      : `${JSON.stringify(value)} is not a state of ${point.id} (${states.join(' | ')})`;
  }
  const expected = point.type === 'bool' ? 'boolean' : point.type === 'string' ? 'string' : 'number';
  if (typeof value === expected) return undefined;
  const wanted = expected === 'boolean' ? 'true or false' : `a ${expected}`;
  return `${point.id} is a ${point.type} point, expected ${wanted}, got ${JSON.stringify(value)}`;
}
