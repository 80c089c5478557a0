import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { parsePointKey, pointKeyOf, PRIORITY_SLOTS, type PointScalar, type PrioritySlot } from '@beffroi/domain';
import {
  addDays,
  isOn,
  localDateOf,
  localHourOf,
  nextTransition,
  planRings,
  planTransitions,
  resolveLocalTime,
  type Ring,
  type RingSequence,
  type ScheduleContext,
  stateAt,
  type SwitchValue,
} from '@beffroi/schedule';
import { Clock, messageOf, type Timer } from '@beffroi/runtime';
import { BellService } from '../control/bell.service';
import { ControlService } from '../control/control.service';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { heatingZonePoints, type LoadedSchedule } from './schedule-files';

/** How far ahead each plan looks; re-planned at every local noon well before it runs out. */
const HORIZON_MS = 26 * 3_600_000;
/** The one timer never sleeps longer than this, so a wall-clock jump is noticed within it. */
const MAX_SLEEP_MS = 5_000;
/** A difference between wall-clock and monotonic time beyond this is a wall-clock jump. */
const JUMP_THRESHOLD_MS = 2_000;

type StateSchedule = Extract<LoadedSchedule, { config: { kind: 'lighting' | 'heating' } }>;
type BellSchedule = Extract<LoadedSchedule, { config: { kind: 'bells' } }>;

type Due =
  | { readonly at: number; readonly kind: 'switch'; readonly schedule: StateSchedule; readonly value: SwitchValue }
  | { readonly at: number; readonly kind: 'ring'; readonly schedule: BellSchedule; readonly ring: Ring }
  | { readonly at: number; readonly kind: 'replan' };

/**
 * Runs the gateway's schedules. Each plan computes the transitions and rings of the next hours as instants (no cron)
 * and one timer wakes for the next of them. Plans are made at boot, at every local noon and whenever the wall clock
 * jumps; each plan first puts every schedule's current value in its slot (level-triggered: after a restart or a jump
 * the outputs are what they should be now). Rings are claimed before they play, so none is played twice; a ring
 * found due too late is recorded as missed, never played late.
 */
