import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type BellMotion, bellInterlock, type BellRelayAction } from '@beffroi/domain';
import { type Ring, ringActions, type RingSequence } from '@beffroi/schedule';
import { DataSource } from 'typeorm';
import { Clock, messageOf, type Timer } from '@beffroi/runtime';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { WriteService } from '../points/write.service';
import { BellRingEntity, type RingState } from '../store/bell-ring.entity';
import { SwitchingLog } from './switching-log.service';

const ACTION_VALIDITY_MS = 10_000;

/** The instant, sequence and dial hour of a ring: all playing needs (a planned `Ring`, or a ring asked by central). */
export type RingRequest = Pick<Ring, 'key' | 'at' | 'sequenceId' | 'dialHour'>;

/** How a ring ended: every relay action went through, or the problems (an interlock refusal, a failed write). */
export interface RingOutcome {
  readonly state: 'done' | 'failed';
  /** Some action was refused by an interlock (nothing was sent for it). */
  readonly refused: boolean;
  readonly detail: string | null;
}

/** What went wrong with one relay action. */
interface ActionProblem {
  readonly refused: boolean;
  readonly message: string;
}

interface Belfry {
  readonly motions: Map<number, BellMotion>;
  readonly safetyStops: Map<number, Timer>;
  /** Rings of one belfry play one after the other. */
  queue: Promise<void>;
}

/**
 * Plays rings on bell controllers. A ring is claimed in SQLite (its key: instant + sequence) before the first relay
 * moves, so it is never played twice. Every relay action passes the interlocks (no hammer on a swinging or settling
 * bell, at most K bells swinging) and is recorded as a switching; a swing relay is opened after `maxSwing` whatever
 * the sequence says.
 */
