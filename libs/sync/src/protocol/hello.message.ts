import { identifier } from '@beffroi/domain';
import { z } from 'zod';
import { desiredVersion, instant, seq } from './common.schema';

const outboxRangeError = 'expected firstSeq ≤ lastSeq + 1 (firstSeq = lastSeq + 1 when the outbox is empty)';

/**
 * What the gateway still holds in its outbox: seqs below `firstSeq` are acknowledged or were dropped by
 * downsampling, so central stops waiting for any of them it lacks. `lastSeq` is the last seq ever assigned (0 before
 * the first); the outbox is empty when `firstSeq = lastSeq + 1`.
 */
export const outboxRangeSchema = z
  .strictObject({
    firstSeq: seq,
    lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .refine((range) => range.firstSeq <= range.lastSeq + 1, { error: outboxRangeError, path: ['firstSeq'] });
export type OutboxRange = z.output<typeof outboxRangeSchema>;

const incarnationError = 'expected an outbox incarnation id (1-64 characters: letters, digits, "-", "_")';

/**
 * Names one life of the gateway's outbox: made when its store is created and kept with it. Seqs are unique within an
 * incarnation only — a wiped or replaced store starts a new one, and its seqs start again.
 */
export const incarnation = z.string({ error: incarnationError }).regex(/^[A-Za-z0-9_-]{1,64}$/, {
  error: incarnationError,
});

/** First frame of every connection, gateway → central. The credential travels in the upgrade request, not here. */
export const helloV1Schema = z.strictObject({
  type: z.literal('hello'),
  v: z.literal(1),
  gatewayId: identifier,
  /** Highest protocol version the gateway speaks. */
  protocolVersion: z.number().int().min(1),
  /** Last desired-state version the gateway applied (0: none yet). */
  desiredVersion,
  outbox: outboxRangeSchema,
  /**
   * The incarnation of the outbox the range belongs to. Absent from gateways that predate it: central then detects a
   * restarted outbox only by its range going back.
   */
  incarnation: incarnation.optional(),
  /** The gateway's wall clock when it sent the hello: a first, latency-blind skew estimate before ping/pong. */
  clock: instant,
  /** The gateway's software and its version (`beffroi-gateway 0.1.0`), shown in the syndicate's fleet. */
  software: z
    .string({ error: 'expected a software version (1-100 characters)' })
    .min(1, { error: 'expected a software version (1-100 characters)' })
    .max(100, { error: 'expected a software version (1-100 characters)' })
    .optional(),
});
export type HelloV1 = z.output<typeof helloV1Schema>;
