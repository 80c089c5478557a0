import type { PointScalar } from '../point.schema';

/** Who decides an output's value, highest first (docs/architecture.md "Control"): the lowest occupied slot number wins. */
export const PRIORITY_SLOTS = {
  safety: 1,
  protection: 5,
  localSelector: 7,
  maintenance: 8,
  manual: 10,
  calendar: 12,
  baseline: 14,
} as const;
export type PrioritySlotName = keyof typeof PRIORITY_SLOTS;
export type PrioritySlot = (typeof PRIORITY_SLOTS)[PrioritySlotName];
/** The default's place, below every slot: the value an output has when no slot holds it. */
export const DEFAULT_SLOT = 16;
export type DefaultSlot = typeof DEFAULT_SLOT;

const SLOT_NAMES = new Map<number, PrioritySlotName>(
  Object.entries(PRIORITY_SLOTS).map(([name, slot]) => [slot, name as PrioritySlotName]),
);

/** What sits in one slot: a value, who put it there, since when, until when (ISO-8601 instants). */
export interface PriorityEntry {
  value: PointScalar;
  owner: string;
  setAt: string;
  expiresAt?: string;
  /**
   * How the end of a manual switching was asked (libs/schedule `untilText`: `next-transition`, `sunrise`, `02:00`,
   * an instant, `permanent`); `expiresAt` is what it resolved to.
   */
  until?: string;
}

/** The priority array of one output; immutable, so it can be stored and compared as is. */
export interface PriorityArray {
  readonly defaultValue: PointScalar;
  readonly slots: Readonly<Partial<Record<PrioritySlot, PriorityEntry>>>;
}

/** Who wins, or the default. */
export type Winner =
  { slot: PrioritySlot; name: PrioritySlotName; entry: PriorityEntry } | { slot: DefaultSlot; name: 'default' };

export interface Explanation {
  value: PointScalar;
  winner: { slot: number; name: string; owner?: string; setAt?: string; expiresAt?: string; until?: string };
  /** What would apply, in order, if the winner were released. */
  underneath: { slot: number; name: string; value: PointScalar; owner?: string; expiresAt?: string; until?: string }[];
}

export enum PriorityExceptionCode {
  LockedOut = 'LOCKED_OUT',
  AlreadyExpired = 'ALREADY_EXPIRED',
}

export class PriorityException extends Error {
  constructor(
    readonly code: PriorityExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'PriorityException';
  }
}

export function emptyPriorityArray(defaultValue: PointScalar): PriorityArray {
  return { defaultValue, slots: {} };
}

function active(entry: PriorityEntry | undefined, now: Date): entry is PriorityEntry {
  return entry !== undefined && (entry.expiresAt === undefined || Date.parse(entry.expiresAt) > now.getTime());
}

function occupied(array: PriorityArray, now: Date): [PrioritySlot, PriorityEntry][] {
  return (Object.entries(array.slots) as [string, PriorityEntry | undefined][])
    .map(([slot, entry]) => [Number(slot) as PrioritySlot, entry] as const)
    .filter((pair): pair is [PrioritySlot, PriorityEntry] => active(pair[1], now))
    .sort(([a], [b]) => a - b);
}

/** The maintenance lock-out (consignation) in force, if any: remote commands are refused while it is set. */
export function lockOut(array: PriorityArray, now: Date): PriorityEntry | undefined {
  const entry = array.slots[PRIORITY_SLOTS.maintenance];
  return active(entry, now) ? entry : undefined;
}

/**
 * What kind of request puts an entry in a slot, which decides whether a maintenance lock-out refuses it — not where it
 * comes from: a write on the gateway's own console is as refused as a command from central.
 * - `one-off`: someone asks once (a command from central, an override or a write from the console, a commissioning
 *   step); refused below the maintenance slot while the lock-out holds.
 * - `standing`: a state the gateway keeps applying by itself (its schedules, central's desired overrides); it keeps
 *   its slot current under the lock-out, so the right value applies the moment the lock-out is lifted.
 */
export type EntryKind = 'one-off' | 'standing';

