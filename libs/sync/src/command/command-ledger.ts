import type { CommandV1, FinalCommandResult } from '../protocol/command.message';
import { SyncException, SyncExceptionCode } from '../sync.exception';

/** What the gateway remembers of one command id, persisted before the command runs. */
export type LedgerEntry =
  | { readonly status: 'running'; readonly notAfter: string }
  | { readonly status: 'done'; readonly notAfter: string; readonly result: FinalCommandResult };

/** The gateway's commands by id; immutable, so the caller persists the entry it changed. */
export type CommandLedger = ReadonlyMap<string, LedgerEntry>;

type Unstamped<R> = R extends unknown ? Omit<R, 'commandId' | 'at'> : never;
/** A final result before the ledger stamps it with the command id and the time. */
export type CommandOutcome = Unstamped<FinalCommandResult>;

/** Whether to run a command that just arrived. */
export type Admission =
  /** Persist `ledger` (the command is now running), then execute. */
  | { decision: 'execute'; ledger: CommandLedger }
  /** Too late: persist `ledger` and send `result`; the command is never executed. */
  | { decision: 'expired'; ledger: CommandLedger; result: FinalCommandResult }
  /** Seen before and finished: this is its recorded result (already in the outbox). Nothing runs. */
  | { decision: 'duplicate'; result: FinalCommandResult }
  /** Seen before and still running: its result will follow. Nothing runs. */
  | { decision: 'inProgress' };

/**
 * Idempotent admission keyed by command id: a command runs at most once, and not at all once its `notAfter` has
 * passed at `now` (give the skew-corrected clock: `notAfter` is on central's clock).
 */
export function admitCommand(ledger: CommandLedger, command: CommandV1, now: Date): Admission {
  const seen = ledger.get(command.id);
  if (seen?.status === 'done') return { decision: 'duplicate', result: seen.result };
  if (seen?.status === 'running') return { decision: 'inProgress' };
  if (Date.parse(command.notAfter) <= now.getTime()) {
    const result: FinalCommandResult = {
      commandId: command.id,
      status: 'expired',
      reason: `not executed: its deadline ${command.notAfter} had passed at ${now.toISOString()}`,
      at: now.toISOString(),
    };
    return {
      decision: 'expired',
      ledger: withEntry(ledger, command.id, { status: 'done', notAfter: command.notAfter, result }),
      result,
    };
  }
  return {
    decision: 'execute',
    ledger: withEntry(ledger, command.id, { status: 'running', notAfter: command.notAfter }),
  };
}

/** Records how a running command ended; the result goes to the outbox (class `commandResult`). */
export function completeCommand(
  ledger: CommandLedger,
  id: string,
  outcome: CommandOutcome,
  now: Date,
): { ledger: CommandLedger; result: FinalCommandResult } {
  const entry = ledger.get(id);
  if (entry?.status !== 'running') {
    throw new SyncException(
      SyncExceptionCode.CommandNotRunning,
      `command ${id} is ${entry ? 'already finished' : 'unknown'}: its result cannot be recorded`,
    );
  }
  const result = { ...outcome, commandId: id, at: now.toISOString() };
  return { ledger: withEntry(ledger, id, { status: 'done', notAfter: entry.notAfter, result }), result };
}

/**
 * After a restart: commands left running were interrupted at an unknown point. They are failed, never re-run (the
 * write may have happened); reconciling every point afterwards puts the outputs back where they belong.
 */
export function failInterrupted(
  ledger: CommandLedger,
  now: Date,
): { ledger: CommandLedger; results: FinalCommandResult[] } {
  let next = ledger;
  const results: FinalCommandResult[] = [];
  for (const [id, entry] of ledger) {
    if (entry.status !== 'running') continue;
    const done = completeCommand(next, id, { status: 'failed', reason: 'interrupted by a gateway restart' }, now);
    next = done.ledger;
    results.push(done.result);
  }
  return { ledger: next, results };
}

/**
 * Forgets finished commands whose deadline passed more than `keepMs` ago. Safe: if central resends one of them, it
 * is past its deadline and is reported expired, never executed.
 */
export function pruneLedger(ledger: CommandLedger, now: Date, keepMs: number): CommandLedger {
  const limit = now.getTime() - keepMs;
  return new Map([...ledger].filter(([, entry]) => entry.status === 'running' || Date.parse(entry.notAfter) > limit));
}

function withEntry(ledger: CommandLedger, id: string, entry: LedgerEntry): CommandLedger {
  return new Map(ledger).set(id, entry);
}
