import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { PointValue } from '@beffroi/domain';
import type { OutboxMessage } from '@beffroi/sync';
import { Clock, messageOf, type Timer } from '@beffroi/runtime';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { PointStore } from '../points/point-store.service';
import { OutboxService } from './outbox.service';
import { SyncClient } from './sync-client.service';
import { type BucketReading, type BucketStep, TelemetryBuckets } from './telemetry-buckets';

/** A point's value as a telemetry message (a value JSON cannot carry is sent as a bad reading). */
export function telemetryMessage(key: string, value: PointValue): OutboxMessage {
  const finite = typeof value.value !== 'number' || Number.isFinite(value.value);
  return {
    class: 'telemetry',
    payload: {
      pointKey: key,
      value: finite ? value.value : null,
      quality: finite ? value.quality : { status: 'bad', reason: `not a finite number (${String(value.value)})` },
      ...(value.observedAt === undefined ? {} : { observedAt: value.observedAt }),
      receivedAt: value.receivedAt,
    },
  };
}

/** The reading a telemetry message carries, for the buckets: numeric values of good quality only. */
function bucketReading(message: OutboxMessage): BucketReading[] {
  if (message.class !== 'telemetry') return [];
  const { pointKey, value, quality, observedAt, receivedAt } = message.payload;
  if (typeof value !== 'number' || quality.status !== 'good') return [];
  return [{ pointKey, at: Date.parse(observedAt ?? receivedAt), value }];
}

/** A tick queues at most this many messages, or 1.5 times its share of the points per interval if that is more. */
const MIN_TICK_BATCH = 500;

/**
 * Latest point values for central (class `telemetry`): at most one message per point per `telemetryInterval`, the
 * newest value winning. A point is sent as soon as its interval allows after it changes, and again when an interval
 * passes with no message for it, so central knows the value still holds. Over a long outage the outbox downsamples
 * telemetry (never a point's last value). A tick queues at most {@link MIN_TICK_BATCH} messages or 1.5 times its
 * share of the points: thousands of points falling due together (all of them at connection, then all again one
 * interval later) are spread over a few ticks instead of stalling the gateway, and its polls, for one. A tick looks
 * only at the points due: the points are kept in the order of their last message, so the due ones come first and
 * the first one not due ends the tick's work, however many points the gateway has.
 *
 * While central is out of reach, the numeric readings of good quality it queues are also folded into 15-minute
 * buckets ({@link TelemetryBuckets}), stored with the tick's messages; once central is reached again the open buckets
 * are closed and queued, and every point's value is sent again at once.
 */
@Injectable()
export class TelemetryReporter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TelemetryReporter.name);
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  /** Per point sent at least once: the monotonic time of its last message, oldest first. */
  private readonly sentAt = new Map<string, number>();
  /** Points never sent yet (no value so far, or not reached by a tick since the start). */
  private readonly unsent = new Set<string>();

  constructor(
    private readonly field: FieldService,
    private readonly store: PointStore,
    private readonly outbox: OutboxService,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
    private readonly sync: SyncClient,
    private readonly buckets: TelemetryBuckets,
  ) {}

  onApplicationBootstrap(): void {
    const central = this.loaded.config.central;
    if (central === undefined) return;
    const tickMs = Math.min(1000, Math.max(25, Math.floor(central.telemetryInterval / 4)));
    const limit = Math.max(
      MIN_TICK_BATCH,
      Math.ceil(((this.field.points.size * tickMs) / central.telemetryInterval) * 1.5),
    );
    for (const key of this.field.points.keys()) this.unsent.add(key);
    this.timer = this.clock.setInterval(() => this.tick(central.telemetryInterval, limit), tickMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.timer?.cancel();
    await this.running;
  }

  /** Queues the tick's messages, with the buckets their readings close while central is out of reach. */
  private async queue(messages: readonly OutboxMessage[]): Promise<void> {
    let step: BucketStep | undefined;
    if (!this.sync.connected) {
      if (messages.length === 0) return;
      step = await this.buckets.fold(messages.flatMap(bucketReading));
    } else if (await this.buckets.hasOpen()) {
      step = await this.buckets.closeAll();
      // Central was out of reach: every point's value goes again at once, whatever its interval.
      for (const key of this.field.points.keys()) this.unsent.add(key);
    }
    if (step === undefined) {
      if (messages.length > 0) await this.outbox.appendAll(messages);
      return;
    }
    await this.outbox.appendAll([...step.messages, ...messages], step.persist);
    step.commit();
  }

  private tick(intervalMs: number, limit: number): void {
    if (this.running !== undefined) return;
    const now = this.clock.monotonicMs();
    const messages: OutboxMessage[] = [];
    const sent: string[] = [];
    // Oldest message first: the first point whose interval has not passed ends the due ones.
    for (const [key, last] of this.sentAt) {
      if (messages.length >= limit || now - last < intervalMs) break;
      const value = this.store.get(key);
      if (value === undefined) continue;
      // Due: its interval has passed, whether it changed (newest value) or not (the value still holds).
      messages.push(telemetryMessage(key, value));
      sent.push(key);
    }
    for (const key of this.unsent) {
      if (messages.length >= limit) break;
      const value = this.store.get(key);
      if (value === undefined) continue;
      messages.push(telemetryMessage(key, value));
      sent.push(key);
      this.unsent.delete(key);
    }
    for (const key of sent) {
      // Deleted first, so that the key moves to the end: the map stays in the order of the messages.
      this.sentAt.delete(key);
      this.sentAt.set(key, now);
    }
    this.running = this.queue(messages)
      .catch((error: unknown) => {
        this.logger.error(`cannot queue telemetry: ${messageOf(error)}`);
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
