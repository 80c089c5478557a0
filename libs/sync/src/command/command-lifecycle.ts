import type { CommandResult, CommandStatus } from '../protocol/command.message';
import { SyncException, SyncExceptionCode } from '../sync.exception';

/** Central's record of one command. */
export interface CommandRecord {
  readonly id: string;
  readonly status: CommandStatus;
  /** On central's clock, as sent in the command. */
  readonly notAfter: string;
  /** Times it was handed to a connection (a resend after a reconnect counts). */
  readonly attempts: number;
  readonly reason?: string;
  /** While `held`: when the gateway says the command applies (gateway clock). */
  readonly applyAt?: string;
}

/**
 * Allowed changes. Central marks `sent` before writing to the socket, so a `queued` command was certainly never
 * received: central may expire or refuse it on its own. Once `sent`, only the gateway knows what happened, so only
 * its result ends the command (a resend after the deadline gets `expired` or the recorded result back). `held` is
 * the gateway saying it has the command and when it applies; a later hold may move that instant, then one final
 * result ends it.
 */
export const COMMAND_TRANSITIONS: Readonly<Record<CommandStatus, readonly CommandStatus[]>> = {
  queued: ['sent', 'expired', 'refused'],
  sent: ['sent', 'held', 'applied', 'failed', 'expired', 'refused'],
  held: ['held', 'applied', 'failed', 'expired', 'refused'],
  applied: [],
  failed: [],
  expired: [],
  refused: [],
};

export function isFinalStatus(status: CommandStatus): boolean {
  return COMMAND_TRANSITIONS[status].length === 0;
}

export function queuedCommand(id: string, notAfter: string): CommandRecord {
  return { id, status: 'queued', notAfter, attempts: 0 };
}

/**
 * Moves a command along its lifecycle (`applyAt` goes with `held`); throws a {@link SyncException} for a change the
 * lifecycle forbids.
 */
export function transitionCommand(
  record: CommandRecord,
  to: CommandStatus,
  reason?: string,
  applyAt?: string,
): CommandRecord {
  if (!COMMAND_TRANSITIONS[record.status].includes(to)) {
    throw new SyncException(
      SyncExceptionCode.IllegalCommandTransition,
      `command ${record.id}: ${record.status} → ${to} is not allowed (from ${record.status}: ${
        COMMAND_TRANSITIONS[record.status].join(', ') || 'none, it is final'
      })`,
    );
  }
  return {
    id: record.id,
    status: to,
    notAfter: record.notAfter,
    attempts: to === 'sent' ? record.attempts + 1 : record.attempts,
    ...(reason === undefined ? {} : { reason }),
    ...(to === 'held' && applyAt !== undefined ? { applyAt } : {}),
  };
}

export type ResultReceipt =
  | { outcome: 'changed'; record: CommandRecord }
  /** The same final status again (a resend answered twice), or the same hold again: nothing changes. */
  | { outcome: 'duplicate'; record: CommandRecord }
  /**
   * A different result for a command that already has one, e.g. `expired` for a resend the gateway no longer
   * remembered. Results arrive in seq order, so the first one stands; the caller logs the conflict.
   */
  | { outcome: 'conflict'; record: CommandRecord; ignored: CommandResult };

/** Applies a result from the gateway's outbox; never throws on a repeated or late result, since it cannot be refused. */
export function applyCommandResult(record: CommandRecord, result: CommandResult): ResultReceipt {
  if (isFinalStatus(record.status)) {
    return record.status === result.status
      ? { outcome: 'duplicate', record }
      : { outcome: 'conflict', record, ignored: result };
  }
  if (result.status === 'held') {
    if (record.status === 'held' && record.applyAt === result.applyAt) return { outcome: 'duplicate', record };
    return { outcome: 'changed', record: transitionCommand(record, 'held', result.reason, result.applyAt) };
  }
  return { outcome: 'changed', record: transitionCommand(record, result.status, result.reason) };
}

/**
 * What to deliver: queued commands past their deadline expire here (they were never sent); the other queued ones
 * are sent. On a (re)connection (`resend`), the sent ones are sent again too, the late ones included, so the gateway
 * reports how they ended; on the same connection a sent command is not sent twice (the socket keeps frames in order
 * and the gateway's ledger answers a duplicate anyway). A held command is never sent again: the gateway has it, and
 * its final result comes through the gateway's outbox whatever happens to the connection.
 */
export function planCommandDelivery(
  records: readonly CommandRecord[],
  now: Date,
  options: { resend: boolean },
): { send: CommandRecord[]; expire: CommandRecord[] } {
  const send: CommandRecord[] = [];
  const expire: CommandRecord[] = [];
  for (const record of records) {
    if (isFinalStatus(record.status) || record.status === 'held') continue;
    if (record.status === 'queued' && Date.parse(record.notAfter) <= now.getTime()) expire.push(record);
    else if (record.status === 'queued' || options.resend) send.push(record);
  }
  return { send, expire };
}
