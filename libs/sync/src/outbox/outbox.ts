import type { OutboxRange } from '../protocol/hello.message';
import {
  type AckV1,
  type OutboxEnvelope,
  type OutboxMessage,
  PROTOCOL_FOR_CLASS,
  REPORT_CLASSES,
  type ReportClass,
  type ReportV1,
} from '../protocol/report.message';
import { PROTOCOL_VERSION } from '../protocol/common.schema';
import { SyncException, SyncExceptionCode } from '../sync.exception';
import { type DrainRate, msUntilToken, takeTokens } from './drain-rate';

/** Most messages of each class the outbox should hold. */
export type OutboxQuotas = Readonly<Record<ReportClass, number>>;

/** A class holding more messages than its quota because none of them may be dropped. */
export interface OutboxOverflow {
  class: ReportClass;
  count: number;
  quota: number;
}

/**
 * What an append did. The caller persists `envelope` and deletes `evicted` in one transaction, before sending.
 * `overQuota` is the outbox asking for help: nothing was dropped, so the disk keeps growing until the caller acts
 * (raise an alarm, widen the quota, stop producing).
 */
export type AppendResult =
  | { outcome: 'stored'; envelope: OutboxEnvelope }
  | { outcome: 'downsampled'; envelope: OutboxEnvelope; evicted: readonly OutboxEnvelope[] }
  | { outcome: 'overQuota'; envelope: OutboxEnvelope; evicted: readonly OutboxEnvelope[]; overflow: OutboxOverflow };

export interface Batch {
  /** Absent when nothing is waiting or the drain rate allows nothing yet. */
  report?: ReportV1;
  rate: DrainRate;
  /** When to ask again: 0 now, a delay for the drain rate, `undefined` when everything has been sent. */
  retryInMs: number | undefined;
  /** The message that stops the drain: central's protocol is too old for its class (see `nextBatch`). */
  heldBy?: OutboxEnvelope;
}

/** A health report as a central of `protocol` reads it: without the sizes of classes it does not know. */
function readableAt(envelope: OutboxEnvelope, protocol: number): OutboxEnvelope {
  if (envelope.class !== 'health') return envelope;
  const unknown = REPORT_CLASSES.filter((cls) => (PROTOCOL_FOR_CLASS[cls] ?? 1) > protocol);
  if (!unknown.some((cls) => cls in envelope.payload.outbox)) return envelope;
  const outbox = Object.fromEntries(
    Object.entries(envelope.payload.outbox).filter(([cls]) => !unknown.includes(cls as ReportClass)),
  );
  return { ...envelope, payload: { ...envelope.payload, outbox } };
}

/** What the gateway's store holds, to rebuild the outbox at boot. */
export interface StoredOutbox {
  /** The next seq to assign: kept even when the outbox is empty, so a seq is never reused. */
  nextSeq: number;
  messages: readonly OutboxEnvelope[];
}

/** Dead slots in the seq index are compacted once they are both many and the majority. */
const COMPACT_AFTER = 1024;

/**
 * The gateway's outbox, mirroring its durable table: seqs strictly increasing and never reused, bounded per class,
 * drained in seq order. Telemetry over its quota is downsampled (the point with the most samples loses its oldest
 * one; a point's last value is never dropped); the other classes are never dropped. Deterministic and clock-free;
 * it mutates in place because it may hold a multi-day backlog, and every method says what to persist.
 */
export class Outbox {
  private readonly messages = new Map<number, OutboxEnvelope>();
  /** Every seq appended and not yet compacted away, ascending; those absent from `messages` are dead. */
  private seqIndex: number[] = [];
  private readonly counts = Object.fromEntries(REPORT_CLASSES.map((c) => [c, 0])) as Record<ReportClass, number>;
  /** Telemetry seqs per point key, ascending. */
  private readonly samples = new Map<string, number[]>();
  private nextSeq = 1;
  /** Highest seq handed to the transport on this connection. */
  private sentUpTo = 0;

  constructor(
    readonly gatewayId: string,
    private readonly quotas: OutboxQuotas,
  ) {
    for (const cls of REPORT_CLASSES) {
      if (!Number.isInteger(quotas[cls]) || quotas[cls] < 1) {
        throw new SyncException(SyncExceptionCode.InvalidOutbox, `quota for ${cls}: expected an integer ≥ 1`);
      }
    }
  }

