import {
  emptyPriorityArray,
  explain,
  lockOut,
  PRIORITY_SLOTS,
  PriorityException,
  PriorityExceptionCode,
  pruneExpired,
  releaseSlot,
  resolvedValue,
  setSlot,
  winnerOf,
  winnerValue,
  winningEntry,
} from './priority-array';

const at = (iso: string) => new Date(iso);
const now = at('2027-01-15T18:00:00Z');

describe('priority array', () => {
  const base = setSlot(
    emptyPriorityArray(false),
    PRIORITY_SLOTS.baseline,
    { value: true, owner: 'syndicat', setAt: '2027-01-01T00:00:00Z' },
    now,
  );

  it('falls back to the default when empty', () => {
    expect(resolvedValue(emptyPriorityArray(false), now)).toBe(false);
    expect(winnerOf(emptyPriorityArray(false), now)).toEqual({ slot: 16, name: 'default' });
  });

  it('lets the highest occupied slot win and falls through when it is released', () => {
    const manual = setSlot(
      base,
      PRIORITY_SLOTS.manual,
      { value: false, owner: 'mairie:agent', setAt: '2027-01-15T17:00:00Z' },
      now,
    );
    expect(resolvedValue(manual, now)).toBe(false);
    expect(resolvedValue(releaseSlot(manual, PRIORITY_SLOTS.manual), now)).toBe(true);
  });

  it("answers a winner's entry and value, the array's default when no slot holds it", () => {
    const empty = emptyPriorityArray(false);
    expect(winningEntry(winnerOf(empty, now))).toBeUndefined();
    expect(winnerValue(empty, winnerOf(empty, now))).toBe(false);
    expect(winningEntry(winnerOf(base, now))).toBe(base.slots[PRIORITY_SLOTS.baseline]);
    expect(winnerValue(base, winnerOf(base, now))).toBe(true);
  });

  it('ignores an expired entry: "on until 02:00" ends at 02:00', () => {
    const until = setSlot(
      base,
      PRIORITY_SLOTS.manual,
      { value: false, owner: 'mairie:agent', setAt: '2027-01-15T17:00:00Z', expiresAt: '2027-01-16T01:00:00Z' },
      now,
    );
    expect(resolvedValue(until, at('2027-01-16T00:59:59Z'))).toBe(false);
    expect(resolvedValue(until, at('2027-01-16T01:00:00Z'))).toBe(true);
    expect(pruneExpired(until, at('2027-01-16T01:00:00Z')).slots).toEqual({
      [PRIORITY_SLOTS.baseline]: base.slots[14],
    });
  });

  it('refuses an entry that has already expired', () => {
    expect(() =>
      setSlot(
        base,
        PRIORITY_SLOTS.manual,
        { value: true, owner: 'x', setAt: now.toISOString(), expiresAt: '2027-01-15T17:59:59Z' },
        now,
      ),
    ).toThrow(expect.objectContaining({ code: PriorityExceptionCode.AlreadyExpired }) as Error);
  });

  it('refuses remote commands while a field engineer holds the maintenance lock-out, but not safety', () => {
    const locked = setSlot(
      base,
      PRIORITY_SLOTS.maintenance,
      { value: false, owner: 'technicien:jdupont', setAt: now.toISOString() },
      now,
    );
    expect(lockOut(locked, now)?.owner).toBe('technicien:jdupont');
    expect(() =>
      setSlot(locked, PRIORITY_SLOTS.manual, { value: true, owner: 'mairie', setAt: now.toISOString() }, now),
    ).toThrow(PriorityException);
    const interlocked = setSlot(
      locked,
      PRIORITY_SLOTS.safety,
      { value: false, owner: 'interlock', setAt: now.toISOString() },
      now,
    );
    expect(winnerOf(interlocked, now)).toMatchObject({ slot: 1, name: 'safety' });
  });

  it('keeps the local calendar slot current under a lock-out, without letting it win', () => {
    const locked = setSlot(
      base,
      PRIORITY_SLOTS.maintenance,
      { value: false, owner: 'technicien:jdupont', setAt: now.toISOString() },
      now,
    );
    const scheduled = setSlot(
      locked,
      PRIORITY_SLOTS.calendar,
      { value: true, owner: 'schedule:eclairage', setAt: now.toISOString() },
      now,
      'standing',
    );
    expect(resolvedValue(scheduled, now)).toBe(false);
    expect(resolvedValue(releaseSlot(scheduled, PRIORITY_SLOTS.maintenance), now)).toBe(true);
  });

  it('releases only for the owner when one is given', () => {
    const manual = setSlot(base, PRIORITY_SLOTS.manual, { value: false, owner: 'a', setAt: now.toISOString() }, now);
    expect(releaseSlot(manual, PRIORITY_SLOTS.manual, 'b')).toBe(manual);
    expect(releaseSlot(manual, PRIORITY_SLOTS.manual, 'a').slots[10]).toBeUndefined();
  });

  it('explains the winner and what lies underneath', () => {
    const manual = setSlot(
      setSlot(
        base,
        PRIORITY_SLOTS.calendar,
        { value: true, owner: 'calendrier:fete', setAt: '2027-01-10T00:00:00Z' },
        now,
      ),
      PRIORITY_SLOTS.manual,
      { value: false, owner: 'mairie:agent', setAt: '2027-01-15T17:00:00Z', expiresAt: '2027-01-16T01:00:00Z' },
      now,
    );
    expect(explain(manual, now)).toEqual({
      value: false,
      winner: {
        slot: 10,
        name: 'manual',
        owner: 'mairie:agent',
        setAt: '2027-01-15T17:00:00Z',
        expiresAt: '2027-01-16T01:00:00Z',
      },
      underneath: [
        { slot: 12, name: 'calendar', value: true, owner: 'calendrier:fete' },
        { slot: 14, name: 'baseline', value: true, owner: 'syndicat' },
        { slot: 16, name: 'default', value: false },
      ],
    });
  });
});
