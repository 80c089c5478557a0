import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  emptyPriorityArray,
  explain,
  lockOut,
  type PointScalar,
  type PriorityArray,
  type PriorityEntry,
  PriorityException,
  PriorityExceptionCode,
  PRIORITY_SLOTS,
  type PrioritySlot,
  pruneExpired,
  releaseSlot,
  setSlot,
  winnerOf,
} from '@beffroi/domain';
import type { SwitchingResult } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { FieldService, type GatewayPoint } from '../field/field.service';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { PointStore } from '../points/point-store.service';
import { WriteService } from '../points/write.service';
import { OutputControlEntity } from '../store/output-control.entity';
import { OutboxService } from '../sync/outbox.service';
import { outputMessage } from '../sync/report-messages';
import { SwitchingLog } from './switching-log.service';

/** How long a switching may wait for its bus before it is reported expired. */
const SWITCH_VALIDITY_MS = 60_000;
/** A switching that did not apply is tried again after this long (and at every re-plan). */
const RETRY_MS = 30_000;
const PROTECTION_OWNER = 'protection:minimum-on-off';
/** Switchings of an output remembered in memory, for remote commands waiting for theirs. */
const HISTORY = 8;
/** How often an output restored at boot is looked at until the field has told what the equipment shows. */
const RESTORED_CHECK_MS = 250;
/** An output restored at boot whose equipment has not been read within this long is written anyway. */
const RESTORED_WAIT_MS = 10_000;

/** A switching of one output, numbered in the order this process made them. */
export interface SwitchingNote {
  readonly n: number;
  readonly value: PointScalar;
  readonly cause: string;
  readonly result: SwitchingResult;
  readonly reason?: string | undefined;
}

/** Where an output stands now: who wins, the value last switched to, whether a reconciliation runs. */
export interface OutputState {
  readonly winner: { slot: number; name: string; owner?: string; expiresAt?: string; value: PointScalar };
  readonly applied: PointScalar | undefined;
  readonly running: boolean;
  readonly retryPending: boolean;
  readonly lastError: string | undefined;
}

interface Output {
  readonly point: GatewayPoint;
  array: PriorityArray;
  /** The value last switched to successfully, and when (monotonic ms). */
  applied?: { value: PointScalar; monotonicMs: number };
  retryAt?: number;
  /** Reconciliations run one at a time per output; a request during one asks for another pass after it. */
  running: boolean;
  requests: number;
  /** The array as last stored (JSON), so an unchanged array is neither written nor reported again. */
  savedJson?: string;
  /** Switchings made by this process, and the last few of them. */
  switchings: number;
  history: SwitchingNote[];
  lastError?: string;
  /** Restored from storage at boot and not reconciled since: the equipment may have been changed meanwhile. */
  restored: boolean;
}

/**
 * Who decides each output (the priority array of DESIGN.md "Control"), and the switchings that follow: whenever the
 * winning value differs from what the output was last switched to, a verified write is sent and recorded. Equipment
 * protection is enforced here: an output switched less than `control.minimumOnOff` ago is held in the protection
 * slot until that time has passed. Arrays are kept in SQLite, so overrides and lock-outs survive a restart.
 */
