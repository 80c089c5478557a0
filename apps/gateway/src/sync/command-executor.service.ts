import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { parsePointKey, PRIORITY_SLOTS, type PointScalar } from '@beffroi/domain';
import { localHourOf } from '@beffroi/schedule';
import {
  admitCommand,
  type CommandLedger,
  type CommandOutcome,
  type CommandResult,
  type CommandV1,
  type FinalCommandResult,
  completeCommand,
  failInterrupted,
  type LedgerEntry,
  pruneLedger,
  type ResolvedUntilV1,
} from '@beffroi/sync';
import type { ResolvedUntil } from '@beffroi/schedule';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, messageOf } from '@beffroi/runtime';
import { BellService } from '../control/bell.service';
import { type UntilRequest, UntilService } from '../control/until.service';
import { ControlService, isBellRelay, type PendingSwitch, type SwitchOutcome } from '../control/control.service';
import { FieldService } from '../field/field.service';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { ScheduleRuntime } from '../schedule/schedule-runtime.service';
import { CommandLedgerEntity } from '../store/command-ledger.entity';
import { CentralClock } from './central-clock.service';
import { OutboxService } from './outbox.service';
import { reportText } from './report-messages';

/** Finished commands are remembered this long past their deadline (a later copy is reported expired anyway). */
const LEDGER_KEEP_MS = 7 * 24 * 3_600_000;

