import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BoundPoint, FieldDriver, PointSample } from '@beffroi/fieldbus';
import { filter, type Subscription } from 'rxjs';
import { Clock, machineClock, type Timer } from '@beffroi/runtime';
import { FieldService, type GatewayPoint } from '../field/field.service';
import { PointStore } from './point-store.service';

/** How many of a group's last periods {@link PollGroupStats.recentMissed} looks at. */
export const RECENT_PERIODS = 10;
/** A poll that starts more than this share of its period after the period began is late. */
const LATE_SHARE = 0.1;

/** One group of points of a bus polled together at one period. */
interface PollGroup {
  driver: FieldDriver;
  periodMs: number;
  points: readonly BoundPoint[];
  timer?: Timer;
  /** Its points were all removed (an equipment unbound): it is polled no more. */
  stopped?: boolean;
  running: boolean;
  /** Monotonic time at which period 0 began; period `k` spans `[armedAt + k·period, armedAt + (k+1)·period)`. */
  armedAt: number;
  /** Index of the last period a poll started in (-1: none yet). */
  lastRead: number;
  /** Periods in which a poll started. */
  read: number;
  /** Polls that started late in their period. */
  late: number;
  /** Indices of the last periods read, oldest first: the last {@link RECENT_PERIODS} that ended and the current one. */
  recentReads: number[];
  /** Monotonic time at which the last completed poll started (its values are at most this old). */
  lastPollStartedAt?: number;
}

/** What `/health` says about one poll group: every period is accounted for, read or missed. */
export interface PollGroupStats {
  busId: string;
  periodMs: number;
  points: number;
  /** Periods begun since the group was armed (the current one included). */
  due: number;
  /** Periods in which a poll of the group started. */
  done: number;
  /** Periods that ended without a poll: the previous poll still ran, or the gateway was too busy to start one. */
  missed: number;
  /** Polls that started more than a tenth of their period after the period began. */
  late: number;
  /** Periods missed among the last {@link RECENT_PERIODS} that ended. */
  recentMissed: number;
  /** Age of the group's oldest value: since the start of its last completed poll; null before the first one. */
  oldestValueAgeMs: number | null;
}

/**
 * Polls each bus at each point's period: the points of a bus sharing a period form one group, read in one call (the
 * driver plans the requests). Each group's periods are fixed slots of the machine's monotonic time (the field's
 * cadence, whatever the gateway's clock says: see {@link machineClock}) from the moment it is armed; a poll starts at
 * the beginning of each slot. A group whose previous poll is still running skips its slot, so a bus that cannot keep up
 * never builds a backlog, and a slot in which no poll started (skipped, or the gateway was too busy for the timer to
 * fire in time) is counted as missed — nothing is lost from the count because a timer was late. Every group of a bus is
 * also polled as soon as its link comes up — the first poll after start waits for it, and after an outage no group,
 * however slow, keeps showing the bus as not connected until its next period. Values
 * pushed by the equipment (OPC UA) go straight to the store.
 */
