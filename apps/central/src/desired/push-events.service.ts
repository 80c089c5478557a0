import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { EventBus } from '../events.service';
import { PushService } from './push.service';

/**
 * Pushes progress live: when a gateway applies a desired version, refuses part of it, comes online or goes offline
 * (`desired` and `gateway` events), the targets of its latest pushes are announced again as `push` events, each with
 * its state (`applied`, `refused` with the reason, `pending`, `offline`…), so a console follows a push without polling.
 */
@Injectable()
export class PushEvents implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PushEvents.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly events: EventBus,
    private readonly pushes: PushService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events.all().subscribe((event) => {
      if (event.type !== 'desired' && event.type !== 'gateway') return;
      this.pushes.announceGateway(event.gatewayId).catch((error: unknown) => {
        this.logger.error(`${event.gatewayId}: push progress not announced: ${String(error)}`);
      });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