@Injectable()
export class ScheduleRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleRuntime.name);
  private queue: Due[] = [];
  private timer: Timer | undefined;
  /** Wall-clock minus monotonic time at the last plan: it moves only when the wall clock jumps. */
  private anchorMs = 0;
  private lastPlan: { at: Date; reason: string } | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  private booted = false;
  /** The config's schedules, with those of central's desired state in place of any of the same id. */
  private schedules: readonly LoadedSchedule[];
  private desired: readonly LoadedSchedule[] = [];

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly control: ControlService,
    private readonly bells: BellService,
    private readonly field: FieldService,
    private readonly clock: Clock,
  ) {
    this.schedules = loaded.schedules;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.booted = true;
    await this.replan('boot');
    this.arm();
  }

  /**
   * The schedules of central's desired state (already checked like the config's): they run in place of config
   * schedules of the same id. Slots that schedules no longer drive are released, then everything is re-planned (the
   * plan re-asserts what each schedule says now). Before boot this only sets what the boot plan will run.
   */
  async useDesired(desired: readonly LoadedSchedule[]): Promise<void> {
    const run = this.ticking.then(async () => {
      const before = drivenSlots(this.schedules);
      this.desired = desired;
      const ids = new Set(desired.map((schedule) => schedule.config.id));
      this.schedules = [...this.loaded.schedules.filter((schedule) => !ids.has(schedule.config.id)), ...desired];
      if (!this.booted) return;
      const after = new Set(drivenSlots(this.schedules).map(slotId));
      for (const gone of before.filter((driven) => !after.has(slotId(driven)))) {
        try {
          await this.control.release(gone.key, gone.slot, gone.owner);
        } catch (error) {
          this.logger.warn(`cannot release ${gone.key} slot ${gone.slot} of ${gone.owner}: ${messageOf(error)}`);
        }
      }
      try {
        await this.replan('desired state');
      } catch (error) {
        this.logger.error(`re-planning for the desired state failed: ${messageOf(error)}`);
      }
      this.arm();
    });
    this.ticking = run.catch(() => undefined);
    await run;
  }

  /** The desired-state schedules running now. */
  desiredSchedules(): readonly LoadedSchedule[] {
    return this.desired;
  }

  /** A ring sequence of a bell schedule of `equipmentId` (config or desired), for rings asked by central. */
  bellSequence(
    equipmentId: string,
    sequenceId: string,
  ): { scheduleId: string; sequence: RingSequence; timeZone: string } | undefined {
    for (const schedule of this.schedules) {
      if (schedule.config.kind !== 'bells' || schedule.config.equipment !== equipmentId) continue;
      const { sequences } = (schedule as BellSchedule).schedule;
      const sequence = Object.hasOwn(sequences, sequenceId) ? sequences[sequenceId] : undefined;
      if (sequence !== undefined) return { scheduleId: schedule.config.id, sequence, timeZone: schedule.site.timeZone };
    }
    return undefined;
  }

  /** Sequence ids `equipmentId`'s bell schedules define (for a refusal that names them). */
  bellSequenceIds(equipmentId: string): string[] {
    return this.schedules.flatMap((schedule) =>
      schedule.config.kind === 'bells' && schedule.config.equipment === equipmentId
        ? Object.keys((schedule as BellSchedule).schedule.sequences)
        : [],
    );
  }

  /** No new wake; the one under way finishes first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.ticking;
  }

  /** Looks at the clock now (after `PUT /clock`, rather than at the next wake). */
  async wakeNow(): Promise<void> {
    await this.tick();
  }

  status() {
    return {
      lastPlan: this.lastPlan === null ? null : { at: this.lastPlan.at.toISOString(), reason: this.lastPlan.reason },
      schedules: this.schedules.map((loaded) => ({
        id: loaded.config.id,
        kind: loaded.config.kind,
        site: loaded.site.id,
        origin: this.desired.includes(loaded) ? 'central' : 'config',
        next: this.queue
          .filter((due) => due.kind !== 'replan' && due.schedule === loaded)
          .slice(0, 10)
          .map((due) =>
            due.kind === 'ring'
              ? { at: due.ring.at.toISOString(), ring: due.ring.sequenceId }
              : { at: new Date(due.at).toISOString(), value: due.kind === 'switch' ? due.value : null },
          ),
      })),
    };
  }

  /**
   * The next transition within `horizonMs` of the schedules that drive output `key` (what `switch` lasts until by
   * default), planned as the runtime plans it; null when no schedule changes it by then.
   */
  nextTransitionOf(key: string, horizonMs: number): Date | null {
    const driving = this.schedules.filter(
      (loaded): loaded is StateSchedule =>
        loaded.config.kind !== 'bells' && drivenSlots([loaded]).some((driven) => driven.key === key),
    );
    return nextTransition(
      driving.map((loaded) => ({ schedule: loaded.schedule, site: loaded.site })),
      this.clock.now(),
      horizonMs,
      this.context(),
    );
  }

  private context(): ScheduleContext {
    return { schoolHolidays: this.loaded.schoolHolidays };
  }

  private async replan(reason: string): Promise<void> {
    const now = this.clock.now();
    this.anchorMs = now.getTime() - this.clock.monotonicMs();
    this.lastPlan = { at: now, reason };
    const until = new Date(now.getTime() + HORIZON_MS);
    const queue: Due[] = [];
    let nextNoon = Number.POSITIVE_INFINITY;
    for (const loaded of this.schedules) {
      const { site } = loaded;
      nextNoon = Math.min(nextNoon, this.nextNoon(now, site.timeZone));
      if (loaded.config.kind === 'bells') {
        const bells = loaded as BellSchedule;
        const tolerance = this.loaded.config.control.bells.lateTolerance;
        const plan = planRings(
          bells.schedule,
          site.timeZone,
          new Date(now.getTime() - tolerance),
          until,
          this.context(),
        );
        for (const skipped of plan.skipped) this.logger.warn(`${loaded.config.id}: ${skipped.message}`);
        for (const ring of plan.rings) queue.push({ at: ring.at.getTime(), kind: 'ring', schedule: bells, ring });
        continue;
      }
      const state = loaded as StateSchedule;
      const current = stateAt(state.schedule, site, now, this.context());
      if (current !== null) await this.apply(state, current.value, current.at);
      const plan = planTransitions(state.schedule, site, new Date(now.getTime() + 1), until, this.context());
      for (const skipped of plan.skipped.filter((s) => s.reason === 'programmeUnknown')) {
        this.logger.warn(`${loaded.config.id}: ${skipped.message}`);
      }
      for (const transition of plan.transitions) {
        queue.push({ at: transition.at.getTime(), kind: 'switch', schedule: state, value: transition.value });
      }
    }
    if (Number.isFinite(nextNoon)) queue.push({ at: nextNoon, kind: 'replan' });
    this.queue = queue.sort((a, b) => a.at - b.at);
    this.logger.log(`planned ${this.queue.length} events until ${until.toISOString()} (${reason})`);
  }

  private arm(): void {
    this.timer?.cancel();
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    const next = Math.min(
      this.queue[0]?.at ?? Number.POSITIVE_INFINITY,
      this.control.nextWakeAt()?.getTime() ?? Infinity,
    );
    const delay = Math.max(0, Math.min(MAX_SLEEP_MS, next - now));
    this.timer = this.clock.setTimeout(() => this.tick(), delay);
  }

  /** One wake: notice a jump, run what is due, arm the timer again. Wakes never overlap. */
  private tick(): Promise<void> {
    this.ticking = this.ticking.then(async () => {
      try {
        await this.runDue();
      } catch (error) {
        this.logger.error(`schedule wake failed: ${messageOf(error)}`);
      }
      this.arm();
    });
    return this.ticking;
  }

  private async runDue(): Promise<void> {
    const now = this.clock.now();
    const jump = now.getTime() - this.clock.monotonicMs() - this.anchorMs;
    if (Math.abs(jump) > JUMP_THRESHOLD_MS) {
      this.logger.warn(`the wall clock jumped by ${Math.round(jump / 1000)} s: re-planning`);
      await this.recordSkippedRings(now, `the wall clock moved forward by ${Math.round(jump / 1000)} s`);
      await this.replan('wall-clock jump');
    }
    while (this.queue[0] !== undefined && this.queue[0].at <= now.getTime()) {
      const due = this.queue.shift();
      if (due === undefined) break;
      switch (due.kind) {
        case 'switch':
          await this.apply(due.schedule, due.value, new Date(due.at));
          break;
        case 'ring':
          await this.ring(due.schedule, due.ring, now);
          break;
        case 'replan':
          await this.replan('local noon');
          break;
      }
    }
    this.control.wake();
  }

  /** Rings still queued that a forward jump carried beyond the tolerance: recorded as missed. */
  private async recordSkippedRings(now: Date, reason: string): Promise<void> {
    const tolerance = this.loaded.config.control.bells.lateTolerance;
    for (const due of this.queue) {
      if (due.kind === 'ring' && due.at < now.getTime() - tolerance) {
        await this.bells.missed(due.schedule.config.id, due.ring, reason);
      }
    }
  }

  private async ring(schedule: BellSchedule, ring: Ring, now: Date): Promise<void> {
    const lateMs = now.getTime() - ring.at.getTime();
    if (lateMs > this.loaded.config.control.bells.lateTolerance) {
      await this.bells.missed(schedule.config.id, ring, `due ${Math.round(lateMs / 1000)} s ago`);
      return;
    }
    const sequence = schedule.schedule.sequences[ring.sequenceId];
    if (sequence !== undefined) await this.bells.ring(schedule.config.id, schedule.config.equipment, ring, sequence);
  }

  /** Puts a schedule's value in its slot of every output it drives. */
  private async apply(loaded: StateSchedule, value: SwitchValue, since: Date): Promise<void> {
    const slot = PRIORITY_SLOTS[loaded.config.slot];
    const entry = (v: PointScalar) => ({ value: v, owner: `schedule:${loaded.config.id}`, setAt: since.toISOString() });
    if (loaded.config.kind === 'lighting') {
      for (const key of loaded.config.outputs) {
        const type = this.field.points.get(key)?.bound.definition.type;
        await this.control.command(key, slot, entry(lightingValue(value, type === 'bool')), 'standing');
      }
      return;
    }
    const { setpoints } = (loaded as Extract<StateSchedule, { config: { kind: 'heating' } }>).schedule;
    for (const zoneKey of loaded.config.zones) {
      const { equipmentId, pointId: zone } = parsePointKey(zoneKey);
      const points = heatingZonePoints(zone);
      for (const [level, pointId] of Object.entries(points.setpoints)) {
        await this.control.command(
          pointKeyOf(equipmentId, pointId),
          slot,
          entry(setpoints[level as keyof typeof setpoints]),
          'standing',
        );
      }
      await this.control.command(pointKeyOf(equipmentId, points.mode), slot, entry(value), 'standing', 'frost');
    }
  }

  /** The next local noon in `timeZone` after `now`. */
  private nextNoon(now: Date, timeZone: string): number {
    const today = localDateOf(now, timeZone);
    const date = localHourOf(now, timeZone) >= 12 ? addDays(today, 1) : today;
    return resolveLocalTime(date, 12, 0, 0, timeZone).instant.getTime();
  }
}

