import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock, messageOf, type Timer } from '@beffroi/runtime';
import { LocalApiTransport } from '../access/local-tls';
import { equipmentHealth } from '../alarms/equipment-health';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { CentralClock } from './central-clock.service';
import { OutboxService } from './outbox.service';

/**
 * The gateway's own state for central: a `health` message at boot, every `healthInterval` and within a second of an
 * equipment going online or offline (equipment online,
 * outbox sizes, clock offset, the sites of its config, its local API's TLS fingerprint). Health is not produced while the outbox already holds its
 * quota of health messages: over a long outage the older ones say enough. (An equipment going offline is an alarm:
 * see AlarmMonitor.)
 */
/** How often the equipment's online states are compared with the last report's. */
const ONLINE_CHECK_MS = 1000;

/** The online state of each equipment, as one comparable text. */
function onlineSignature(equipment: Record<string, { online: boolean }>): string {
  return Object.entries(equipment)
    .map(([id, health]) => `${id}:${health.online ? 1 : 0}`)
    .join(',');
}

@Injectable()
export class HealthReporter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthReporter.name);
  private healthTimer: Timer | undefined;
  private changeTimer: Timer | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Which equipment was online in the last report, to report again as soon as that changes. */
  private reportedOnline: string | undefined;

  constructor(
    private readonly field: FieldService,
    private readonly outbox: OutboxService,
    private readonly centralClock: CentralClock,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
    private readonly transport: LocalApiTransport,
  ) {}

  onApplicationBootstrap(): void {
    const central = this.loaded.config.central;
    if (central === undefined) return;
    // One at boot, so central knows the sites and equipment without waiting for the first interval.
    this.serially(() => this.report());
    this.healthTimer = this.clock.setInterval(() => this.serially(() => this.report()), central.healthInterval);
    // The boot report often finds the buses still connecting: without this, central would show every equipment
    // unreachable until the next interval (a minute by default).
    this.changeTimer = this.clock.setInterval(() => {
      if (onlineSignature(equipmentHealth(this.loaded.config, this.field)) !== this.reportedOnline) {
        this.serially(() => this.report());
      }
    }, ONLINE_CHECK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.healthTimer?.cancel();
    this.changeTimer?.cancel();
    await this.running;
  }

  private serially(job: () => Promise<void>): void {
    this.running = this.running.then(job).catch((error: unknown) => {
      this.logger.error(`cannot queue health for central: ${messageOf(error)}`);
    });
  }

  private async report(): Promise<void> {
    const central = this.loaded.config.central;
    if (central === undefined) return;
    const sizes = this.outbox.sizes();
    if (sizes.health >= central.outbox.health) return;
    const offset = this.centralClock.offsetMs();
    const equipment = equipmentHealth(this.loaded.config, this.field);
    this.reportedOnline = onlineSignature(equipment);
    await this.outbox.append({
      class: 'health',
      payload: {
        at: this.clock.now().toISOString(),
        equipment,
        outbox: sizes,
        ...(offset === undefined ? {} : { clockOffsetMs: offset }),
        sites: this.loaded.config.sites,
        localApi: this.transport.describe(),
      },
    });
  }
}