@Injectable()
export class BellService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(BellService.name);
  private readonly belfries = new Map<string, Belfry>();
  private stopping = false;
  /** Waits between relay actions, cut short when the gateway stops. */
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly field: FieldService,
    private readonly writer: WriteService,
    private readonly switchings: SwitchingLog,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly loaded: LoadedGatewayConfig,
  ) {}

  /**
   * Claims `ring` and queues it on `equipmentId`'s belfry. Returns false, touching nothing, when the ring was
   * already claimed (rung before a restart or before the wall clock stepped back).
   */
  async ring(scheduleId: string, equipmentId: string, ring: RingRequest, sequence: RingSequence): Promise<boolean> {
    return (await this.ringAndWait(scheduleId, equipmentId, ring, sequence)) !== null;
  }

  /**
   * Claims `ring` and queues it like {@link ring}; resolves with `null` when it was already claimed, otherwise with a
   * promise of how it ends (a remote ring command reports that).
   */
  async ringAndWait(
    scheduleId: string,
    equipmentId: string,
    ring: RingRequest,
    sequence: RingSequence,
  ): Promise<{ finished: Promise<RingOutcome> } | null> {
    if (!(await this.claim(scheduleId, ring, 'ringing'))) {
      this.logger.log(`ring ${ring.key} of ${scheduleId} was already claimed: not played again`);
      return null;
    }
    const belfry = this.belfry(equipmentId);
    const finished = belfry.queue.then(() => this.play(scheduleId, equipmentId, belfry, ring, sequence));
    belfry.queue = finished.then(
      () => undefined,
      (error: unknown) => {
        this.logger.error(`ring ${ring.key} of ${scheduleId} failed: ${messageOf(error)}`);
      },
    );
    return { finished };
  }

  /** Records a ring that came due while it could not be played (gateway down, wall clock moved forward). */
  async missed(scheduleId: string, ring: RingRequest, reason: string): Promise<void> {
    if (await this.claim(scheduleId, ring, 'missed', reason)) {
      this.logger.warn(`ring ${ring.key} of ${scheduleId} missed: ${reason}`);
    }
  }

  recent(limit: number) {
    return this.dataSource.getRepository(BellRingEntity).find({ order: { dueAt: 'DESC' }, take: limit });
  }

  /** Resolves when every queued ring has played (tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.belfries.values()].map((belfry) => belfry.queue));
  }

  /** Rings a previous run left `ringing` (stopped mid-ring) are closed as failed: they are not played again. */
  async onModuleInit(): Promise<void> {
    const result = await this.dataSource
      .getRepository(BellRingEntity)
      .update(
        { state: 'ringing' },
        { state: 'failed', finishedAt: this.clock.now().toISOString(), detail: 'gateway stopped during the ring' },
      );
    if ((result.affected ?? 0) > 0) this.logger.warn(`${result.affected ?? 0} rings interrupted by the last stop`);
  }

  /** Stops playing: rings under way end at their next step, swinging bells are stopped, and all is recorded. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await this.idle();
    for (const [equipmentId, belfry] of this.belfries) {
      for (const [bell, timer] of belfry.safetyStops) {
        timer.cancel();
        await this.act(equipmentId, belfry, bell, 'swingStop', 'safety:gateway-stopping');
      }
    }
  }

  private async claim(scheduleId: string, ring: RingRequest, state: RingState, detail?: string): Promise<boolean> {
    try {
      await this.dataSource.getRepository(BellRingEntity).insert({
        key: ring.key,
        scheduleId,
        sequenceId: ring.sequenceId,
        dueAt: ring.at.toISOString(),
        state,
        startedAt: state === 'ringing' ? this.clock.now().toISOString() : null,
        finishedAt: null,
        detail: detail ?? null,
      });
      return true;
    } catch (error) {
      if (messageOf(error).includes('UNIQUE constraint failed')) return false;
      throw error;
    }
  }

  private async play(
    scheduleId: string,
    equipmentId: string,
    belfry: Belfry,
    ring: RingRequest,
    sequence: RingSequence,
  ): Promise<RingOutcome> {
    const cause = ring.key.startsWith('command:') ? ring.key : `bells:${scheduleId}/${ring.sequenceId}`;
    const startedMs = this.clock.monotonicMs();
    const problems: ActionProblem[] = [];
    for (const action of ringActions(sequence, ring)) {
      const wait = startedMs + (action.at.getTime() - ring.at.getTime()) - this.clock.monotonicMs();
      if (wait > 0 && !this.stopping) await this.sleep(wait);
      if (this.stopping) {
        problems.push({ refused: false, message: 'gateway stopped during the ring' });
        break;
      }
      const problem = await this.act(equipmentId, belfry, action.bell, action.action, cause);
      if (problem !== null) problems.push(problem);
    }
    const outcome: RingOutcome = {
      state: problems.length === 0 ? 'done' : 'failed',
      refused: problems.some((problem) => problem.refused),
      detail: problems.length === 0 ? null : problems.map((problem) => problem.message).join('; '),
    };
    await this.dataSource.getRepository(BellRingEntity).update(ring.key, {
      state: outcome.state,
      finishedAt: this.clock.now().toISOString(),
      detail: outcome.detail,
    });
    return outcome;
  }

  /** One relay action through the interlocks; returns what went wrong, or null. */
  private async act(
    equipmentId: string,
    belfry: Belfry,
    bell: number,
    action: BellRelayAction,
    cause: string,
  ): Promise<ActionProblem | null> {
    const strike = action === 'strike';
    const key = `${equipmentId}:bell.${bell}.${strike ? 'strike' : 'swing'}`;
    const value = action !== 'swingStop';
    const now = this.clock.now();
    const limits = this.loaded.config.control.bells;
    const refusal = bellInterlock(belfry.motions, bell, action, limits, this.clock.monotonicMs());
    if (refusal !== null) {
      await this.switchings.record({ at: now, key, value, slot: 1, cause, result: 'refused', reason: refusal });
      this.logger.warn(`${key} ${action} refused: ${refusal}`);
      return { refused: true, message: `${action} bell ${bell}: ${refusal}` };
    }
    const point = this.field.points.get(key);
    if (point === undefined) return { refused: false, message: `${key}: no such point` };
    if (action === 'swingStart') this.startSwing(equipmentId, belfry, bell, cause);
    if (action === 'swingStop') this.stopSwing(belfry, bell);
    const result = await this.writer.write({
      point,
      value,
      notAfter: new Date(now.getTime() + ACTION_VALIDITY_MS),
      source: cause,
      pulse: strike,
    });
    await this.switchings.record({
      at: now,
      key,
      value,
      slot: null,
      cause,
      result: result.status,
      reason: result.reason,
      writeId: result.id,
    });
    return result.status === 'applied' || result.status === 'acknowledged'
      ? null
      : { refused: false, message: `${action} bell ${bell}: ${result.status} (${result.reason ?? ''})` };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        timer.cancel();
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Marks the bell swinging and arms its maximum-run-time stop (safety, whatever the sequence says). */
  private startSwing(equipmentId: string, belfry: Belfry, bell: number, cause: string): void {
    belfry.motions.set(bell, { swingingSince: this.clock.monotonicMs(), settlesAt: 0 });
    const { maxSwing } = this.loaded.config.control.bells;
    belfry.safetyStops.set(
      bell,
      this.clock.setTimeout(async () => {
        this.logger.warn(`${equipmentId} bell ${bell} reached its maximum swing time (${maxSwing} ms): stopping it`);
        await this.act(equipmentId, belfry, bell, 'swingStop', `safety:max-swing (${cause})`);
      }, maxSwing),
    );
  }

  private stopSwing(belfry: Belfry, bell: number): void {
    belfry.safetyStops.get(bell)?.cancel();
    belfry.safetyStops.delete(bell);
    const motion = belfry.motions.get(bell);
    if (motion === undefined || motion.swingingSince === null) return;
    belfry.motions.set(bell, {
      swingingSince: null,
      settlesAt: this.clock.monotonicMs() + this.loaded.config.control.bells.settle,
    });
  }

  private belfry(equipmentId: string): Belfry {
    let belfry = this.belfries.get(equipmentId);
    if (belfry === undefined) {
      belfry = { motions: new Map(), safetyStops: new Map(), queue: Promise.resolve() };
      this.belfries.set(equipmentId, belfry);
    }
    return belfry;
  }
}
