import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type AlarmCondition,
  DEFAULT_SLOT,
  evaluateAlarm,
  heldLongEnough,
  type PointScalar,
  type Profile,
} from '@beffroi/domain';
import { pointKey } from '@beffroi/fieldbus';
import { Clock, machineClock, messageOf, type Timer } from '@beffroi/runtime';
import { ControlService } from '../control/control.service';
import { FieldService, type GatewayPoint } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { PointStore } from '../points/point-store.service';
import { AlarmService } from './alarm.service';
import { equipmentHealth } from './equipment-health';

/** How often conditions, equipment and feedbacks are looked at. */
const CHECK_MS = 250;
/** An equipment must stay offline (or back online) this long before its alarm is raised (or cleared). */
const EQUIPMENT_CONFIRM_MS = 3000;
/**
 * A feedback may disagree with its output for the profile's `feedbackDelay`, plus the feedback point's poll period
 * (the reading that shows the change may come that much later), plus this margin, before the mismatch is an alarm.
 */
const FEEDBACK_MARGIN_MS = 1000;

/** A profile's alarm condition on one point of one equipment. */
interface WatchedCondition {
  key: string;
  equipmentId: string;
  pointId: string;
  condition: AlarmCondition;
}

/** An output with a feedback point, and how long its feedback may lag. */
interface WatchedFeedback {
  point: GatewayPoint;
  feedbackKey: string;
  allowedMs: number;
}

/** The alarm key of output `key`'s feedback mismatch. */
function feedbackMismatchKey(key: string): string {
  return `feedback-mismatch:${key}`;
}

function describeValue(value: PointScalar): string {
  if (typeof value === 'boolean') return value ? 'marche' : 'arrêt';
  return String(value);
}

/**
 * Watches the field and raises or clears the gateway's alarms ({@link AlarmService}):
 * - each alarm condition of the profiles (`alarms[]`), on good readings of its point, once it has held for its
 *   `delay` (gateway wall-clock time, so an adjustable clock moves it too); cleared on the first good reading where
 *   it no longer holds. A point that cannot be read leaves its alarm as it is.
 * - `equipment:<id>` when an equipment is offline (its bus down or its unit not answering) for 3 s, cleared once it
 *   has answered again for 3 s.
 * - `feedback-mismatch:<output>` when an output's feedback shows something else than the output's arbitrated value
 *   (the winner of its priority array) for longer than its profile's `feedbackDelay` plus the feedback's poll period
 *   plus {@link FEEDBACK_MARGIN_MS}, while no switching of it runs. The output is then written again, once; the
 *   alarm clears when the feedback agrees. An output whose array holds nothing but its default and that was never
 *   written is left alone: nothing decided its value.
 * Alarms of conditions, equipment or feedbacks the config no longer has are cleared at start (and when commissioning
 * unbinds an equipment).
 */