@Injectable()
export class ControlService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ControlService.name);
  private readonly outputs = new Map<string, Output>();
  private bootMs = 0;

  constructor(
    private readonly field: FieldService,
    private readonly writer: WriteService,
    private readonly store: PointStore,
    private readonly switchings: SwitchingLog,
    private readonly outbox: OutboxService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly loaded: LoadedGatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bootMs = this.clock.monotonicMs();
    const rows = await this.dataSource.getRepository(OutputControlEntity).find();
    for (const row of rows) {
      const point = this.field.points.get(row.key);
      if (point === undefined) {
        this.logger.warn(`dropping the saved priority array of ${row.key}: no such point in the config any more`);
        continue;
      }
      this.outputs.set(row.key, {
        point,
        array: JSON.parse(row.arrayJson) as PriorityArray,
        running: false,
        requests: 0,
        savedJson: row.arrayJson,
        switchings: 0,
        history: [],
        restored: true,
      });
    }
  }

  /**
   * Lets switchings in progress finish (and be recorded) before the database closes. They end promptly: by now writes
   * no longer wait for a bus that is down (FieldService), they fail and are recorded so.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /**
   * Puts `entry` in `slot` of output `key` (created with `defaultValue` if new) and switches if the winner changed.
   * Remote commands are refused under a maintenance lock-out; local schedules keep their slot current under it.
   */
  async command(
    key: string,
    slot: PrioritySlot,
    entry: PriorityEntry,
    source: 'remote' | 'local',
    defaultValue?: PointScalar,
  ): Promise<void> {
    const output = this.output(key, defaultValue);
    const type = output.point.bound.definition.type;
    const expected = type === 'bool' ? 'boolean' : type === 'string' ? 'string' : 'number';
    if (typeof entry.value !== expected) {
      throw new GatewayException(
        GatewayExceptionCode.InvalidRequest,
        `value: ${key} is a ${type} point, expected a ${expected}, got ${JSON.stringify(entry.value)}`,
      );
    }
    try {
      output.array = setSlot(output.array, slot, entry, this.clock.now(), source);
    } catch (error) {
      if (error instanceof PriorityException) {
        throw new GatewayException(
          error.code === PriorityExceptionCode.LockedOut
            ? GatewayExceptionCode.LockedOut
            : GatewayExceptionCode.InvalidRequest,
          `${key}: ${error.message}`,
        );
      }
      throw error;
    }
    await this.save(key, output);
    this.reconcile(key);
  }

  /** Empties `slot` of output `key` (only if `owner` holds it, when given); what lies underneath then applies. */
  async release(key: string, slot: PrioritySlot, owner?: string): Promise<void> {
    const output = this.output(key);
    output.array = releaseSlot(output.array, slot, owner);
    await this.save(key, output);
    this.reconcile(key);
  }

  /** "Why is it in this state?" for output `key`, with its live feedback and last switching. */
  async explain(key: string) {
    const output = this.output(key);
    const now = this.clock.now();
    const feedbackKey = output.point.feedbackKey ?? key;
    const [last] = await this.switchings.recent(1, key);
    return {
      key,
      ...explain(output.array, now),
      feedback: { key: feedbackKey, ...(this.store.get(feedbackKey) ?? { value: null, quality: { status: 'stale' } }) },
      lastSwitching: last ?? null,
    };
  }

  list() {
    const now = this.clock.now();
    return [...this.outputs.entries()].map(([key, output]) => {
      const winner = winnerOf(output.array, now);
      return {
        key,
        value: winner.slot === 16 ? output.array.defaultValue : winner.entry.value,
        slot: winner.slot,
        slotName: winner.name,
        ...(winner.slot === 16 ? {} : { owner: winner.entry.owner }),
      };
    });
  }

  /** What sits in `slot` of output `key` now (undefined when empty or expired, or when the output has no array yet). */
  entryIn(key: string, slot: PrioritySlot): PriorityEntry | undefined {
    const output = this.outputs.get(key);
    const entry = output?.array.slots[slot];
    if (entry?.expiresAt !== undefined && Date.parse(entry.expiresAt) <= this.clock.now().getTime()) return undefined;
    return entry;
  }

  /** The maintenance lock-out (consignation) on output `key`, if one is set. */
  lockOutOf(key: string): PriorityEntry | undefined {
    const output = this.outputs.get(key);
    return output === undefined ? undefined : lockOut(output.array, this.clock.now());
  }

  /** Where output `key` stands now (it must be a known, writable point). */
  state(key: string): OutputState {
    const output = this.output(key);
    const explained = explain(output.array, this.clock.now());
    const { winner } = explained;
    return {
      winner: {
        slot: winner.slot,
        name: winner.name,
        value: explained.value,
        ...(winner.owner === undefined ? {} : { owner: winner.owner }),
        ...(winner.expiresAt === undefined ? {} : { expiresAt: winner.expiresAt }),
      },
      applied: output.applied?.value,
      running: output.running,
      retryPending: output.retryAt !== undefined,
      lastError: output.lastError,
    };
  }

  /** How many switchings output `key` made so far in this process: pass it to {@link switchingsSince} later. */
  switchingMark(key: string): number {
    return this.outputs.get(key)?.switchings ?? 0;
  }

  /** The switchings output `key` made after `mark` (the last few only), oldest first. */
  switchingsSince(key: string, mark: number): SwitchingNote[] {
    return (this.outputs.get(key)?.history ?? []).filter((note) => note.n > mark);
  }

  /** Resolves once output `key` is at rest (no reconciliation running). */
  async idle(key: string): Promise<void> {
    while (this.outputs.get(key)?.running === true) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The next instant something must be looked at again: a slot expiry, a retry, an output restored at boot. */
  nextWakeAt(): Date | null {
    let next = Number.POSITIVE_INFINITY;
    const now = this.clock.now().getTime();
    const monotonic = this.clock.monotonicMs();
    for (const output of this.outputs.values()) {
      if (output.restored) next = Math.min(next, now + RESTORED_CHECK_MS);
      for (const entry of Object.values(output.array.slots)) {
        const expiry = entry.expiresAt === undefined ? Number.NaN : Date.parse(entry.expiresAt);
        if (expiry > now) next = Math.min(next, expiry);
      }
      if (output.retryAt !== undefined) next = Math.min(next, now + Math.max(0, output.retryAt - monotonic));
    }
    return Number.isFinite(next) ? new Date(next) : null;
  }

  /** Reconciles outputs whose slots expired or whose retry is due; checks those restored at boot. */
  wake(): void {
    const now = this.clock.now();
    for (const [key, output] of this.outputs) {
      const pruned = pruneExpired(output.array, now);
      const expired = Object.keys(pruned.slots).length !== Object.keys(output.array.slots).length;
      const retry = output.retryAt !== undefined && output.retryAt <= this.clock.monotonicMs();
      if (expired) {
        output.array = pruned;
        this.save(key, output).catch((error: unknown) => {
          this.logger.error(`cannot store the priority array of ${key}: ${(error as Error).message}`);
        });
      }
      if (expired || retry) this.reconcile(key);
      else if (output.restored) this.checkRestored(key, output, now);
    }
  }

  /**
   * After a restart (DESIGN.md "Runtime": re-assert what should be true now), an output that neither a schedule nor
   * a command switched since the boot: once the field has been read, it is written again if the equipment shows
   * something else than its winner (changed on site while the gateway was down), else taken as applied — no
   * switching to record. Without a reading within {@link RESTORED_WAIT_MS} it is written anyway.
   */
  private checkRestored(key: string, output: Output, now: Date): void {
    const seen = this.store.get(key);
    if (seen?.quality.status === 'good') {
      output.restored = false;
      const value = winningValue(output.array, now);
      // Switched before the restart, long enough ago for no minimum on/off hold.
      if (seen.value === value) output.applied = { value, monotonicMs: Number.NEGATIVE_INFINITY };
      else this.reconcile(key);
    } else if (this.clock.monotonicMs() - this.bootMs >= RESTORED_WAIT_MS) {
      this.reconcile(key);
    }
  }

  /** Writes output `key`'s winning value again, as if it had never been applied (its feedback says otherwise). */
  reassert(key: string): void {
    const output = this.outputs.get(key);
    if (output === undefined) return;
    output.applied = undefined;
    this.reconcile(key);
  }

  /** Resolves until the output is at rest; concurrent calls fold into one more pass. */
  reconcile(key: string): void {
    const output = this.outputs.get(key);
    if (output === undefined) return;
    output.requests++;
    output.restored = false;
    if (output.running) return;
    output.running = true;
    void this.reconcileLoop(key, output).finally(() => {
      output.running = false;
    });
  }

  /** Resolves once every output is at rest (tests and shutdown). */
  async settled(): Promise<void> {
    while ([...this.outputs.values()].some((output) => output.running)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async reconcileLoop(key: string, output: Output): Promise<void> {
    let served: number;
    do {
      served = output.requests;
      try {
        await this.switchIfNeeded(key, output);
        output.lastError = undefined;
      } catch (error) {
        output.retryAt = this.clock.monotonicMs() + RETRY_MS;
        output.lastError = (error as Error).message;
        this.logger.error(`reconciling ${key} failed: ${(error as Error).message}`);
      }
    } while (output.requests !== served);
  }

  private async switchIfNeeded(key: string, output: Output): Promise<void> {
    const now = this.clock.now();
    const winner = winnerOf(output.array, now);
    const value = winningValue(output.array, now);
    const { applied } = output;
    if (value === applied?.value) return;
    const minimum = this.loaded.config.control.minimumOnOff;
    const sinceLast = applied === undefined ? Number.POSITIVE_INFINITY : this.clock.monotonicMs() - applied.monotonicMs;
    if (applied !== undefined && sinceLast < minimum && winner.slot > PRIORITY_SLOTS.protection) {
      const expiresAt = new Date(now.getTime() + (minimum - sinceLast));
      output.array = setSlot(
        output.array,
        PRIORITY_SLOTS.protection,
        { value: applied.value, owner: PROTECTION_OWNER, setAt: now.toISOString(), expiresAt: expiresAt.toISOString() },
        now,
      );
      await this.save(key, output);
      this.logger.log(
        `${key} held at ${JSON.stringify(applied.value)} until ${expiresAt.toISOString()} (minimum on/off time)`,
      );
      return;
    }
    const cause = winner.slot === 16 ? 'default' : winner.entry.owner;
    const result = await this.writer.write({
      point: output.point,
      value,
      notAfter: new Date(now.getTime() + SWITCH_VALIDITY_MS),
      source: cause,
    });
    await this.switchings.record({
      at: now,
      key,
      value,
      slot: winner.slot,
      cause,
      result: result.status,
      reason: result.reason,
      writeId: result.id,
    });
    output.switchings++;
    output.history = [
      ...output.history.slice(1 - HISTORY),
      { n: output.switchings, value, cause, result: result.status, reason: result.reason },
    ];
    if (result.status === 'applied' || result.status === 'acknowledged') {
      output.applied = { value, monotonicMs: this.clock.monotonicMs() };
      output.retryAt = undefined;
    } else {
      output.applied = undefined;
      output.retryAt = this.clock.monotonicMs() + RETRY_MS;
    }
  }

  private output(key: string, defaultValue?: PointScalar): Output {
    const existing = this.outputs.get(key);
    if (existing !== undefined) return existing;
    const point = this.field.points.get(key);
    if (point === undefined) {
      throw new GatewayException(GatewayExceptionCode.UnknownPoint, `no point "${key}" (see GET /points)`);
    }
    if (!this.field.isWritable(point)) {
      throw new GatewayException(
        GatewayExceptionCode.NotWritable,
        `${key} is a ${point.kind} point: it has no priority array`,
      );
    }
    const fallback =
      defaultValue ??
      (point.bound.definition.type === 'bool' ? false : point.bound.definition.type === 'string' ? '' : 0);
    const created: Output = {
      point,
      array: emptyPriorityArray(fallback),
      running: false,
      requests: 0,
      switchings: 0,
      history: [],
      restored: false,
    };
    this.outputs.set(key, created);
    return created;
  }

  /**
   * Stores the array when it changed, and queues for central why the output is in its state (class `output`) in the
   * same transaction.
   */
  private async save(key: string, output: Output): Promise<void> {
    const now = this.clock.now();
    const pruned = pruneExpired(output.array, now);
    const arrayJson = JSON.stringify(pruned);
    if (arrayJson === output.savedJson) return;
    const previous = output.savedJson;
    output.savedJson = arrayJson;
    try {
      await this.outbox.append(outputMessage(key, explain(pruned, now), now), (manager) =>
        manager.getRepository(OutputControlEntity).upsert({ key, arrayJson, updatedAt: now.toISOString() }, ['key']),
      );
    } catch (error) {
      output.savedJson = previous;
      throw error;
    }
  }
}

/** The value an output's priority array gives now (its default when no slot holds it). */
function winningValue(array: PriorityArray, now: Date): PointScalar {
  const winner = winnerOf(array, now);
  return winner.slot === 16 ? array.defaultValue : winner.entry.value;
}
