import type { ClockPingV1, ClockPongV1 } from '../protocol/clock.message';
import { SyncException, SyncExceptionCode } from '../sync.exception';

/** One ping/pong exchange, NTP-style. */
export interface ClockSample {
  /** Responder's clock minus requester's clock, in milliseconds. */
  offsetMs: number;
  /** Time on the wire, both ways, excluding the responder's processing time. */
  roundTripMs: number;
}

/** The answer to `ping`: received (t1) and answered (t2) at these instants of the responder's clock. */
export function clockPong(ping: ClockPingV1, receivedAt: Date, sentAt: Date = receivedAt): ClockPongV1 {
  return {
    type: 'clock.pong',
    v: 1,
    id: ping.id,
    pingSentAt: ping.sentAt,
    receivedAt: receivedAt.toISOString(),
    sentAt: sentAt.toISOString(),
  };
}

/**
 * Offset and round trip from the four timestamps: t0 ping sent and t3 pong received (requester's clock), t1 ping
 * received and t2 pong sent (responder's clock). The offset is exact when both legs take as long; its error is at
 * most half the round trip.
 */
export function clockSample(pong: ClockPongV1, pongReceivedAt: Date): ClockSample {
  const t0 = Date.parse(pong.pingSentAt);
  const t1 = Date.parse(pong.receivedAt);
  const t2 = Date.parse(pong.sentAt);
  const t3 = pongReceivedAt.getTime();
  const roundTripMs = t3 - t0 - (t2 - t1);
  if (t2 < t1 || roundTripMs < 0) {
    throw new SyncException(
      SyncExceptionCode.InvalidClockSample,
      `clock exchange ${pong.id} is inconsistent: pong sent before the ping was received, or a negative round trip (${roundTripMs} ms)`,
    );
  }
  return { offsetMs: (t1 - t0 + (t2 - t3)) / 2, roundTripMs };
}

/** The sample with the shortest round trip: the one whose offset is bounded most tightly. */
export function bestClockSample(samples: readonly ClockSample[]): ClockSample | undefined {
  return samples.reduce<ClockSample | undefined>(
    (best, sample) => (best === undefined || sample.roundTripMs < best.roundTripMs ? sample : best),
    undefined,
  );
}
