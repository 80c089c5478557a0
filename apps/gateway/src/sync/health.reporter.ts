import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LocalApiTransport } from '../access/local-tls';
import { equipmentHealth } from '../alarms/equipment-health';
import { Clock } from '../clock/clock';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { CentralClock } from './central-clock.service';
import { OutboxService } from './outbox.service';

/**
 * The gateway's own state for central: a `health` message at boot and every `healthInterval` (equipment online,
 * outbox sizes, clock offset, the sites of its config, its local API's TLS fingerprint). Health is not produced while the outbox already holds its
 * quota of health messages: over a long outage the older ones say enough. (An equipment going offline is an alarm:
 * see AlarmMonitor.)
 */
@Injectable()
export class HealthReporter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthReporter.name);
  private healthTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

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
    this.healthTimer = setInterval(() => this.serially(() => this.report()), central.healthInterval);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.healthTimer);
    await this.running;
  }

  private serially(job: () => Promise<void>): void {
    this.running = this.running.then(job).catch((error: unknown) => {
      this.logger.error(`cannot queue health for central: ${(error as Error).message}`);
    });
  }

  private async report(): Promise<void> {
    const central = this.loaded.config.central;
    if (central === undefined) return;
    const sizes = this.outbox.sizes();
    if (sizes.health >= central.outbox.health) return;
    const offset = this.centralClock.offsetMs();
    await this.outbox.append({
      class: 'health',
      payload: {
        at: this.clock.now().toISOString(),
        equipment: equipmentHealth(this.loaded.config, this.field),
        outbox: sizes,
        ...(offset === undefined ? {} : { clockOffsetMs: offset }),
        sites: this.loaded.config.sites,
        localApi: this.transport.describe(),
      },
    });
  }
}
