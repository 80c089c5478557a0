import { z } from 'zod';
import { instant } from './common.schema';

const pingId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Either side → the other: the start of an NTP-style exchange. `sentAt` is the sender's clock (t0). */
export const clockPingV1Schema = z.strictObject({
  type: z.literal('clock.ping'),
  v: z.literal(1),
  id: pingId,
  sentAt: instant,
});
export type ClockPingV1 = z.output<typeof clockPingV1Schema>;

/** The answer, echoing t0 and adding the responder's receive (t1) and send (t2) times on its own clock. */
export const clockPongV1Schema = z.strictObject({
  type: z.literal('clock.pong'),
  v: z.literal(1),
  id: pingId,
  pingSentAt: instant,
  receivedAt: instant,
  sentAt: instant,
});
export type ClockPongV1 = z.output<typeof clockPongV1Schema>;
