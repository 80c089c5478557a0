import { z } from 'zod';
import { COMMAND_STATUSES, instant, outputExplanation, quality, SWITCHING_RESULTS } from './schemas';

export { LIVE_EVENT_TYPES, type LiveEventType } from './first-screen';

/** Every event names the gateway it is about. */
export const liveEvent = z.looseObject({ gatewayId: z.string() });

/** `point`: a value a gateway reported. */
export const pointEvent = liveEvent.extend({
  pointKey: z.string(),
  value: z.union([z.boolean(), z.number(), z.string()]).nullable(),
  quality,
  receivedAt: instant,
});
export type PointEvent = z.output<typeof pointEvent>;

/** `command`: a command that moved on. */
export const commandEvent = liveEvent.extend({
  id: z.string(),
  status: z.enum(COMMAND_STATUSES),
  reason: z.string().nullable().optional(),
});
export type CommandEvent = z.output<typeof commandEvent>;

/** `output`: a gateway explained an output again (its priority array changed). */
export const outputEvent = liveEvent.extend(
  outputExplanation.pick({ pointKey: true, value: true, winner: true, underneath: true, at: true }).shape,
);
export type OutputEvent = z.output<typeof outputEvent>;

/** `switching`: an output switched (or failed to); `seq` orders it among the gateway's reports. */
export const switchingEvent = liveEvent.extend({
  seq: z.number().int(),
  at: instant,
  pointKey: z.string(),
  value: z.union([z.boolean(), z.number(), z.string()]),
  slot: z.number().int().optional(),
  source: z.string(),
  commandId: z.string().optional(),
  result: z.enum(SWITCHING_RESULTS),
  reason: z.string().optional(),
});
export type SwitchingEvent = z.output<typeof switchingEvent>;
