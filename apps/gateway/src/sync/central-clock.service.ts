import { Injectable } from '@nestjs/common';
import { bestClockSample, type ClockSample } from '@beffroi/sync';
import { Clock } from '@beffroi/runtime';

/** Samples kept: the best of the recent ones bounds the offset most tightly while following a drifting clock. */
const KEEP = 8;
/** Below this, an offset is measurement noise: instants from central are taken as they are. */
const SIGNIFICANT_OFFSET_MS = 1000;

/**
 * Central's clock as the gateway knows it, from ping/pong exchanges (libs/sync `clockSample`). Reported in health and
 * used only where central's time is the reference — a command's `notAfter`, an override's end — never to order
 * anything.
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

  /** The round trip to central of the sample the offset comes from, in milliseconds, once measured. */
  roundTripMs(): number | undefined {
    const best = bestClockSample(this.samples);
    return best === undefined ? undefined : Math.round(best.roundTripMs);
  }

  /** Central's time now, as well as the gateway can tell (its own clock until an offset is measured). */
  now(): Date {
    return new Date(this.clock.now().getTime() + (this.offsetMs() ?? 0));
  }

  /**
   * The gateway's time at an instant of central's clock ("override until 23:00" set on central ends when central's
   * clock says 23:00). Offsets under a second, and no measurement yet, change nothing; larger ones are applied in
   * whole seconds, so the same instant maps to the same time from one sample to the next.
   */
  toGatewayTime(centralInstant: Date): Date {
    const offset = this.offsetMs() ?? 0;
    if (Math.abs(offset) < SIGNIFICANT_OFFSET_MS) return centralInstant;
    return new Date(centralInstant.getTime() - Math.round(offset / 1000) * 1000);
  }
}
