import {
  type DesiredAppliedV1,
  type DesiredChanges,
  type DesiredDeltaV1,
  type DesiredItems,
  type DesiredResyncV1,
  DESIRED_SECTIONS,
  type DesiredSections,
  type DesiredSnapshotV1,
} from '../protocol/desired.message';

/** Desired state (config, schedules, overrides) at one version, as central and the gateway each hold it. */
export interface DesiredState {
  readonly version: number;
  readonly desired: DesiredSections;
}

/** One entry of central's change log: what turned `baseVersion` into `version`. */
export interface DesiredChange extends DesiredChanges {
  readonly baseVersion: number;
  readonly version: number;
}

export function emptyDesiredState(): DesiredState {
  return { version: 0, desired: { config: {}, schedules: {}, overrides: {} } };
}

/** Puts and removes items, section by section; removing a key that is absent is a no-op. */
export function applyDesiredChanges(desired: DesiredSections, changes: DesiredChanges): DesiredSections {
  const next = { ...desired };
  for (const section of DESIRED_SECTIONS) {
    const set = changes.set[section] ?? {};
    const remove = changes.remove[section] ?? [];
    if (Object.keys(set).length === 0 && remove.length === 0) continue;
    const removed = new Set(remove);
    next[section] = Object.fromEntries(
      Object.entries({ ...desired[section], ...set }).filter(([key]) => !removed.has(key)),
    );
  }
  return next;
}

/** One set of changes equivalent to `first` then `second` (a later put or removal of a key wins). */
export function composeDesiredChanges(first: DesiredChanges, second: DesiredChanges): DesiredChanges {
  const composed: DesiredChanges = { set: {}, remove: {} };
  for (const section of DESIRED_SECTIONS) {
    const secondSet = second.set[section] ?? {};
    const secondRemove = new Set(second.remove[section] ?? []);
    const set: DesiredItems = Object.fromEntries(
      Object.entries(first.set[section] ?? {}).filter(([key]) => !secondRemove.has(key)),
    );
    Object.assign(set, secondSet);
    const remove = [
      ...(first.remove[section] ?? []).filter((key) => !Object.hasOwn(secondSet, key) && !secondRemove.has(key)),
      ...secondRemove,
    ];
    if (Object.keys(set).length > 0) composed.set[section] = set;
    if (remove.length > 0) composed.remove[section] = remove;
  }
  return composed;
}

/** What central sends a gateway that says it runs `gatewayVersion`. */
export type DesiredPlan =
  | { kind: 'upToDate' }
  | { kind: 'delta'; message: DesiredDeltaV1 }
  | { kind: 'snapshot'; message: DesiredSnapshotV1 }
  /**
   * The gateway runs a version central never issued (central's store was restored from an older backup). The
   * gateway ignores anything not newer than what it has, so central must move its version past `gatewayVersion`
   * (re-issue the current state as a new version) and plan again.
   */
  | { kind: 'gatewayAhead'; gatewayVersion: number };

/**
 * Decides between nothing, a delta and a snapshot: a delta when the change log still holds an unbroken chain from
 * the gateway's version to the current one, a snapshot otherwise (the log was pruned, or the gateway is new).
 */
export function planDesiredUpdate(
  current: DesiredState,
  log: readonly DesiredChange[],
  gatewayVersion: number,
): DesiredPlan {
  if (gatewayVersion === current.version) return { kind: 'upToDate' };
  if (gatewayVersion > current.version) return { kind: 'gatewayAhead', gatewayVersion };
  const byBase = new Map(log.map((change) => [change.baseVersion, change]));
  let version = gatewayVersion;
  let changes: DesiredChanges = { set: {}, remove: {} };
  while (version < current.version) {
    const change = byBase.get(version);
    if (!change || change.version <= version || change.version > current.version) {
      return {
        kind: 'snapshot',
        message: { type: 'desired.snapshot', v: 1, version: current.version, desired: current.desired },
      };
    }
    changes = composeDesiredChanges(changes, change);
    version = change.version;
  }
  return {
    kind: 'delta',
    message: { type: 'desired.delta', v: 1, baseVersion: gatewayVersion, version: current.version, ...changes },
  };
}

/** What the gateway does with a snapshot or a delta. */
export type DesiredReceipt =
  /** Store `state`, reconcile every point against it, then send `reply`. */
  | { outcome: 'applied'; state: DesiredState; reply: DesiredAppliedV1 }
  /** Already at that version, or past it: nothing to do. */
  | { outcome: 'ignored'; reason: 'duplicate' | 'stale' }
  /** A delta that does not start from this gateway's version: ask for a snapshot instead. */
  | { outcome: 'gap'; reply: DesiredResyncV1 };

/** The gateway's rule: newer versions only, and a delta only on top of exactly the version it was built from. */
export function receiveDesired(local: DesiredState, message: DesiredSnapshotV1 | DesiredDeltaV1): DesiredReceipt {
  if (message.version === local.version) return { outcome: 'ignored', reason: 'duplicate' };
  if (message.version < local.version) return { outcome: 'ignored', reason: 'stale' };
  let desired: DesiredSections;
  if (message.type === 'desired.snapshot') {
    desired = message.desired;
  } else if (message.baseVersion === local.version) {
    desired = applyDesiredChanges(local.desired, message);
  } else {
    return { outcome: 'gap', reply: { type: 'desired.resync', v: 1, version: local.version } };
  }
  return {
    outcome: 'applied',
    state: { version: message.version, desired },
    reply: { type: 'desired.applied', v: 1, version: message.version },
  };
}
