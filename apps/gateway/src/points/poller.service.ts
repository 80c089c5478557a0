import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BoundPoint, FieldDriver } from '@beffroi/fieldbus';
import { filter, type Subscription } from 'rxjs';
import { FieldService } from '../field/field.service';
import { PointStore } from './point-store.service';

/** One group of points of a bus polled together at one period. */
interface PollGroup {
  driver: FieldDriver;
  periodMs: number;
  points: readonly BoundPoint[];
  timer?: NodeJS.Timeout;
  running: boolean;
  /** Periods skipped because the previous poll of the group had not finished: the bus cannot keep up. */
  overruns: number;
  polls: number;
}

/**
 * Polls each bus at each point's period: the points of a bus sharing a period form one group, read in one call
 * (the driver plans the requests). A group whose previous poll is still running skips its turn, so a bus that
 * cannot keep up never builds a backlog. Every group of a bus is also polled as soon as its link comes up — the
 * first poll after start waits for it, and after an outage no group, however slow, keeps showing the bus as not
 * connected until its next period. Values pushed by the equipment (OPC UA) go straight to the store.
 */
@Injectable()
export class PollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PollerService.name);
  private readonly groups: PollGroup[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly field: FieldService,
    private readonly store: PointStore,
  ) {
    const byDriverAndPeriod = new Map<string, PollGroup>();
    for (const point of field.points.values()) {
      if (!point.polled) continue;
      const driver = field.driverOf(point);
      const key = `${point.busId}/${point.bound.periodMs}`;
      let group = byDriverAndPeriod.get(key);
      if (!group) {
        group = { driver, periodMs: point.bound.periodMs, points: [], running: false, overruns: 0, polls: 0 };
        byDriverAndPeriod.set(key, group);
      }
      (group.points as BoundPoint[]).push(point.bound);
    }
    this.groups = [...byDriverAndPeriod.values()];
  }

  onApplicationBootstrap(): void {
    for (const driver of this.field.drivers.values()) {
      this.subscriptions.push(driver.changes$.subscribe((sample) => this.store.update([sample])));
    }
    for (const group of this.groups) {
      group.timer = setInterval(() => void this.poll(group), group.periodMs);
    }
    for (const driver of this.field.drivers.values()) {
      const groups = this.groups.filter((group) => group.driver === driver);
      if (groups.length === 0) continue;
      this.subscriptions.push(
        driver.link$.pipe(filter((link) => link === 'connected')).subscribe(() => {
          for (const group of groups) if (!group.running) void this.poll(group);
        }),
      );
    }
    this.logger.log(`${this.groups.length} poll groups armed`);
  }

  onApplicationShutdown(): void {
    for (const group of this.groups) clearInterval(group.timer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Poll statistics per group, for health and benchmarks. */
  stats(): { busId: string; periodMs: number; points: number; polls: number; overruns: number }[] {
    return this.groups.map((g) => ({
      busId: g.driver.busId,
      periodMs: g.periodMs,
      points: g.points.length,
      polls: g.polls,
      overruns: g.overruns,
    }));
  }

  private async poll(group: PollGroup): Promise<void> {
    if (group.running) {
      group.overruns++;
      return;
    }
    group.running = true;
    try {
      this.store.update(await group.driver.read(group.points));
      group.polls++;
    } finally {
      group.running = false;
    }
  }
}
