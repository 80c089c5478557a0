import { z } from 'zod';
import { commandId, instant, pointKey, pointScalar, reasonText } from './common.schema';

const commandCommon = {
  type: z.literal('command'),
  v: z.literal(1),
  /** Idempotency key: the gateway executes a given id at most once. */
  id: commandId,
  pointKey,
  /** Past this instant (central's clock) the gateway reports the command expired instead of executing it late. */
  notAfter: instant,
  issuedAt: instant,
};

/**
 * How long a switching lasts (libs/schedule `parseUntil`): `next-transition`, `sunrise`, a local time `HH:MM` of the
 * output's site or an ISO-8601 instant. The gateway resolves it against its own schedules.
 */
const untilForm = z.string().min(1).max(100);

/** Central → gateway: act on one output now. Durable on central, resent on reconnect until a result comes back. */
export const commandV1Schema = z.discriminatedUnion('action', [
  /**
   * "Switch now": a manual override (slot 10) until `until`, or for good with `permanent: true`; with neither, until
   * the output's next scheduled transition.
   */
  z.strictObject({
    ...commandCommon,
    action: z.literal('switch'),
    value: pointScalar,
    until: untilForm.optional(),
    permanent: z.literal(true).optional(),
  }),
  /** "On until 02:00": a manual override (slot 10) that ends by itself. */
  z.strictObject({ ...commandCommon, action: z.literal('override-until'), value: pointScalar, until: instant }),
  /** Ring a bell; `value` says what (a ring sequence id or a strike count, as the bell's profile defines). */
  z.strictObject({ ...commandCommon, action: z.literal('ring'), value: pointScalar }),
  /** Release the manual override: the schedule (or whatever lies underneath) applies again. */
  z.strictObject({ ...commandCommon, action: z.literal('release') }),
  /**
   * Lift a maintenance lock-out whoever holds it (a syndicate admin's decision on central); `by` names who forces it,
   * recorded with the switching that follows.
   */
  z.strictObject({ ...commandCommon, action: z.literal('force-lift-lockout'), by: reasonText }),
]);
export type CommandV1 = z.output<typeof commandV1Schema>;
export type CommandAction = CommandV1['action'];

/**
 * A command's lifecycle as central tracks it (see command-lifecycle.ts for the allowed transitions). `held` (added
 * after the others, which keep their names) is not final: the minimum on/off time holds the output, the command
 * applies at its `applyAt`, and its final status follows.
 */
export const COMMAND_STATUSES = ['queued', 'sent', 'held', 'applied', 'failed', 'expired', 'refused'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** The statuses only the gateway can decide, hence the only ones a command result carries. */
export const FINAL_COMMAND_STATUSES = ['applied', 'failed', 'expired', 'refused'] as const;
export type FinalCommandStatus = (typeof FINAL_COMMAND_STATUSES)[number];

const resultCommon = {
  commandId,
  /** Gateway clock; informative only. */
  at: instant,
};

/** How long the switching a command put in the manual slot lasts: the form asked and its end (null: permanent). */
const resolvedUntil = z.strictObject({ form: untilForm, at: instant.nullable() });
export type ResolvedUntilV1 = z.output<typeof resolvedUntil>;

/**
 * Outcome of one command on the gateway, sent through the outbox (class `commandResult`), never dropped. A `held`
 * result may come first (once per `applyAt`), then exactly one final one.
 */
export const commandResultSchema = z.discriminatedUnion('status', [
  /** Not final: the minimum on/off time holds the output; the command switches it at `applyAt` (gateway clock). */
  z.strictObject({
    ...resultCommon,
    status: z.literal('held'),
    applyAt: instant,
    reason: reasonText.optional(),
    until: resolvedUntil.optional(),
  }),
  z.strictObject({
    ...resultCommon,
    status: z.literal('applied'),
    reason: reasonText.optional(),
    until: resolvedUntil.optional(),
  }),
  z.strictObject({ ...resultCommon, status: z.literal('failed'), reason: reasonText }),
  z.strictObject({ ...resultCommon, status: z.literal('expired'), reason: reasonText }),
  /** Refused without being tried: lock-out (consignation), unknown or read-only point, safety interlock. */
  z.strictObject({ ...resultCommon, status: z.literal('refused'), reason: reasonText }),
]);
export type CommandResult = z.output<typeof commandResultSchema>;
/** A result that ends the command. */
export type FinalCommandResult = Exclude<CommandResult, { status: 'held' }>;