  /** Rebuilds the outbox from its table; refuses rows that break its invariants rather than reuse or reorder seqs. */
  static restore(gatewayId: string, quotas: OutboxQuotas, stored: StoredOutbox): Outbox {
    const outbox = new Outbox(gatewayId, quotas);
    let previous = 0;
    for (const envelope of stored.messages) {
      if (envelope.gatewayId !== gatewayId) {
        throw new SyncException(
          SyncExceptionCode.InvalidOutbox,
          `stored message ${envelope.seq} belongs to gateway "${envelope.gatewayId}", not "${gatewayId}"`,
        );
      }
      if (envelope.seq <= previous) {
        throw new SyncException(
          SyncExceptionCode.InvalidOutbox,
          `stored seqs must increase strictly: ${envelope.seq} follows ${previous}`,
        );
      }
      previous = envelope.seq;
      outbox.insert(envelope);
    }
    if (!Number.isSafeInteger(stored.nextSeq) || stored.nextSeq <= previous) {
      throw new SyncException(
        SyncExceptionCode.InvalidOutbox,
        `stored nextSeq ${stored.nextSeq} must be an integer above the last stored seq ${previous}`,
      );
    }
    outbox.nextSeq = stored.nextSeq;
    return outbox;
  }

  /** Gives the message the next seq and stores it, downsampling telemetry when its class is over quota. */
  append(message: OutboxMessage): AppendResult {
    const envelope = { ...message, gatewayId: this.gatewayId, seq: this.nextSeq };
    this.nextSeq += 1;
    this.insert(envelope);
    const cls = envelope.class;
    const quota = this.quotas[cls];
    const evicted: OutboxEnvelope[] = [];
    if (cls === 'telemetry') {
      while (this.counts.telemetry > quota) {
        const victim = this.telemetryVictim();
        if (victim === undefined) break;
        evicted.push(victim);
        this.remove(victim.seq);
      }
    }
    const count = this.counts[cls];
    if (count > quota) return { outcome: 'overQuota', envelope, evicted, overflow: { class: cls, count, quota } };
    return evicted.length > 0 ? { outcome: 'downsampled', envelope, evicted } : { outcome: 'stored', envelope };
  }

  /** Removes what central acknowledged (nothing else) and returns the removed messages, for the store to delete. */
  ack(ack: Pick<AckV1, 'upTo' | 'seqs'>): OutboxEnvelope[] {
    const removed: OutboxEnvelope[] = [];
    for (const seq of this.seqIndex) {
      if (seq > ack.upTo) break;
      const envelope = this.messages.get(seq);
      if (envelope) removed.push(envelope);
    }
    for (const seq of ack.seqs) {
      const envelope = seq > ack.upTo ? this.messages.get(seq) : undefined;
      if (envelope) removed.push(envelope);
    }
    for (const envelope of removed) this.remove(envelope.seq);
    return removed;
  }

  /**
   * The next messages not yet sent on this connection, at most `limit` and no more than the drain rate allows, in
   * seq order. They count as sent: a lost connection is followed by {@link rewind}, not by a timed resend.
   *
   * `protocol` is the version agreed with central. A message of a class it cannot read ({@link PROTOCOL_FOR_CLASS})
   * is never skipped — central would acknowledge the seqs after it, and so it — but holds the drain: `heldBy` says
   * which, and nothing after it is sent on this connection. Health reports leave such classes out of their sizes.
   */
  nextBatch(limit: number, rate: DrainRate, now: Date, protocol: number = PROTOCOL_VERSION): Batch {
    const start = this.firstIndexAbove(this.sentUpTo);
    const live = this.liveFrom(start, limit);
    const held = live.findIndex((envelope) => (PROTOCOL_FOR_CLASS[envelope.class] ?? 1) > protocol);
    const heldBy = held === -1 ? undefined : live[held];
    const waiting = (held === -1 ? live : live.slice(0, held)).map((envelope) => readableAt(envelope, protocol));
    if (waiting.length === 0) return { rate, retryInMs: undefined, ...(heldBy === undefined ? {} : { heldBy }) };
    // Tokens for the messages there are, not for the limit: a lone message must not spend a whole burst.
    const { granted, rate: left } = takeTokens(rate, waiting.length, now);
    if (granted === 0) return { rate: left, retryInMs: msUntilToken(left) };
    const messages = waiting.slice(0, granted);
    const after = this.liveBefore(start);
    const last = messages[messages.length - 1];
    this.sentUpTo = last?.seq ?? this.sentUpTo;
    const more = heldBy === undefined && this.liveFrom(this.firstIndexAbove(this.sentUpTo), 1).length > 0;
    return {
      report: { type: 'report', v: 1, after, messages },
      rate: left,
      retryInMs: more ? msUntilToken(left) : undefined,
      ...(heldBy === undefined || messages.length < waiting.length ? {} : { heldBy }),
    };
  }

