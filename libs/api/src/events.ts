import { z } from 'zod';
import { COMMAND_STATUSES, instant, quality } from './schemas';

/** The kinds of live updates central sends on `GET /api/events` (Server-Sent Events). */
export const LIVE_EVENT_TYPES = [
  'point',
  'output',
  'switching',
  'alarm',
  'command',
  'gateway',
  'desired',
  'push',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

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
