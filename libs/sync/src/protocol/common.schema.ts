import { identifier, pointId, splitPointKey } from '@beffroi/domain';
import { z } from 'zod';

/**
 * Version of the sync protocol this library speaks; each message also carries its own `v`. Version 2 adds the outbox
 * class `commissioningReport` (docs/sync.md): a session both sides agree at 1 never carries it.
 */
export const PROTOCOL_VERSION = 2;

/** Outbox sequence numbers: assigned by the gateway from 1, strictly increasing, never reused. */
export const seq = z
  .number({ error: 'expected a sequence number (integer ≥ 1)' })
  .int({ error: 'expected a sequence number (integer ≥ 1)' })
  .min(1, { error: 'expected a sequence number (integer ≥ 1)' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'expected a sequence number (integer ≥ 1)' });

/** Desired-state versions: assigned by central, monotonic; 0 means "nothing applied yet". */
export const desiredVersion = z
  .number({ error: 'expected a desired-state version (integer ≥ 0)' })
  .int({ error: 'expected a desired-state version (integer ≥ 0)' })
  .min(0, { error: 'expected a desired-state version (integer ≥ 0)' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'expected a desired-state version (integer ≥ 0)' });

/** An ISO-8601 instant with its offset. Shown to people; never used to order messages. */
export const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 instant such as "2027-01-15T18:00:00Z"',
});

const POINT_KEY_ERROR = 'expected a point key "equipmentId:pointId" such as "armoire-1:circuit.1.command"';

/** A point of one gateway: `equipmentId:pointId`, as the gateway's local API names it. */
export const pointKey = z.string({ error: POINT_KEY_ERROR }).refine(
  (key) => {
    const parts = splitPointKey(key);
    return (
      parts !== undefined && identifier.safeParse(parts.equipmentId).success && pointId.safeParse(parts.pointId).success
    );
  },
  { error: POINT_KEY_ERROR },
);

/** Command ids are chosen by central (UUIDs or similar) and are the idempotency key on the gateway. */
export const commandId = z
  .string({ error: 'expected a command id (1-64 characters: letters, digits, "-", "_")' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a command id (1-64 characters: letters, digits, "-", "_")' });

export const pointScalar = z.union([z.boolean(), z.number(), z.string()], {
  error: 'expected a boolean, a number or a string',
});

/** Free text for reasons and alarm messages, bounded so one field cannot fill a frame. */
export const reasonText = z
  .string({ error: 'expected a reason (1-500 characters)' })
  .min(1, { error: 'expected a reason (1-500 characters)' })
  .max(500, { error: 'expected a reason (1-500 characters)' });