  /** After a (re)connection: everything not yet acknowledged is sent again, from the oldest. */
  rewind(): void {
    this.sentUpTo = 0;
  }

  /** What the hello announces. */
  range(): OutboxRange {
    const first = this.liveFrom(0, 1)[0];
    return { firstSeq: first?.seq ?? this.nextSeq, lastSeq: this.nextSeq - 1 };
  }

  /** Messages held per class (for health reports and metrics). */
  sizes(): Record<ReportClass, number> {
    return { ...this.counts };
  }

  get size(): number {
    return this.messages.size;
  }

  private insert(envelope: OutboxEnvelope): void {
    this.messages.set(envelope.seq, envelope);
    this.seqIndex.push(envelope.seq);
    this.counts[envelope.class] += 1;
    if (envelope.class === 'telemetry') {
      const seqs = this.samples.get(envelope.payload.pointKey);
      if (seqs) seqs.push(envelope.seq);
      else this.samples.set(envelope.payload.pointKey, [envelope.seq]);
    }
  }

  private remove(seq: number): void {
    const envelope = this.messages.get(seq);
    if (!envelope) return;
    this.messages.delete(seq);
    this.counts[envelope.class] -= 1;
    if (envelope.class === 'telemetry') {
      const key = envelope.payload.pointKey;
      const seqs = this.samples.get(key) ?? [];
      seqs.splice(seqs.indexOf(seq), 1);
      if (seqs.length === 0) this.samples.delete(key);
    }
    const dead = this.seqIndex.length - this.messages.size;
    if (dead > COMPACT_AFTER && dead > this.messages.size) {
      this.seqIndex = this.seqIndex.filter((s) => this.messages.has(s));
    }
  }

  /**
   * The oldest sample of the point with the most samples (ties: the point whose oldest sample is older), so a chatty
   * point is thinned before a quiet one loses history; `undefined` when every point is down to its last value.
   */
  private telemetryVictim(): OutboxEnvelope | undefined {
    let best: number[] | undefined;
    for (const seqs of this.samples.values()) {
      if (seqs.length < 2) continue;
      const [oldest = 0] = seqs;
      if (!best || seqs.length > best.length || (seqs.length === best.length && oldest < (best[0] ?? 0))) {
        best = seqs;
      }
    }
    return best?.[0] === undefined ? undefined : this.messages.get(best[0]);
  }

  /** Index in `seqIndex` of the first seq above `seq` (binary search: the index is sorted). */
  private firstIndexAbove(seq: number): number {
    let low = 0;
    let high = this.seqIndex.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.seqIndex[mid] ?? 0) > seq) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  private liveFrom(index: number, limit: number): OutboxEnvelope[] {
    const found: OutboxEnvelope[] = [];
    for (let i = index; i < this.seqIndex.length && found.length < limit; i++) {
      const envelope = this.messages.get(this.seqIndex[i] ?? 0);
      if (envelope) found.push(envelope);
    }
    return found;
  }

  /** Seq of the last live message before `index`, or 0. */
  private liveBefore(index: number): number {
    for (let i = index - 1; i >= 0; i--) {
      const seq = this.seqIndex[i] ?? 0;
      if (this.messages.has(seq)) return seq;
    }
    return 0;
  }
}
