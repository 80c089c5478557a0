import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PRIORITY_SLOTS, type PointScalar } from '@beffroi/domain';
import { localHourOf } from '@beffroi/schedule';
import {
  admitCommand,
  type CommandLedger,
  type CommandOutcome,
  type CommandResult,
  type CommandV1,
  completeCommand,
  failInterrupted,
  type LedgerEntry,
  pruneLedger,
} from '@beffroi/sync';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { BellService } from '../control/bell.service';
import { ControlService, type SwitchingNote } from '../control/control.service';
import { FieldService } from '../field/field.service';
import { GatewayException } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { ScheduleRuntime } from '../schedule/schedule-runtime.service';
import { CommandLedgerEntity } from '../store/command-ledger.entity';
import { CentralClock } from './central-clock.service';
import { OutboxService } from './outbox.service';
import { reportText } from './report-messages';

/** Finished commands are remembered this long past their deadline (a later copy is reported expired anyway). */
const LEDGER_KEEP_MS = 7 * 24 * 3_600_000;
/** Longest wait for the verified write that follows a command, beyond a protection hold and the bus's verify time. */
const OUTCOME_MARGIN_MS = 90_000;
const POLL_MS = 50;
const BELL_RELAY = /^bell\.\d+\.(strike|swing)$/;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs central's commands (DESIGN.md "Sync"): each id is admitted once with libs/sync `admitCommand` against a ledger
 * kept in SQLite — the `running` row is committed before anything moves, so a command delivered twice, or again
 * after a restart, never runs twice (a finished one is answered with its recorded result). A command past its
 * `notAfter` on central's clock (the gateway's corrected by the measured skew) is reported expired and never run.
 * The result is the verified write that follows: `applied`, `failed` (mismatch, timeout), or `refused` (lock-out,
 * interlock, unknown point) — queued in the outbox (class `commandResult`) with the ledger row, in one transaction.
 */