/** A priority slot a state schedule fills on one output. */
interface DrivenSlot {
  readonly key: string;
  readonly slot: PrioritySlot;
  readonly owner: string;
}

function slotId(driven: DrivenSlot): string {
  return `${driven.key}/${driven.slot}/${driven.owner}`;
}

/** Every slot the lighting and heating schedules fill (bells fill none). */
function drivenSlots(schedules: readonly LoadedSchedule[]): DrivenSlot[] {
  return schedules.flatMap((loaded): DrivenSlot[] => {
    const owner = `schedule:${loaded.config.id}`;
    switch (loaded.config.kind) {
      case 'bells':
        return [];
      case 'lighting': {
        const slot = PRIORITY_SLOTS[loaded.config.slot];
        return loaded.config.outputs.map((key) => ({ key, slot, owner }));
      }
      case 'heating': {
        const slot = PRIORITY_SLOTS[loaded.config.slot];
        return loaded.config.zones.flatMap((zoneKey) => {
          const { equipmentId, pointId: zone } = parsePointKey(zoneKey);
          const points = heatingZonePoints(zone);
          return [points.mode, ...Object.values(points.setpoints)].map((pointId) => ({
            key: pointKeyOf(equipmentId, pointId),
            slot,
            owner,
          }));
        });
      }
    }
  });
}

/** A lighting value for an on/off output (`true` for any level above 0) or a level output (on = 100 %). */
function lightingValue(value: SwitchValue, onOff: boolean): PointScalar {
  if (onOff) return isOn(value);
  if (typeof value === 'boolean') return value ? 100 : 0;
  return value;
}
