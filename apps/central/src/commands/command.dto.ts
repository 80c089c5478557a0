import { z } from 'zod';

export const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 instant such as "2027-01-01T02:00:00+01:00"',
});
const pointKey = z
  .string({ error: 'expected a point key "<equipment>:<point>"' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}:[a-z0-9][a-z0-9._-]{0,127}$/, {
    error: 'expected a point key "<equipment>:<point>"',
  });
const value = z.union([z.boolean(), z.number(), z.string().max(200)], {
  error: 'expected a boolean, a number or a string',
});
const common = { pointKey, notAfter: instant.optional() };

const untilForm = z
  .string({ error: 'expected "next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant' })
  .max(100);
const permanent = z.literal(true, { error: 'expected true (leave it out for a switching that ends)' }).optional();

/** `POST /api/gateways/:id/commands`. */
export const commandRequestSchema = z.discriminatedUnion(
  'action',
  [
    /**
     * Switch now: until the output's next scheduled transition, unless `until` says otherwise (`next-transition`,
     * `sunrise`, a local time `HH:MM` of the output's site, an ISO-8601 instant) or `permanent: true` asks for an
     * override that never ends.
     */
    z.strictObject({ ...common, action: z.literal('switch'), value, until: untilForm.optional(), permanent }),
    z.strictObject({ ...common, action: z.literal('override-until'), value, until: instant }),
    z.strictObject({ ...common, action: z.literal('ring'), value }),
    z.strictObject({ ...common, action: z.literal('release') }),
    /** Syndicate admins only: lifts a field engineer's lock-out; audited. */
    z.strictObject({ ...common, action: z.literal('force-lift-lockout') }),
  ],
  { error: 'expected action switch | override-until | ring | release | force-lift-lockout' },
);
export type CommandRequest = z.output<typeof commandRequestSchema>;

export const limitQuery = z.strictObject({
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
});
