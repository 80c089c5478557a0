import { SyncExceptionCode } from '../sync.exception';
import { command } from '../sync.fixtures';
import { admitCommand, type CommandLedger, completeCommand, failInterrupted, pruneLedger } from './command-ledger';

const now = new Date('2027-01-15T18:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const empty: CommandLedger = new Map();

describe('command ledger (gateway)', () => {
  it('executes a new command once, then answers repeats without running them', () => {
    const admitted = admitCommand(empty, command(), now);
    if (admitted.decision !== 'execute') throw new Error(`expected execute, got ${admitted.decision}`);
    expect(admitCommand(admitted.ledger, command(), now)).toEqual({ decision: 'inProgress' });
    const { ledger, result } = completeCommand(admitted.ledger, 'cmd-1', { status: 'applied' }, later(300));
    expect(result).toEqual({ commandId: 'cmd-1', status: 'applied', at: '2027-01-15T18:00:00.300Z' });
    expect(admitCommand(ledger, command(), later(400))).toEqual({ decision: 'duplicate', result });
    expect(admitCommand(ledger, command(), later(3_600_000))).toEqual({ decision: 'duplicate', result });
  });

  it.each([
    ['exactly at its deadline', '2027-01-15T18:00:00Z'],
    ['after its deadline', '2027-01-15T17:59:59.999Z'],
  ])('expires a command that arrives %s, without running it', (_case, notAfter) => {
    const admitted = admitCommand(empty, command({ notAfter }), now);
    expect(admitted).toMatchObject({ decision: 'expired', result: { commandId: 'cmd-1', status: 'expired' } });
    expect(admitted.decision === 'expired' && admitted.result.reason).toContain(notAfter);
    if (admitted.decision !== 'expired') return;
    expect(admitCommand(admitted.ledger, command({ notAfter: '2027-01-16T00:00:00Z' }), now)).toEqual({
      decision: 'duplicate',
      result: admitted.result,
    });
  });

  it('runs a command just before its deadline', () => {
    expect(admitCommand(empty, command({ notAfter: '2027-01-15T18:00:00.001Z' }), now).decision).toBe('execute');
  });

  it('refuses a result for a command that is not running', () => {
    expect(() => completeCommand(empty, 'cmd-9', { status: 'applied' }, now)).toThrow(
      expect.objectContaining({
        code: SyncExceptionCode.CommandNotRunning,
        message: expect.stringContaining('unknown'),
      }) as Error,
    );
    const admitted = admitCommand(empty, command(), now);
    if (admitted.decision !== 'execute') throw new Error('expected execute');
    const done = completeCommand(admitted.ledger, 'cmd-1', { status: 'refused', reason: 'consignation' }, now);
    expect(() => completeCommand(done.ledger, 'cmd-1', { status: 'applied' }, now)).toThrow(/already finished/);
  });

  it('fails the commands a restart interrupted, and leaves finished ones alone', () => {
    let ledger = empty;
    for (const id of ['a', 'b', 'c']) {
      const admitted = admitCommand(ledger, command({ id }), now);
      if (admitted.decision !== 'execute') throw new Error('expected execute');
      ledger = admitted.ledger;
    }
    ledger = completeCommand(ledger, 'b', { status: 'applied' }, now).ledger;
    const recovered = failInterrupted(ledger, later(60_000));
    expect(recovered.results.map((r) => [r.commandId, r.status])).toEqual([
      ['a', 'failed'],
      ['c', 'failed'],
    ]);
    expect(admitCommand(recovered.ledger, command({ id: 'a' }), later(60_000)).decision).toBe('duplicate');
    expect(failInterrupted(recovered.ledger, later(60_000)).results).toEqual([]);
  });

  it('forgets finished commands long past their deadline, never running ones', () => {
    const running = admitCommand(empty, command({ id: 'run' }), now);
    if (running.decision !== 'execute') throw new Error('expected execute');
    const old = admitCommand(running.ledger, command({ id: 'old', notAfter: '2027-01-15T17:00:00Z' }), now);
    if (old.decision !== 'expired') throw new Error('expected expired');
    const pruned = pruneLedger(old.ledger, later(86_400_000), 3_600_000);
    expect([...pruned.keys()]).toEqual(['run']);
    expect(
      admitCommand(pruned, command({ id: 'old', notAfter: '2027-01-15T17:00:00Z' }), later(86_400_000)).decision,
    ).toBe('expired');
  });
});
