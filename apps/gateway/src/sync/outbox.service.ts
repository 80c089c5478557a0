import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { problemsFromIssues, renderProblems } from '@beffroi/domain';
import {
  type AckV1,
  type Batch,
  type DrainRate,
  Outbox,
  type OutboxEnvelope,
  outboxEnvelopeSchema,
  type OutboxMessage,
  type OutboxQuotas,
  type OutboxRange,
  REPORT_CLASSES,
  type ReportClass,
} from '@beffroi/sync';
import { DataSource, type EntityManager, In } from 'typeorm';
import { Clock } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';
import { OutboxMessageEntity } from '../store/outbox-message.entity';
import { commitOutboxRows, deleteOutboxRows, insertOutboxRows } from '../store/outbox-rows';
import { alarmMessage } from './report-messages';
import { SyncStateStore } from './sync-state.store';
import { TelemetryCheck } from './telemetry-check';

/** Writes that commit together with the messages reporting them (the switching row a `switching` message reports). */
export type Alongside = (manager: EntityManager) => Promise<unknown>;

const NEXT_SEQ_KEY = 'outbox.nextSeq';
/** Names this store's outbox for central: made with the store, kept with it; a new store starts a new one. */
const INCARNATION_KEY = 'outbox.incarnation';
/** Alarm raised while a class that is never dropped holds more than its quota. */
export const OUTBOX_ALARM_KEY = 'gateway.outbox';
/** Rows per statement, well under SQLite's limit of bound parameters. */
const CHUNK = 300;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * The gateway's durable outbox (docs/architecture.md "Sync"): libs/sync's {@link Outbox} mirrored in SQLite. A message is
 * committed — with the record it reports, in one transaction — before its producer goes on and before it can be
 * sent; it is deleted only once central acknowledged it. The next seq is stored too, so a seq is never reused, even
 * across restarts with an empty outbox. Its incarnation id, made when the store is first opened and kept in it, tells
 * central when the seqs start over (a wiped store, an old backup). Appends, drains and acks run one at a time, so
 * nothing unstored is ever handed to the socket. Without a `central` section nothing is queued and the records are written as before.
 */