@Injectable()
export class PollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PollerService.name);
  private readonly groups: PollGroup[] = [];
  private readonly subscriptions: Subscription[] = [];
  private stopped = false;

  constructor(
    private readonly field: FieldService,
    private readonly store: PointStore,
    private readonly clock: Clock,
  ) {
    this.groups = this.groupsOf([...field.points.values()]);
  }

  /** The poll groups of these points: one per bus and period. */
  private groupsOf(points: readonly GatewayPoint[]): PollGroup[] {
    const byDriverAndPeriod = new Map<string, PollGroup>();
    for (const point of points) {
      if (!point.polled) continue;
      const driver = this.field.driverOf(point);
      const key = `${point.busId}/${point.bound.periodMs}`;
      let group = byDriverAndPeriod.get(key);
      if (!group) {
        group = {
          driver,
          periodMs: point.bound.periodMs,
          points: [],
          running: false,
          armedAt: 0,
          lastRead: -1,
          read: 0,
          late: 0,
          recentReads: [],
        };
        byDriverAndPeriod.set(key, group);
      }
      (group.points as BoundPoint[]).push(point.bound);
    }
    return [...byDriverAndPeriod.values()];
  }

  /**
   * Starts polling points added while the gateway runs (an equipment bound by commissioning), in groups of their own
   * armed now: the groups already polled keep their slots and their accounting. A new bus's values pushed by the
   * equipment go to the store, and its groups are polled as soon as its link comes up, like those armed at start.
   */
  track(points: readonly GatewayPoint[], newDriver?: FieldDriver): void {
    if (this.stopped) return;
    const groups = this.groupsOf(points);
    const armedAt = machineClock.monotonicMs();
    for (const group of groups) {
      this.groups.push(group);
      group.armedAt = armedAt;
      this.arm(group, 1);
    }
    if (newDriver !== undefined) this.follow(newDriver, groups);
    else for (const group of groups) void this.poll(group, 0, false);
  }

  /** Stops polling points removed while the gateway runs (an equipment unbound); groups left empty are dropped. */
  untrack(keys: ReadonlySet<string>): void {
    for (const group of [...this.groups]) {
      const kept = group.points.filter((point) => !keys.has(point.key));
      if (kept.length === group.points.length) continue;
      group.points = kept;
      if (kept.length > 0) continue;
      group.timer?.cancel();
      group.stopped = true;
      this.groups.splice(this.groups.indexOf(group), 1);
    }
  }

  onApplicationBootstrap(): void {
    const armedAt = machineClock.monotonicMs();
    for (const group of this.groups) {
      group.armedAt = armedAt;
      this.arm(group, 1);
    }
    for (const driver of this.field.drivers.values()) {
      this.follow(
        driver,
        this.groups.filter((group) => group.driver === driver),
      );
    }
    this.logger.log(`${this.groups.length} poll groups armed`);
  }

  /** Values a driver pushes go to the store; its groups are polled as soon as its link comes up. */
  private follow(driver: FieldDriver, groups: readonly PollGroup[]): void {
    this.subscriptions.push(driver.changes$.subscribe((sample) => this.store.update([this.onGatewayTime(sample)])));
    if (groups.length === 0) return;
    this.subscriptions.push(
      driver.link$.pipe(filter((link) => link === 'connected')).subscribe(() => {
        for (const group of groups)
          if (!group.running && group.stopped !== true) void this.poll(group, this.periodAt(group), false);
      }),
    );
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const group of this.groups) group.timer?.cancel();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Poll accounting per group, for health, the bus alarm and benchmarks. */
  stats(): PollGroupStats[] {
    const now = machineClock.monotonicMs();
    return this.groups.map((g) => {
      const current = this.periodAt(g, now);
      const readBefore = g.read - (g.lastRead === current ? 1 : 0);
      const windowStart = Math.max(0, current - RECENT_PERIODS);
      const recentRead = g.recentReads.filter((period) => period >= windowStart && period < current).length;
      return {
        busId: g.driver.busId,
        periodMs: g.periodMs,
        points: g.points.length,
        due: current + 1,
        done: g.read,
        missed: current - readBefore,
        late: g.late,
        recentMissed: current - windowStart - recentRead,
        oldestValueAgeMs: g.lastPollStartedAt === undefined ? null : Math.round(now - g.lastPollStartedAt),
      };
    });
  }

  /** The index of the period of `group` under way at monotonic time `now`. */
  /** A sample of the field layer (stamped on the machine's clock) stamped on the gateway's clock instead. */
  private onGatewayTime(sample: PointSample): PointSample {
    return {
      ...sample,
      receivedAt: this.clock.fromSystemTime(sample.receivedAt),
      ...(sample.observedAt === undefined ? {} : { observedAt: this.clock.fromSystemTime(sample.observedAt) }),
    };
  }

  private periodAt(group: PollGroup, now = machineClock.monotonicMs()): number {
    return Math.max(0, Math.floor((now - group.armedAt) / group.periodMs));
  }

  /** Starts the timer of `group` for the beginning of period `period`. */
  private arm(group: PollGroup, period: number): void {
    if (this.stopped) return;
    const delay = group.armedAt + period * group.periodMs - machineClock.monotonicMs();
    group.timer = machineClock.setTimeout(() => this.tick(group, period), Math.max(0, delay));
  }

  /** The timer of `period`: polls unless the previous poll still runs, then arms the next period to come. */
  private tick(group: PollGroup, period: number): void {
    if (group.stopped === true) return;
    // A timer may fire a fraction of a millisecond before its slot by the monotonic clock: it is still that slot's.
    const current = Math.max(period, this.periodAt(group));
    if (!group.running) void this.poll(group, current, true);
    this.arm(group, current + 1);
  }

  private async poll(group: PollGroup, period: number, onTime: boolean): Promise<void> {
    if (group.running) return;
    group.running = true;
    const startedAt = machineClock.monotonicMs();
    if (period > group.lastRead) {
      group.lastRead = period;
      group.read++;
      group.recentReads.push(period);
      if (group.recentReads.length > RECENT_PERIODS + 1) group.recentReads.shift();
      const lateBy = startedAt - (group.armedAt + period * group.periodMs);
      if (onTime && lateBy > group.periodMs * LATE_SHARE) group.late++;
    }
    try {
      this.store.update((await group.driver.read(group.points)).map((sample) => this.onGatewayTime(sample)));
      group.lastPollStartedAt = startedAt;
    } finally {
      group.running = false;
    }
  }
}