/**
 * Puts a value in a slot (replacing what was there). One-off requests below the maintenance slot are refused while a
 * field engineer holds the lock-out; standing ones are kept (see `EntryKind`). An entry that has already expired is
 * refused rather than silently ignored.
 */
export function setSlot(
  array: PriorityArray,
  slot: PrioritySlot,
  entry: PriorityEntry,
  now: Date,
  kind: EntryKind = 'one-off',
): PriorityArray {
  if (entry.expiresAt !== undefined && Date.parse(entry.expiresAt) <= now.getTime()) {
    throw new PriorityException(PriorityExceptionCode.AlreadyExpired, `expiry ${entry.expiresAt} is already past`);
  }
  const lock = lockOut(array, now);
  if (lock && slot > PRIORITY_SLOTS.maintenance && kind === 'one-off') {
    throw new PriorityException(
      PriorityExceptionCode.LockedOut,
      `locked out for maintenance by ${lock.owner} since ${lock.setAt}: slot ${slot} commands are refused`,
    );
  }
  return { ...array, slots: { ...array.slots, [slot]: entry } };
}

/** Empties a slot; with `owner`, only if that owner holds it. What lies underneath then applies. */
export function releaseSlot(array: PriorityArray, slot: PrioritySlot, owner?: string): PriorityArray {
  const entry = array.slots[slot];
  if (!entry || (owner !== undefined && entry.owner !== owner)) return array;
  return {
    ...array,
    slots: Object.fromEntries(Object.entries(array.slots).filter(([key]) => Number(key) !== slot)),
  };
}

/** Drops expired entries (for storage); resolution ignores them anyway. */
export function pruneExpired(array: PriorityArray, now: Date): PriorityArray {
  return { ...array, slots: Object.fromEntries(occupied(array, now)) };
}

export function winnerOf(array: PriorityArray, now: Date): Winner {
  const [first] = occupied(array, now);
  if (!first) return { slot: DEFAULT_SLOT, name: 'default' };
  const [slot, entry] = first;
  return { slot, name: SLOT_NAMES.get(slot) ?? 'baseline', entry };
}

/** The value the output must have now: the winner's, or the default when no slot holds it. */
export function resolvedValue(array: PriorityArray, now: Date): PointScalar {
  return winnerValue(array, winnerOf(array, now));
}

/** The entry that wins, or undefined when the default applies. */
export function winningEntry(winner: Winner): PriorityEntry | undefined {
  return winner.slot === DEFAULT_SLOT ? undefined : winner.entry;
}

/** The value `winner` gives the output of `array`: its entry's, or the array's default. */
export function winnerValue(array: PriorityArray, winner: Winner): PointScalar {
  return winner.slot === DEFAULT_SLOT ? array.defaultValue : winner.entry.value;
}

/** "Why is it in this state?": the winning slot, its owner and expiry, and what would apply underneath. */
export function explain(array: PriorityArray, now: Date): Explanation {
  const [first, ...rest] = occupied(array, now);
  const name = (slot: number) => SLOT_NAMES.get(slot) ?? `slot ${slot}`;
  const underneath: Explanation['underneath'] = rest.map(([slot, entry]) => ({
    slot,
    name: name(slot),
    value: entry.value,
    owner: entry.owner,
    ...(entry.expiresAt === undefined ? {} : { expiresAt: entry.expiresAt }),
    ...(entry.until === undefined ? {} : { until: entry.until }),
  }));
  underneath.push({ slot: DEFAULT_SLOT, name: 'default', value: array.defaultValue });
  if (!first) return { value: array.defaultValue, winner: { slot: DEFAULT_SLOT, name: 'default' }, underneath: [] };
  const [slot, entry] = first;
  return {
    value: entry.value,
    winner: {
      slot,
      name: name(slot),
      owner: entry.owner,
      setAt: entry.setAt,
      ...(entry.expiresAt === undefined ? {} : { expiresAt: entry.expiresAt }),
      ...(entry.until === undefined ? {} : { until: entry.until }),
    },
    underneath,
  };
}