@Injectable()
export class OutboxService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxService.name);
  private outbox: Outbox | undefined;
  private incarnationId: string | undefined;
  /** The first operation waits for the table to be read, whichever provider asks first. */
  private restored: Promise<void> | undefined;
  private lane: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** Classes over their quota for which the alarm is raised. */
  private readonly overQuota = new Set<ReportClass>();
  private readonly telemetryCheck = new TelemetryCheck();

  constructor(
    private readonly dataSource: DataSource,
    private readonly state: SyncStateStore,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.loaded.config.central !== undefined;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    await this.inLane(() => Promise.resolve());
    const sizes = this.sizes();
    const held = Object.values(sizes).reduce((a, b) => a + b, 0);
    if (held > 0) this.logger.log(`outbox restored: ${held} messages waiting (${describeSizes(sizes)})`);
  }

  /** Appends under way finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.idle();
  }

  /** Stores one message (and `alongside`, in the same transaction); resolves once both are committed. */
  append(message: OutboxMessage, alongside?: Alongside): Promise<void> {
    return this.appendAll([message], alongside);
  }

  /** Stores messages in one transaction, in this order (and `alongside` with them). */
  appendAll(messages: readonly OutboxMessage[], alongside?: Alongside): Promise<void> {
    if (!this.enabled) {
      return alongside === undefined ? Promise.resolve() : alongside(this.dataSource.manager).then(() => undefined);
    }
    const valid = messages.filter((message) => this.acceptable(message));
    if (valid.length === 0 && alongside === undefined) return Promise.resolve();
    return this.inLane(() => this.store(valid, alongside));
  }

  /** Calls `listener` after each append (the drain loop waits on it when everything has been sent). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next report to send on this connection, within the drain rate (see libs/sync `Outbox.nextBatch`). */
  nextBatch(limit: number, rate: DrainRate, now: Date, protocol?: number): Promise<Batch> {
    return this.inLane(() => {
      const outbox = this.outbox;
      return Promise.resolve(
        outbox === undefined ? { rate, retryInMs: undefined } : outbox.nextBatch(limit, rate, now, protocol),
      );
    });
  }

  /** Deletes what central acknowledged; resolves with the number of messages deleted. */
  ack(ack: Pick<AckV1, 'upTo' | 'seqs'>): Promise<number> {
    return this.inLane(async () => {
      const outbox = this.outbox;
      if (outbox === undefined) return 0;
      const removed = outbox.ack(ack);
      if (removed.length > 0) {
        const seqs = removed.map((envelope) => envelope.seq);
        await commitOutboxRows(this.dataSource, { inserted: [], deleted: seqs });
      }
      await this.clearQuotaAlarms(outbox);
      return removed.length;
    });
  }

  /** After a (re)connection: everything not acknowledged is sent again, oldest first (after any batch under way). */
  rewind(): Promise<void> {
    return this.inLane(() => {
      this.outbox?.rewind();
      return Promise.resolve();
    });
  }

  /** What the hello announces: the seqs still held and the last one assigned. */
  range(): Promise<OutboxRange> {
    return this.inLane(() => Promise.resolve(this.outbox?.range() ?? { firstSeq: 1, lastSeq: 0 }));
  }

  /** The incarnation of this store's outbox, which the hello announces with its range. */
  incarnation(): Promise<string> {
    return this.inLane(() => {
      if (this.incarnationId === undefined) throw new Error('the outbox needs a central section');
      return Promise.resolve(this.incarnationId);
    });
  }

  /** The range as it stands, for status pages (an append under way may not be stored yet). */
  rangeNow(): OutboxRange {
    return this.outbox?.range() ?? { firstSeq: 1, lastSeq: 0 };
  }

  sizes(): Record<ReportClass, number> {
    return (
      this.outbox?.sizes() ?? (Object.fromEntries(REPORT_CLASSES.map((c) => [c, 0])) as Record<ReportClass, number>)
    );
  }

  /** Resolves when every append, drain and ack queued so far is done. */
  async idle(): Promise<void> {
    await this.lane.catch(() => undefined);
  }

  /** Runs `job` after every operation queued before it, once the outbox is read from its table. */
  private inLane<T>(job: () => Promise<T>): Promise<T> {
    const ready = async () => {
      if (this.enabled) await (this.restored ??= this.restore());
      return job();
    };
    const run = this.lane.then(ready, ready);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private quotas(): OutboxQuotas {
    const central = this.loaded.config.central;
    if (central === undefined) throw new Error('the outbox needs a central section');
    return central.outbox;
  }

  /**
   * Reads the table back. A row central would refuse (unreadable, or invalid for this protocol version) would block
   * every message behind it: it is logged, deleted and left out.
   */
  private async restore(): Promise<void> {
    const repository = this.dataSource.getRepository(OutboxMessageEntity);
    const rows = await repository.find({ order: { seq: 'ASC' } });
    this.incarnationId = await this.storedIncarnation();
    const storedNext = (await this.state.get<number>(NEXT_SEQ_KEY)) ?? 1;
    const last = rows.at(-1)?.seq ?? 0;
    const gatewayId = this.loaded.config.gateway.id;
    const messages: OutboxEnvelope[] = [];
    const unusable: number[] = [];
    for (const row of rows) {
      let payload: unknown;
      try {
        payload = JSON.parse(row.payloadJson);
      } catch {
        payload = undefined;
      }
      const checked = outboxEnvelopeSchema.safeParse({ gatewayId, seq: row.seq, class: row.class, payload });
      if (checked.success) {
        messages.push(checked.data);
      } else {
        unusable.push(row.seq);
        const problems = renderProblems(problemsFromIssues(checked.error.issues, payload));
        this.logger.error(`outbox message ${row.seq} (${row.class}) cannot be sent, deleted:\n${problems}`);
      }
    }
    for (const part of chunks(unusable)) await repository.delete({ seq: In(part) });
    this.outbox = Outbox.restore(gatewayId, this.quotas(), { nextSeq: Math.max(storedNext, last + 1), messages });
    this.overQuota.clear();
    const sizes = this.outbox.sizes();
    for (const cls of REPORT_CLASSES) {
      if (cls !== 'telemetry' && sizes[cls] > this.quotas()[cls]) this.overQuota.add(cls);
    }
  }

  /** The store's incarnation; the first opening of a store (or one made before incarnations) makes it. */
  private async storedIncarnation(): Promise<string> {
    const stored = await this.state.get<string>(INCARNATION_KEY);
    if (stored !== undefined) return stored;
    const made = randomUUID();
    await this.state.set(INCARNATION_KEY, made);
    this.logger.log(`outbox incarnation ${made}`);
    return made;
  }

  /**
   * A message central would refuse blocks the whole outbox behind it: it is logged and left out instead. Telemetry,
   * the bulk of the messages, goes first through {@link TelemetryCheck}, which passes only what the schema accepts;
   * what it does not pass is parsed by the schema, which says what is wrong.
   */
  private acceptable(message: OutboxMessage): boolean {
    if (message.class === 'telemetry' && this.telemetryCheck.passes(message.payload)) return true;
    const checked = outboxEnvelopeSchema.safeParse({ ...message, gatewayId: this.loaded.config.gateway.id, seq: 1 });
    if (checked.success) return true;
    const problems = problemsFromIssues(checked.error.issues, message);
    this.logger.error(`not queued for central, invalid ${message.class} message:\n${renderProblems(problems)}`);
    return false;
  }

  private async store(messages: readonly OutboxMessage[], alongside?: Alongside): Promise<void> {
    const outbox = this.outbox;
    if (outbox === undefined) return;
    const appended: OutboxEnvelope[] = [];
    const evicted = new Set<number>();
    const now = this.clock.now();
    const queue = [...messages];
    for (let message = queue.shift(); message !== undefined; message = queue.shift()) {
      const result = outbox.append(message);
      appended.push(result.envelope);
      if (result.outcome !== 'stored') for (const gone of result.evicted) evicted.add(gone.seq);
      if (result.outcome === 'overQuota' && !this.overQuota.has(result.overflow.class)) {
        const { class: cls, count, quota } = result.overflow;
        this.overQuota.add(cls);
        this.logger.warn(`outbox over quota: ${count} ${cls} messages (quota ${quota}); none is dropped`);
        queue.push(
          alarmMessage(
            OUTBOX_ALARM_KEY,
            'raised',
            'warning',
            `outbox over quota for ${cls}: ${count} messages waiting (quota ${quota}); none is dropped, the disk keeps growing`,
            now,
          ),
        );
      }
    }
    const inserted = appended.filter((envelope) => !evicted.has(envelope.seq));
    const appendedSeqs = new Set(appended.map((envelope) => envelope.seq));
    const deleted = [...evicted].filter((seq) => !appendedSeqs.has(seq));
    const nextSeq = outbox.range().lastSeq + 1;
    try {
      if (alongside === undefined) {
        const state = { key: NEXT_SEQ_KEY, value: nextSeq, updatedAt: now.toISOString() };
        await commitOutboxRows(this.dataSource, { inserted, deleted, ...(appended.length > 0 ? { state } : {}) });
      } else {
        await this.dataSource.transaction(async (manager) => {
          await alongside(manager);
          await insertOutboxRows(this.dataSource, inserted);
          await deleteOutboxRows(this.dataSource, deleted);
          if (appended.length > 0) await this.state.set(NEXT_SEQ_KEY, nextSeq, manager);
        });
      }
    } catch (error) {
      // Nothing of this append is stored: the outbox goes back to what the table holds. The seqs it had taken were
      // neither stored nor sent, so they are free again.
      await this.restore().catch(() => undefined);
      throw error;
    }
    if (appended.length > 0) for (const listener of this.listeners) listener();
  }

  private async clearQuotaAlarms(outbox: Outbox): Promise<void> {
    const sizes = outbox.sizes();
    const cleared = [...this.overQuota].filter((cls) => sizes[cls] <= this.quotas()[cls]);
    if (cleared.length === 0) return;
    for (const cls of cleared) this.overQuota.delete(cls);
    const now = this.clock.now();
    await this.store(
      cleared.map((cls) =>
        alarmMessage(OUTBOX_ALARM_KEY, 'cleared', 'warning', `outbox back under its quota for ${cls}`, now),
      ),
    );
  }
}

export function describeSizes(sizes: Readonly<Record<ReportClass, number>>): string {
  return REPORT_CLASSES.filter((cls) => sizes[cls] > 0)
    .map((cls) => `${cls} ${sizes[cls]}`)
    .join(', ');
}