@Injectable()
export class AlarmMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlarmMonitor.name);
  private readonly conditions: WatchedCondition[] = [];
  private readonly feedbacks = new Map<string, WatchedFeedback>();
  private timer: Timer | undefined;
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  /** Conditions holding, not raised yet: since when (gateway wall-clock time). */
  private readonly holdingSince = new Map<string, Date>();
  /** Equipment whose state differs from its alarm, and feedbacks that disagree: since when (monotonic ms). */
  private readonly pendingSince = new Map<string, number>();

  constructor(
    private readonly alarms: AlarmService,
    private readonly control: ControlService,
    private readonly field: FieldService,
    private readonly store: PointStore,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {
    const profileOf = new Map<string, Profile>();
    for (const equipment of loaded.config.buses.flatMap((bus) => bus.equipment)) {
      const profile = loaded.profiles.get(equipment.profile);
      if (profile === undefined) continue;
      profileOf.set(equipment.id, profile);
      this.watchConditions(equipment.id, profile);
    }
    for (const [key, point] of field.points) this.watchFeedback(key, point, profileOf.get(point.bound.equipmentId));
  }

  /**
   * Equipment bound while the gateway runs (commissioning): the alarm conditions of its profile and the feedbacks of
   * its commands are watched from now on, like those of the config at start.
   */
  watch(equipmentId: string): void {
    const equipment = this.loaded.config.buses.flatMap((bus) => bus.equipment).find((e) => e.id === equipmentId);
    const profile = equipment === undefined ? undefined : this.loaded.profiles.get(equipment.profile);
    if (profile === undefined) return;
    this.watchConditions(equipmentId, profile);
    for (const [key, point] of this.field.points) {
      if (point.bound.equipmentId === equipmentId) this.watchFeedback(key, point, profile);
    }
  }

  /** Equipment unbound while the gateway runs: no longer watched, and its alarms cleared as no longer configured. */
  unwatch(equipmentId: string): void {
    const kept = this.conditions.filter((watched) => watched.equipmentId !== equipmentId);
    this.conditions.splice(0, this.conditions.length, ...kept);
    for (const [key, watched] of this.feedbacks) {
      if (watched.point.bound.equipmentId === equipmentId) this.feedbacks.delete(key);
    }
    void this.serially(() => this.clearUndeclared());
  }

  private watchConditions(equipmentId: string, profile: Profile): void {
    for (const condition of profile.alarms) {
      const key = pointKey(equipmentId, condition.point);
      this.conditions.push({ key, equipmentId, pointId: condition.point, condition });
    }
  }

  private watchFeedback(key: string, point: GatewayPoint, profile: Profile | undefined): void {
    const feedback = point.feedbackKey === undefined ? undefined : this.field.points.get(point.feedbackKey);
    if (feedback === undefined || profile === undefined) return;
    this.feedbacks.set(key, {
      point,
      feedbackKey: feedback.bound.key,
      allowedMs: profile.feedbackDelay + feedback.bound.periodMs + FEEDBACK_MARGIN_MS,
    });
  }

  onApplicationBootstrap(): void {
    void this.serially(() => this.clearUndeclared());
    this.timer = this.clock.setInterval(() => (this.busy ? undefined : this.serially(() => this.check())), CHECK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.timer?.cancel();
    await this.running;
  }

  /** Queues `job` after the one under way; resolves once it ran (a manual clock's advance waits for it). */
  private serially(job: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.running = this.running
      .then(job)
      .catch((error: unknown) => {
        this.logger.error(`cannot update the alarms: ${messageOf(error)}`);
      })
      .finally(() => {
        this.busy = false;
      });
    return this.running;
  }

  private async clearUndeclared(): Promise<void> {
    const declared = new Set([
      ...this.conditions.map((c) => c.key),
      ...Object.keys(equipmentHealth(this.loaded.config, this.field)).map((id) => `equipment:${id}`),
      ...[...this.feedbacks.keys()].map(feedbackMismatchKey),
    ]);
    const gone = ['condition', 'equipment-offline', 'feedback-mismatch'] as const;
    for (const key of gone.flatMap((source) => this.alarms.activeKeys(source))) {
      if (!declared.has(key)) await this.alarms.clear(key, `${key}: no longer in the configuration`);
    }
  }

  private async check(): Promise<void> {
    await this.checkConditions();
    await this.checkEquipment();
    await this.checkFeedbacks();
  }

  private async checkConditions(): Promise<void> {
    const now = this.clock.now();
    for (const watched of this.conditions) {
      const reading = this.store.get(watched.key);
      if (reading?.quality.status !== 'good' || reading.value === null) continue;
      const evaluation = evaluateAlarm(watched.condition, reading.value, this.holdingSince.get(watched.key), now);
      if (evaluation.since === undefined) this.holdingSince.delete(watched.key);
      else this.holdingSince.set(watched.key, evaluation.since);
      if (evaluation.active) {
        await this.alarms.raise({
          key: watched.key,
          source: 'condition',
          severity: watched.condition.severity,
          message: watched.condition.message,
          equipmentId: watched.equipmentId,
          pointId: watched.pointId,
        });
      } else if (!evaluation.holding) {
        await this.alarms.clear(watched.key);
      }
    }
  }

  private async checkEquipment(): Promise<void> {
    for (const [id, health] of Object.entries(equipmentHealth(this.loaded.config, this.field))) {
      const key = `equipment:${id}`;
      if (health.online !== this.alarms.isActive(key)) {
        this.pendingSince.delete(key);
        continue;
      }
      if (!this.confirmed(key, EQUIPMENT_CONFIRM_MS)) continue;
      if (health.online) {
        await this.alarms.clear(key, `${id} answers again`);
      } else {
        await this.alarms.raise({
          key,
          source: 'equipment-offline',
          severity: 'critical',
          message: `${id} is offline: ${health.reason ?? ''}`,
          equipmentId: id,
        });
      }
    }
  }

  private async checkFeedbacks(): Promise<void> {
    for (const { key } of this.control.list()) {
      const watched = this.feedbacks.get(key);
      if (watched === undefined) continue;
      const alarmKey = feedbackMismatchKey(key);
      const state = this.control.state(key);
      const seen = this.store.get(watched.feedbackKey);
      // An output nothing decided yet (its array only holds the default, never written) is not the gateway's to check.
      const undecided = state.winner.slot === DEFAULT_SLOT && state.applied === undefined;
      if (undecided || state.running || seen?.quality.status !== 'good' || seen.value === null) {
        this.pendingSince.delete(alarmKey);
        continue;
      }
      const commanded = state.winner.value;
      if (seen.value === commanded) {
        this.pendingSince.delete(alarmKey);
        await this.alarms.clear(alarmKey);
        continue;
      }
      if (this.alarms.isActive(alarmKey) || !this.confirmed(alarmKey, watched.allowedMs)) continue;
      const { definition, equipmentId } = watched.point.bound;
      await this.alarms.raise({
        key: alarmKey,
        source: 'feedback-mismatch',
        severity: 'warning',
        message:
          `Le retour d'état ne suit pas la commande : ${equipmentId}, ${definition.name ?? definition.id} ` +
          `commandé ${describeValue(commanded)}, retour d'état ${describeValue(seen.value)}`,
        equipmentId,
        pointId: definition.id,
        details: { commanded, seen: seen.value, feedbackKey: watched.feedbackKey },
      });
      this.control.reassert(key);
    }
  }

  /**
   * Whether the state pending under `key` has lasted `ms`, starting its count if new. Counted on the machine's
   * monotonic time: what is confirmed (a link down, a feedback behind its command) happens on the field, whose reads
   * and time-outs run on the machine's time whatever the gateway's clock does.
   */
  private confirmed(key: string, ms: number): boolean {
    const now = machineClock.monotonicMs();
    const since = this.pendingSince.get(key) ?? now;
    this.pendingSince.set(key, since);
    if (!heldLongEnough(new Date(since), ms, new Date(now)).active) return false;
    this.pendingSince.delete(key);
    return true;
  }
}