/**
 * Runs central's commands (docs/architecture.md "Sync"): each id is admitted once with libs/sync `admitCommand` against a ledger
 * kept in SQLite — the `running` row is committed before anything moves, so a command delivered twice, or again
 * after a restart, never runs twice (a finished one is answered with its recorded result). A command past its
 * `notAfter` on central's clock (the gateway's corrected by the measured skew) is reported expired and never run.
 * The result is the switching the command causes, as the control layer returns it: `applied`, `failed` (mismatch,
 * timeout, superseded before it switched), or `refused` (lock-out, interlock, unknown point) — queued in the outbox
 * (class `commandResult`) with the ledger row, in one transaction. A command the minimum on/off time holds is first
 * reported `held` with the instant it applies (not final: the ledger row stays running), then with its final result.
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
    private readonly until: UntilService,
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
          : { status: 'done', notAfter: row.notAfter, result: JSON.parse(row.resultJson) as FinalCommandResult },
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
      this.logger.error(`command ${command.id} failed unexpectedly: ${messageOf(error)}`);
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
        reason: `not executed: cannot record it (${messageOf(error)})`,
      });
      return;
    }
    let outcome: CommandOutcome;
    try {
      outcome = await this.execute(command);
    } catch (error) {
      outcome = { status: 'failed', reason: reportText(messageOf(error)) ?? 'failed' };
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
  private async finish(result: FinalCommandResult): Promise<void> {
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
    const { pointId } = parsePointKey(command.pointKey);
    switch (command.action) {
      case 'ring':
        return this.ring(command, command.value);
      case 'switch':
      case 'override-until':
        if (isBellRelay(pointId)) {
          return {
            status: 'refused',
            reason: `${command.pointKey} is a bell relay: bells ring by "ring" commands, through the interlocks`,
          };
        }
        return this.switchOutput(
          command,
          command.value,
          command.action === 'override-until'
            ? { until: this.centralClock.toGatewayTime(new Date(command.until)).toISOString() }
            : { until: command.until, permanent: command.permanent },
        );
      case 'release':
        return this.release(command);
      case 'force-lift-lockout':
        return this.forceLift(command, command.by);
    }
  }

  /**
   * Manual slot 10, owner `command:<id>`, until the end the request resolves to on this gateway (by default the
   * output's next scheduled transition); the result is the switching it causes, with that end. An end that cannot be
   * resolved refuses the command.
   */
  private async switchOutput(command: CommandV1, value: PointScalar, request: UntilRequest): Promise<CommandOutcome> {
    let resolved: ResolvedUntil;
    try {
      resolved = this.until.resolve(command.pointKey, request);
    } catch (error) {
      if (error instanceof GatewayException)
        return { status: 'refused', reason: reportText(error.message) ?? 'refused' };
      throw error;
    }
    const until = { form: resolved.form, at: resolved.until?.toISOString() ?? null };
    const entry = {
      value,
      owner: `command:${command.id}`,
      setAt: this.clock.now().toISOString(),
      ...(until.at === null ? {} : { expiresAt: until.at }),
      until: resolved.form,
    };
    const outcome = await this.outcome(command, () =>
      this.control.command(
        command.pointKey,
        PRIORITY_SLOTS.manual,
        entry,
        'one-off',
        undefined,
        this.options(command, until),
      ),
    );
    return outcome.status === 'applied' ? { ...outcome, until } : outcome;
  }

  /** Empties the manual slot; the result is the switching to what lies underneath (none if the output shows it). */
  private async release(command: CommandV1): Promise<CommandOutcome> {
    const key = command.pointKey;
    const lock = this.control.lockOutOf(key);
    if (lock !== undefined) {
      return { status: 'refused', reason: `${key}: locked out for maintenance by ${lock.owner} since ${lock.setAt}` };
    }
    return this.outcome(command, () =>
      this.control.release(key, PRIORITY_SLOTS.manual, undefined, this.options(command)),
    );
  }

  /** Lifts the lock-out whoever holds it (central allows this to syndicate admins only); recorded by ControlService. */
  private async forceLift(command: CommandV1, by: string): Promise<CommandOutcome> {
    const key = command.pointKey;
    const lock = this.control.lockOutOf(key);
    try {
      await this.control.liftLockOut(key, { force: true, by });
    } catch (error) {
      if (error instanceof GatewayException)
        return { status: 'refused', reason: reportText(error.message) ?? 'refused' };
      throw error;
    }
    return {
      status: 'applied',
      reason:
        lock === undefined
          ? `${key} was not locked out`
          : (reportText(`${key}: lock-out of ${lock.owner} lifted by force by ${by}`) ?? 'lifted'),
    };
  }

  /** Reports a hold (`held`, with the instant it applies) as it happens; the deadline is the command's own. */
  private options(command: CommandV1, until?: ResolvedUntilV1) {
    return {
      notAfter: this.centralClock.toGatewayTime(new Date(command.notAfter)),
      onHeld: (applyAt: Date) => {
        const held: CommandResult = {
          commandId: command.id,
          status: 'held',
          applyAt: applyAt.toISOString(),
          reason: `${command.pointKey}: held by the minimum on/off time; switches at ${applyAt.toISOString()}`,
          at: this.clock.now().toISOString(),
          ...(until === undefined ? {} : { until }),
        };
        this.logger.log(`command ${command.id} (${command.action} ${command.pointKey}): held until ${held.applyAt}`);
        this.outbox.append({ class: 'commandResult', payload: held }).catch((error: unknown) => {
          this.logger.error(`cannot queue the hold of command ${command.id}: ${messageOf(error)}`);
        });
      },
    };
  }

  /** The request's outcome as the command's; a request the control layer refuses outright is refused. */
  private async outcome(command: CommandV1, request: () => Promise<PendingSwitch>): Promise<CommandOutcome> {
    let pending: PendingSwitch;
    try {
      pending = await request();
    } catch (error) {
      if (!(error instanceof GatewayException)) throw error;
      const reason = reportText(error.message) ?? error.code;
      // A value the point can never take fails the command (not tried); anything else refuses it.
      return error.code === GatewayExceptionCode.InvalidValue
        ? { status: 'failed', reason }
        : { status: 'refused', reason };
    }
    return commandOutcomeOf(command.pointKey, await pending.outcome);
  }

  /** Rings a sequence (by id) of a bell schedule of the command's equipment, now, through the interlocks. */
  private async ring(command: CommandV1, value: PointScalar): Promise<CommandOutcome> {
    const { equipmentId } = parsePointKey(command.pointKey);
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

function commandOutcomeOf(key: string, outcome: SwitchOutcome): CommandOutcome {
  switch (outcome.status) {
    case 'applied':
      return outcome.reason === undefined ? { status: 'applied' } : { status: 'applied', reason: outcome.reason };
    case 'refused':
      return { status: 'refused', reason: reportText(outcome.reason) ?? `${key}: refused` };
    case 'failed':
      return { status: 'failed', reason: reportText(outcome.reason) ?? `${key}: failed` };
  }
}
