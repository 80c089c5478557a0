import type { OutboxRange } from '../protocol/hello.message';
import type { AckV1, OutboxEnvelope, ReportV1 } from '../protocol/report.message';
import { SyncException, SyncExceptionCode } from '../sync.exception';

/** A message received ahead of a gap. */
export interface HeldMessage {
  readonly envelope: OutboxEnvelope;
  /** The highest seq that may still arrive before this one; it applies once everything up to there is applied. */
  readonly after: number;
}

/**
 * Central's inbox for one gateway, as an immutable value persisted whole with the messages it releases: every seq up
 * to `appliedUpTo` is applied (or known never to come), `held` waits for a gap below it to fill. Seqs are counted
 * within an epoch: one per incarnation of the gateway's outbox, so a store that starts again at seq 1 is a new epoch
 * and its messages are neither mistaken for duplicates nor stored over the previous ones.
 */
export interface InboxState {
  readonly gatewayId: string;
  /** The outbox incarnation the gateway announced last; null until one announces it. */
  readonly incarnation: string | null;
  /** Starts at 0, one more each time the gateway's outbox starts over; what is stored is keyed by (epoch, seq). */
  readonly epoch: number;
  readonly appliedUpTo: number;
  /** Ascending by seq. */
  readonly held: readonly HeldMessage[];
}

export interface InboxStep {
  state: InboxState;
  /** Messages to apply now, in this order, in the same transaction that stores `state`. */
  ready: OutboxEnvelope[];
  /** What to acknowledge once `state` is stored: the applied prefix and every held seq. */
  ack: AckV1;
}

export interface ReportStep extends InboxStep {
  /** Seqs received again (already applied or held); acknowledged again, applied never twice. */
  duplicates: number[];
}

export interface HelloStep extends InboxStep {
  /**
   * The gateway's outbox started over: it announces another incarnation than the one central knows, or (for a
   * gateway that names none) seqs below what central already applied. A new epoch starts from the announced range;
   * `ready` then holds the previous epoch's held messages, released as they are since their gap can no longer fill
   * (they were acknowledged, so they must not be lost), to be applied under the previous epoch.
   */
  reset: boolean;
}

export function emptyInbox(gatewayId: string): InboxState {
  return { gatewayId, incarnation: null, epoch: 0, appliedUpTo: 0, held: [] };
}

/**
 * Takes a report in, whatever order or how many times its messages arrive, and releases messages in seq order
 * only. A gap is waited for unless the gateway's reports say nothing it still has lies in it (see `after` on
 * {@link ReportV1}).
 */
export function receiveReport(state: InboxState, report: ReportV1): ReportStep {
  const held = new Map(state.held.map((h) => [h.envelope.seq, h]));
  const duplicates: number[] = [];
  let previous = report.after;
  for (const [index, envelope] of report.messages.entries()) {
    if (envelope.gatewayId !== state.gatewayId) {
      throw new SyncException(
        SyncExceptionCode.GatewayMismatch,
        `messages[${index}].gatewayId: "${envelope.gatewayId}" on the connection of gateway "${state.gatewayId}"`,
      );
    }
    const seq = envelope.seq;
    const before = learnGone(held, previous, seq);
    const already = held.get(seq);
    if (already) {
      duplicates.push(seq);
      held.set(seq, { ...already, after: Math.min(already.after, before) });
    } else if (seq <= state.appliedUpTo) {
      duplicates.push(seq);
    } else {
      held.set(seq, { envelope, after: Math.min(before, knownFromSuccessor(held, seq)) });
    }
    previous = seq;
  }
  return { ...release({ ...state, held: sorted(held) }), duplicates };
}

/**
 * On every hello: the gateway no longer has anything below `firstSeq`, so central stops waiting for those seqs. A
 * first incarnation announced by a gateway that had none is adopted (the same outbox, now named); another one than
 * the inbox knows starts a new epoch.
 */
export function receiveHello(state: InboxState, range: OutboxRange, incarnation?: string): HelloStep {
  const highestKnown = Math.max(state.appliedUpTo, ...state.held.map((h) => h.envelope.seq));
  const otherIncarnation = incarnation !== undefined && state.incarnation !== null && incarnation !== state.incarnation;
  if (otherIncarnation || range.lastSeq < highestKnown) {
    const next: InboxState = {
      gatewayId: state.gatewayId,
      incarnation: incarnation ?? state.incarnation,
      epoch: state.epoch + 1,
      appliedUpTo: range.firstSeq - 1,
      held: [],
    };
    return { state: next, ready: state.held.map((h) => h.envelope), ack: ackFor(next), reset: true };
  }
  const held = new Map(state.held.map((h) => [h.envelope.seq, h]));
  learnGone(held, state.appliedUpTo, range.firstSeq);
  const drained = release({ ...state, incarnation: incarnation ?? state.incarnation, held: sorted(held) });
  const skipped = { ...drained.state, appliedUpTo: Math.max(drained.state.appliedUpTo, range.firstSeq - 1) };
  const rest = release(skipped);
  return { state: rest.state, ready: [...drained.ready, ...rest.ready], ack: rest.ack, reset: false };
}

/** The ack for what is stored: the applied prefix and every held seq. */
export function ackFor(state: InboxState): AckV1 {
  return { type: 'ack', v: 1, upTo: state.appliedUpTo, seqs: state.held.map((h) => h.envelope.seq) };
}

/**
 * Records that the gateway has nothing in (from, to) except what central holds: each held seq in there now waits
 * only for the held seq before it. Returns what a message at `to` waits for.
 */
function learnGone(held: Map<number, HeldMessage>, from: number, to: number): number {
  let waitsFor = from;
  for (const seq of [...held.keys()].sort((a, b) => a - b)) {
    if (seq <= from) continue;
    if (seq >= to) break;
    const message = held.get(seq);
    if (message && message.after > waitsFor) held.set(seq, { ...message, after: waitsFor });
    waitsFor = seq;
  }
  return waitsFor;
}

/**
 * A message that arrives after one sent later (a reordering transport): what that later one said about the seqs
 * below it holds for this one too.
 */
function knownFromSuccessor(held: Map<number, HeldMessage>, seq: number): number {
  let successor: HeldMessage | undefined;
  for (const message of held.values()) {
    if (message.envelope.seq > seq && (!successor || message.envelope.seq < successor.envelope.seq)) {
      successor = message;
    }
  }
  return successor && successor.after < seq ? learnGone(held, successor.after, seq) : seq;
}

function release(state: InboxState): InboxStep {
  const ready: OutboxEnvelope[] = [];
  let appliedUpTo = state.appliedUpTo;
  let index = 0;
  for (const message of state.held) {
    if (message.after > appliedUpTo) break;
    ready.push(message.envelope);
    appliedUpTo = message.envelope.seq;
    index += 1;
  }
  const next = { ...state, appliedUpTo, held: state.held.slice(index) };
  return { state: next, ready, ack: ackFor(next) };
}

function sorted(held: Map<number, HeldMessage>): HeldMessage[] {
  return [...held.values()].sort((a, b) => a.envelope.seq - b.envelope.seq);
}