@Injectable()
export class CommandExecutor implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(CommandExecutor.name);
  private ledger: CommandLedger = new Map();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly control: ControlService,
    private readonly bells: BellService,
    private readonly runtime: ScheduleRuntime,
    private readonly field: FieldService,
    private readonly centralClock: CentralClock,
    private readonly clock: Clock,
    private readonly loaded: LoadedGatewayConfig,
  ) {}

  /** Loads the ledger, forgets old entries, and fails the commands a stop interrupted (they are never re-run). */
  async onModuleInit(): Promise<void> {
    if (this.loaded.config.central === undefined) return;
    const repository = this.dataSource.getRepository(CommandLedgerEntity);
    const rows = await repository.find();
    const loaded: CommandLedger = new Map(
      rows.map((row): [string, LedgerEntry] => [
        row.id,
        row.status === 'running' || row.resultJson === null
          ? { status: 'running', notAfter: row.notAfter }
          : { status: 'done', notAfter: row.notAfter, result: JSON.parse(row.resultJson) as CommandResult },
      ]),
    );
    const now = this.clock.now();
    this.ledger = pruneLedger(loaded, now, LEDGER_KEEP_MS);
    const forgotten = [...loaded.keys()].filter((id) => !this.ledger.has(id));
    for (let i = 0; i < forgotten.length; i += 300) await repository.delete(forgotten.slice(i, i + 300));
    const interrupted = failInterrupted(this.ledger, now);
    this.ledger = interrupted.ledger;
    for (const result of interrupted.results) await this.finish(result);
    if (interrupted.results.length > 0) {
      this.logger.warn(`${interrupted.results.length} commands interrupted by the last stop reported failed`);
    }
  }

  /** Lets commands under way end and record their result before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Admits and runs a command; resolves once its result is queued (at once for a copy of one still running). */
  handle(command: CommandV1): Promise<void> {
    const run = this.admitAndRun(command).catch((error: unknown) => {
      this.logger.error(`command ${command.id} failed unexpectedly: ${(error as Error).message}`);
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** The ledger entry of a command id (tests and diagnostics). */
  entry(id: string): LedgerEntry | undefined {
    return this.ledger.get(id);
  }

  private async admitAndRun(command: CommandV1): Promise<void> {
    const admission = admitCommand(this.ledger, command, this.centralClock.now());
    switch (admission.decision) {
      case 'inProgress':
        return;
      case 'duplicate':
        this.logger.log(
          `command ${command.id} received again: answering its recorded result (${admission.result.status})`,
        );
        await this.outbox.append({ class: 'commandResult', payload: admission.result });
        return;
      case 'expired':
        this.ledger = admission.ledger;
        this.logger.warn(`command ${command.id} (${command.action} ${command.pointKey}) expired: not executed`);
        await this.finish(admission.result);
        return;
      case 'execute':
        this.ledger = admission.ledger;
        break;
    }
    // The running row is committed before anything moves: after a crash the command is failed, never re-run.
    try {
      await this.dataSource.getRepository(CommandLedgerEntity).upsert(this.row(command.id), ['id']);
    } catch (error) {
      await this.complete(command, {
        status: 'failed',
        reason: `not executed: cannot record it (${(error as Error).message})`,
      });
      return;
    }
    let outcome: CommandOutcome;
    try {
      outcome = await this.execute(command);
    } catch (error) {
      outcome = { status: 'failed', reason: reportText((error as Error).message) ?? 'failed' };
    }
    await this.complete(command, outcome);
  }

  private async complete(command: CommandV1, outcome: CommandOutcome): Promise<void> {
    const done = completeCommand(this.ledger, command.id, outcome, this.clock.now());
    this.ledger = done.ledger;
    const log = `command ${command.id} (${command.action} ${command.pointKey}): ${done.result.status}`;
    if (done.result.status === 'applied') this.logger.log(log);
    else this.logger.warn(`${log} (${done.result.reason})`);
    await this.finish(done.result);
  }

  /** Stores the ledger entry of a finished command and queues its result, in one transaction. */
  private async finish(result: CommandResult): Promise<void> {
    await this.outbox.append({ class: 'commandResult', payload: result }, (manager: EntityManager) =>
      manager.getRepository(CommandLedgerEntity).upsert(this.row(result.commandId), ['id']),
    );
  }

  private row(id: string): CommandLedgerEntity {
    const entry = this.ledger.get(id);
    if (entry === undefined) throw new Error(`command ${id} is not in the ledger`);
    return {
      id,
      status: entry.status,
      notAfter: entry.notAfter,
      resultJson: entry.status === 'done' ? JSON.stringify(entry.result) : null,
      updatedAt: this.clock.now().toISOString(),
    };
  }

  private async execute(command: CommandV1): Promise<CommandOutcome> {
    const pointId = command.pointKey.split(':')[1] ?? '';
    switch (command.action) {
      case 'ring':
        return this.ring(command, command.value);
      case 'switch':
      case 'override-until':
        if (BELL_RELAY.test(pointId)) {
          return {
            status: 'refused',
            reason: `${command.pointKey} is a bell relay: bells ring by "ring" commands, through the interlocks`,
          };
        }
        return this.switchOutput(
          command,
          command.value,
          command.action === 'override-until' ? command.until : undefined,
        );
      case 'release':
        return this.release(command);
    }
  }

  /** Manual slot 10, owner `command:<id>`; the result is the verified write that follows. */
  private async switchOutput(
    command: CommandV1,
    value: PointScalar,
    until: string | undefined,
  ): Promise<CommandOutcome> {
    const key = command.pointKey;
    const owner = `command:${command.id}`;
    const mark = this.control.switchingMark(key);
    const entry = {
      value,
      owner,
      setAt: this.clock.now().toISOString(),
      ...(until === undefined ? {} : { expiresAt: this.centralClock.toGatewayTime(new Date(until)).toISOString() }),
    };
    try {
      await this.control.command(key, PRIORITY_SLOTS.manual, entry, 'remote');
    } catch (error) {
      if (error instanceof GatewayException)
        return { status: 'refused', reason: reportText(error.message) ?? 'refused' };
      throw error;
    }
    return this.outcome(key, mark, owner, (note) => note.cause === owner);
  }

  /** Empties the manual slot; the result is the verified write of what lies underneath (if it differs). */
  private async release(command: CommandV1): Promise<CommandOutcome> {
    const key = command.pointKey;
    const lock = this.control.lockOutOf(key);
    if (lock !== undefined) {
      return { status: 'refused', reason: `${key}: locked out for maintenance by ${lock.owner} since ${lock.setAt}` };
    }
    const mark = this.control.switchingMark(key);
    try {
      await this.control.release(key, PRIORITY_SLOTS.manual);
    } catch (error) {
      if (error instanceof GatewayException)
        return { status: 'refused', reason: reportText(error.message) ?? 'refused' };
      throw error;
    }
    const target = this.control.state(key).winner;
    return this.outcome(key, mark, target.owner, (note) => note.value === target.value);
  }

  /**
   * Waits for the output to carry out its winner: the switching that did it decides (applied, or failed with its
   * reason); none needed when the output already shows the value. A higher slot holding the output refuses the
   * command, except equipment protection, which only delays it.
   */
  private async outcome(
    key: string,
    mark: number,
    owner: string | undefined,
    ours: (note: SwitchingNote) => boolean,
  ): Promise<CommandOutcome> {
    const bus = this.loaded.config.buses.find((b) => b.id === this.field.points.get(key)?.busId);
    const started = this.clock.monotonicMs();
    let deadline = started + (bus?.verifyTimeout ?? 5000) + OUTCOME_MARGIN_MS;
    for (;;) {
      await this.control.idle(key);
      const note = this.control.switchingsSince(key, mark).find(ours);
      if (note !== undefined) return outcomeOf(key, note);
      const { winner, applied, lastError, running } = this.control.state(key);
      if (winner.owner === owner) {
        if (applied === winner.value)
          return { status: 'applied', reason: `${key} already at ${JSON.stringify(winner.value)}` };
        if (lastError !== undefined)
          return { status: 'failed', reason: reportText(`not switched: ${lastError}`) ?? 'failed' };
      } else if (winner.slot === PRIORITY_SLOTS.protection && this.field.stopping) {
        return {
          status: 'failed',
          reason: `${key}: the gateway stopped while the minimum on/off time held it; the command stays in the manual slot and switches it after the restart`,
        };
      } else if (winner.slot === PRIORITY_SLOTS.protection) {
        // Held for the minimum on/off time: the switching follows when the hold expires.
        const holdEnds = winner.expiresAt === undefined ? 0 : Date.parse(winner.expiresAt) - this.clock.now().getTime();
        deadline = Math.max(deadline, this.clock.monotonicMs() + holdEnds + OUTCOME_MARGIN_MS);
      } else if (winner.slot < PRIORITY_SLOTS.manual) {
        const by = winner.owner === undefined ? '' : ` (${winner.owner})`;
        return { status: 'refused', reason: `${key} is held by the ${winner.name} slot ${winner.slot}${by}` };
      } else if (!running) {
        return { status: 'failed', reason: `${key}: superseded by ${winner.owner ?? winner.name} before it switched` };
      }
      if (this.clock.monotonicMs() > deadline) {
        const waited = Math.round((this.clock.monotonicMs() - started) / 1000);
        return { status: 'failed', reason: `${key}: no verified write after ${waited} s` };
      }
      await sleep(POLL_MS);
    }
  }

  /** Rings a sequence (by id) of a bell schedule of the command's equipment, now, through the interlocks. */
  private async ring(command: CommandV1, value: PointScalar): Promise<CommandOutcome> {
    const [equipmentId = ''] = command.pointKey.split(':');
    if (![...this.field.points.values()].some((point) => point.bound.equipmentId === equipmentId)) {
      return { status: 'refused', reason: `no equipment "${equipmentId}" on this gateway` };
    }
    if (typeof value !== 'string') {
      return { status: 'refused', reason: `ring ${JSON.stringify(value)}: expected the id of a ring sequence` };
    }
    const found = this.runtime.bellSequence(equipmentId, value);
    if (found === undefined) {
      const known = this.runtime.bellSequenceIds(equipmentId);
      return {
        status: 'refused',
        reason: `no ring sequence "${value}" for ${equipmentId} (known: ${known.length === 0 ? 'none' : known.join(', ')})`,
      };
    }
    const now = this.clock.now();
    const hour = localHourOf(now, found.timeZone) % 12;
    const started = await this.bells.ringAndWait(
      found.scheduleId,
      equipmentId,
      { key: `command:${command.id}`, at: now, sequenceId: value, dialHour: hour === 0 ? 12 : hour },
      found.sequence,
    );
    if (started === null) return { status: 'failed', reason: `ring command:${command.id} was already claimed` };
    const outcome = await started.finished;
    if (outcome.state === 'done') return { status: 'applied' };
    const reason = reportText(outcome.detail) ?? 'the ring failed';
    return outcome.refused ? { status: 'refused', reason } : { status: 'failed', reason };
  }
}

function outcomeOf(key: string, note: SwitchingNote): CommandOutcome {
  switch (note.result) {
    case 'applied':
    case 'acknowledged':
      return { status: 'applied' };
    case 'refused':
      return { status: 'refused', reason: reportText(note.reason) ?? `${key}: refused` };
    case 'mismatch':
    case 'failed':
    case 'timeout':
    case 'expired':
      return { status: 'failed', reason: reportText(`${note.result}: ${note.reason ?? key}`) ?? note.result };
  }
}
