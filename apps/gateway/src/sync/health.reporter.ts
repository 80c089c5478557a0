import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { OutboxMessage } from '@beffroi/sync';
import { Clock } from '../clock/clock';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { CentralClock } from './central-clock.service';
import { OutboxService } from './outbox.service';
import { alarmMessage, reportText } from './report-messages';
import { SyncStateStore } from './sync-state.store';

/** Equipment alarms raised and not cleared yet, kept so a restart still clears them. */
const RAISED_KEY = 'alarms.equipment';
/** An equipment must stay offline (or back online) this long before its alarm is raised (or cleared). */
const CONFIRM_MS = 3000;
const CHECK_MS = 500;

interface EquipmentHealth {
  online: boolean;
  reason?: string;
}

/**
 * The gateway's own state for central: a `health` message at boot and every `healthInterval` (equipment online,
 * outbox sizes, clock offset, the sites of its config), and an alarm when an equipment unit goes offline or comes back (from the field layer's unit health,
 * confirmed over a few seconds so a reconnection does not flap). Health is not produced while the outbox already holds
 * its quota of health messages: over a long outage the older ones say enough.
 */
@Injectable()
export class HealthReporter implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthReporter.name);
  private healthTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Equipment whose offline alarm is raised. */
  private raised = new Set<string>();
  /** A change of state waiting for confirmation: since when (monotonic ms). */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly field: FieldService,
    private readonly outbox: OutboxService,
    private readonly state: SyncStateStore,
    private readonly centralClock: CentralClock,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.loaded.config.central === undefined) return;
    this.raised = new Set(await this.state.get<string[]>(RAISED_KEY));
  }

  onApplicationBootstrap(): void {
    const central = this.loaded.config.central;
    if (central === undefined) return;
    // One at boot, so central knows the sites and equipment without waiting for the first interval.
    this.serially(() => this.report());
    this.healthTimer = setInterval(() => this.serially(() => this.report()), central.healthInterval);
    this.checkTimer = setInterval(() => this.serially(() => this.checkEquipment()), CHECK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.healthTimer);
    clearInterval(this.checkTimer);
    await this.running;
  }

  /** Online state of every equipment now, as the field layer sees it. */
  equipment(): Record<string, EquipmentHealth> {
    const result: Record<string, EquipmentHealth> = {};
    for (const bus of this.loaded.config.buses) {
      const health = this.field.drivers.get(bus.id)?.health();
      for (const equipment of bus.equipment) {
        const offline = health?.offline.find((o) => o.equipmentId === equipment.id);
        if (health?.link !== 'connected') {
          result[equipment.id] = { online: false, reason: `bus ${bus.id} is ${health?.link ?? 'not started'}` };
        } else if (offline !== undefined) {
          result[equipment.id] = { online: false, reason: reportText(offline.reason) ?? 'not answering' };
        } else {
          result[equipment.id] = { online: true };
        }
      }
    }
    return result;
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
        equipment: this.equipment(),
        outbox: sizes,
        ...(offset === undefined ? {} : { clockOffsetMs: offset }),
        sites: this.loaded.config.sites,
      },
    });
  }

  private async checkEquipment(): Promise<void> {
    const now = this.clock.monotonicMs();
    const messages: OutboxMessage[] = [];
    for (const [id, health] of Object.entries(this.equipment())) {
      const alarmed = this.raised.has(id);
      if (health.online !== alarmed) {
        this.pending.delete(id);
        continue;
      }
      const since = this.pending.get(id) ?? now;
      this.pending.set(id, since);
      if (now - since < CONFIRM_MS) continue;
      this.pending.delete(id);
      const at = this.clock.now();
      if (health.online) {
        this.raised.delete(id);
        this.logger.log(`equipment ${id} is back online`);
        messages.push(alarmMessage(`equipment:${id}`, 'cleared', 'critical', `${id} answers again`, at));
      } else {
        this.raised.add(id);
        this.logger.warn(`equipment ${id} is offline: ${health.reason ?? ''}`);
        messages.push(
          alarmMessage(`equipment:${id}`, 'raised', 'critical', `${id} is offline: ${health.reason ?? ''}`, at),
        );
      }
    }
    if (messages.length === 0) return;
    const raised = [...this.raised].sort();
    await this.outbox.appendAll(messages, (manager) => this.state.set(RAISED_KEY, raised, manager));
  }
}
