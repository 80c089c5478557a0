import { Injectable } from '@nestjs/common';
import { bestClockSample, type ClockSample } from '@beffroi/sync';
import { Clock } from '../clock/clock';

/** Samples kept: the best of the recent ones bounds the offset most tightly while following a drifting clock. */
const KEEP = 8;

/**
 * Central's clock as the gateway knows it, from ping/pong exchanges (libs/sync `clockSample`). Reported in health and
 * used only where central's time is the reference — a command's `notAfter` — never to order anything.
 */
@Injectable()
export class CentralClock {
  private samples: ClockSample[] = [];

  constructor(private readonly clock: Clock) {}

  add(sample: ClockSample): void {
    this.samples = [...this.samples.slice(1 - KEEP), sample];
  }

  /** Central's clock minus the gateway's, in milliseconds, once measured. */
  offsetMs(): number | undefined {
    const best = bestClockSample(this.samples);
    return best === undefined ? undefined : Math.round(best.offsetMs);
  }

  /** Central's time now, as well as the gateway can tell (its own clock until an offset is measured). */
  now(): Date {
    return new Date(this.clock.now().getTime() + (this.offsetMs() ?? 0));
  }
}
