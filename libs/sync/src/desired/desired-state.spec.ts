import type { DesiredChanges, DesiredDeltaV1, DesiredSnapshotV1 } from '../protocol/desired.message';
import {
  applyDesiredChanges,
  composeDesiredChanges,
  type DesiredChange,
  type DesiredState,
  emptyDesiredState,
  planDesiredUpdate,
  receiveDesired,
} from './desired-state';

const KEY = 'armoire-1:circuit.1.command';

/** Central's history: v1 adds a schedule, v2 an override, v3 changes the schedule, v4 releases the override. */
const log: DesiredChange[] = [
  { baseVersion: 0, version: 1, set: { schedules: { eclairage: { on: 'sunset' } } }, remove: {} },
  { baseVersion: 1, version: 2, set: { overrides: { [KEY]: { value: true } } }, remove: {} },
  { baseVersion: 2, version: 3, set: { schedules: { eclairage: { on: 'sunset+15' } } }, remove: {} },
  { baseVersion: 3, version: 4, set: {}, remove: { overrides: [KEY] } },
];

function stateAt(version: number): DesiredState {
  return log
    .filter((c) => c.version <= version)
    .reduce<DesiredState>(
      (s, c) => ({ version: c.version, desired: applyDesiredChanges(s.desired, c) }),
      emptyDesiredState(),
    );
}

describe('desired state', () => {
  it('applies puts and removals item by item', () => {
    expect(stateAt(2).desired).toEqual({
      config: {},
      schedules: { eclairage: { on: 'sunset' } },
      overrides: { [KEY]: { value: true } },
    });
    expect(stateAt(4).desired).toEqual({ config: {}, schedules: { eclairage: { on: 'sunset+15' } }, overrides: {} });
  });

  it.each([
    [
      'a later put replaces an earlier one',
      { set: { config: { a: 1 } }, remove: {} },
      { set: { config: { a: 2 } }, remove: {} },
      { set: { config: { a: 2 } }, remove: {} },
    ],
    [
      'a removal cancels an earlier put',
      { set: { config: { a: 1, b: 1 } }, remove: {} },
      { set: {}, remove: { config: ['a'] } },
      { set: { config: { b: 1 } }, remove: { config: ['a'] } },
    ],
    [
      'a put cancels an earlier removal',
      { set: {}, remove: { config: ['a'] } },
      { set: { config: { a: 3 } }, remove: {} },
      { set: { config: { a: 3 } }, remove: {} },
    ],
  ] satisfies [string, DesiredChanges, DesiredChanges, DesiredChanges][])(
    'composes changes: %s',
    (_case, first, second, expected) => {
      expect(composeDesiredChanges(first, second)).toEqual(expected);
    },
  );

  describe("central's plan", () => {
    const current = stateAt(4);

    it.each([
      ['the gateway is current', 4, 'upToDate'],
      ['the chain from the gateway version is in the log', 2, 'delta'],
      ['a new gateway and the whole log is kept', 0, 'delta'],
    ] as const)('%s → %s', (_case, gatewayVersion, kind) => {
      expect(planDesiredUpdate(current, log, gatewayVersion).kind).toBe(kind);
    });

    it('sends a snapshot when the log no longer links the gateway version', () => {
      const plan = planDesiredUpdate(current, log.slice(2), 1);
      expect(plan).toEqual({
        kind: 'snapshot',
        message: { type: 'desired.snapshot', v: 1, version: 4, desired: current.desired },
      });
    });

    it('sends a snapshot when the chain overshoots the current version (an inconsistent log)', () => {
      expect(planDesiredUpdate(stateAt(3), log, 2).kind).toBe('delta');
      expect(planDesiredUpdate({ ...stateAt(3), version: 3 }, [log[0]!, { ...log[1]!, version: 9 }], 1).kind).toBe(
        'snapshot',
      );
    });

    it('asks central to move on when the gateway is ahead of it', () => {
      expect(planDesiredUpdate(stateAt(2), log, 4)).toEqual({ kind: 'gatewayAhead', gatewayVersion: 4 });
    });

    it.each([0, 1, 2, 3])('a delta from v%i brings the gateway to exactly the current state', (from) => {
      const plan = planDesiredUpdate(current, log, from);
      if (plan.kind !== 'delta') throw new Error(`expected a delta, got ${plan.kind}`);
      const receipt = receiveDesired(stateAt(from), plan.message);
      expect(receipt).toEqual({
        outcome: 'applied',
        state: current,
        reply: { type: 'desired.applied', v: 1, version: 4 },
      });
    });
  });

  describe("the gateway's rule", () => {
    const local = stateAt(2);
    const delta = (baseVersion: number, version: number): DesiredDeltaV1 => ({
      type: 'desired.delta',
      v: 1,
      baseVersion,
      version,
      set: { config: { marker: version } },
      remove: {},
    });
    const snapshot = (version: number): DesiredSnapshotV1 => ({
      type: 'desired.snapshot',
      v: 1,
      version,
      desired: { config: { marker: version }, schedules: {}, overrides: {} },
    });

    it.each([
      ['a delta on its version', delta(2, 3), 'applied'],
      ['a delta spanning several versions on its version', delta(2, 7), 'applied'],
      ['a newer snapshot', snapshot(9), 'applied'],
      ['a delta it already applied', delta(1, 2), 'ignored'],
      ['an older delta', delta(0, 1), 'ignored'],
      ['the same snapshot again', snapshot(2), 'ignored'],
      ['an older snapshot', snapshot(1), 'ignored'],
      ['a delta from a version it does not have', delta(3, 4), 'gap'],
    ] as const)('%s → %s', (_case, message, outcome) => {
      expect(receiveDesired(local, message).outcome).toBe(outcome);
    });

    it('names why it ignores a version, and asks for a snapshot from where it is on a gap', () => {
      expect(receiveDesired(local, delta(1, 2))).toEqual({ outcome: 'ignored', reason: 'duplicate' });
      expect(receiveDesired(local, snapshot(1))).toEqual({ outcome: 'ignored', reason: 'stale' });
      expect(receiveDesired(local, delta(3, 4))).toEqual({
        outcome: 'gap',
        reply: { type: 'desired.resync', v: 1, version: 2 },
      });
    });

    it('replaces everything with a snapshot, and keeps untouched items with a delta', () => {
      const fromSnapshot = receiveDesired(local, snapshot(5));
      expect(fromSnapshot.outcome === 'applied' && fromSnapshot.state.desired.overrides).toEqual({});
      const fromDelta = receiveDesired(local, delta(2, 3));
      expect(fromDelta.outcome === 'applied' && fromDelta.state.desired).toEqual({
        ...local.desired,
        config: { marker: 3 },
      });
    });
  });
});
