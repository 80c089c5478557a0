import { identifier } from '@beffroi/domain';
import { z } from 'zod';
import { desiredVersion, instant, reasonText } from './common.schema';

export const WELCOME_REFUSALS = [
  'bad-credential',
  'revoked',
  'unknown-gateway',
  /** The credential is valid but belongs to another gateway than the hello names. */
  'gateway-mismatch',
  'unsupported-protocol',
] as const;
export type WelcomeRefusal = (typeof WELCOME_REFUSALS)[number];

const accepted = z.strictObject({
  type: z.literal('welcome'),
  v: z.literal(1),
  result: z.literal('accepted'),
  gatewayId: identifier,
  /** Protocol version both sides will speak (the lower of the two). */
  protocolVersion: z.number().int().min(1),
  /** Central's current desired-state version for this gateway; a snapshot or delta follows when it differs. */
  desiredVersion,
  serverTime: instant,
});

const refused = z.strictObject({
  type: z.literal('welcome'),
  v: z.literal(1),
  result: z.literal('refused'),
  reason: z.enum(WELCOME_REFUSALS, { error: `expected one of ${WELCOME_REFUSALS.join(' | ')}` }),
  message: reasonText,
});

/** Central's answer to a hello: the session starts, or the connection closes after this frame. */
export const welcomeV1Schema = z.discriminatedUnion('result', [accepted, refused]);
export type WelcomeV1 = z.output<typeof welcomeV1Schema>;
