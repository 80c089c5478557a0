import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock, messageOf, type Timer } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';
import { PollerService, type PollGroupStats, RECENT_PERIODS } from '../points/poller.service';
import { AlarmService } from './alarm.service';

/** How often the poll accounting is looked at. */
const CHECK_MS = 1000;
/** A bus is behind when one of its groups missed this many of its last {@link RECENT_PERIODS} periods. */
export const BEHIND_MISSED = 3;

/** The alarm key of bus `busId`'s polls falling behind. */
export function pollingOverrunKey(busId: string): string {
  return `polling-overrun:${busId}`;
}

/**
 * Raises `polling-overrun:<bus>` (warning) when a poll group of the bus missed {@link BEHIND_MISSED} or more of its
 * last {@link RECENT_PERIODS} periods (the bus, or the gateway, cannot keep up with the configured periods: values
 * are older than their period says), and clears it once each group that was behind has read all of its last
 * {@link RECENT_PERIODS} periods and no other group is behind. Alarms of buses the config no longer has are cleared
 * at start.
 */
@Injectable()
export class PollingMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PollingMonitor.name);
  private timer: Timer | undefined;
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  /** Groups (`bus/period`) that were behind and have not read all their last periods since. */
  private readonly behind = new Set<string>();

  constructor(
    private readonly alarms: AlarmService,
    private readonly poller: PollerService,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {}

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
        this.logger.error(`cannot update the polling alarms: ${messageOf(error)}`);
      })
      .finally(() => {
        this.busy = false;
      });
    return this.running;
  }

  private async clearUndeclared(): Promise<void> {
    const declared = new Set(this.loaded.config.buses.map((bus) => pollingOverrunKey(bus.id)));
    for (const key of this.alarms.activeKeys('polling-overrun')) {
      if (!declared.has(key)) await this.alarms.clear(key, `${key}: no longer in the configuration`);
    }
  }

  private async check(): Promise<void> {
    const byBus = new Map<string, PollGroupStats[]>();
    for (const group of this.poller.stats()) byBus.set(group.busId, [...(byBus.get(group.busId) ?? []), group]);
    for (const [busId, groups] of byBus) {
      for (const group of groups) {
        const id = `${busId}/${group.periodMs}`;
        if (group.recentMissed >= BEHIND_MISSED) this.behind.add(id);
        else if (group.recentMissed === 0) this.behind.delete(id);
      }
      const key = pollingOverrunKey(busId);
      const worst = groups.reduce((a, b) => (b.recentMissed > a.recentMissed ? b : a));
      if (worst.recentMissed >= BEHIND_MISSED) {
        await this.alarms.raise({
          key,
          source: 'polling-overrun',
          severity: 'warning',
          message:
            `Le bus ${busId} ne suit pas ses périodes de scrutation : ${worst.recentMissed} des ` +
            `${RECENT_PERIODS} dernières périodes de ${worst.periodMs} ms manquées (${worst.points} points)`,
          equipmentId: busId,
        });
      } else if (!groups.some((group) => this.behind.has(`${busId}/${group.periodMs}`))) {
        await this.alarms.clear(key, `Le bus ${busId} suit de nouveau ses périodes de scrutation`);
      }
    }
  }
}
