import { z } from 'zod';

/**
 * The HTTP contract between central and the console: request and response schemas of the routes the console calls.
 * Central documents its OpenAPI with the response schemas; the console's client parses every answer with them.
 * Responses are loose objects: central may add fields without breaking a console already in a browser.
 */

export const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 instant such as "2027-01-01T02:00:00+01:00"',
});
const pointKey = z
  .string({ error: 'expected a point key "<equipment>:<point>"' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}:[a-z0-9][a-z0-9._-]{0,127}$/, {
    error: 'expected a point key "<equipment>:<point>"',
  });
const scalar = z.union([z.boolean(), z.number(), z.string()]);
const commandValue = z.union([z.boolean(), z.number(), z.string().max(200)], {
  error: 'expected a boolean, a number or a string',
});

export const ROLES = ['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'] as const;
export type Role = (typeof ROLES)[number];

/** `POST /api/auth/login`. */
export const loginRequest = z.strictObject({
  login: z.string({ error: 'expected text' }).min(1, { error: 'expected a login' }).max(64),
  password: z.string({ error: 'expected text' }).min(1, { error: 'expected a password' }).max(200),
});
export type LoginRequest = z.output<typeof loginRequest>;

/** Who is logged in: one role over one tenant (a syndicate and its communes, or one commune). */
export const account = z.looseObject({
  accountId: z.number().int(),
  login: z.string(),
  role: z.enum(ROLES),
  syndicateId: z.string().nullable(),
  communeInsee: z.string().nullable(),
});
export type Account = z.output<typeof account>;

export const loginResponse = z.looseObject({ token: z.string().min(1), account });
export type LoginResponse = z.output<typeof loginResponse>;

/** A commune of the caller's tenant, with the ids of its gateways. */
export const communeSummary = z.looseObject({
  insee: z.string(),
  name: z.string(),
  department: z.string(),
  syndicateId: z.string().nullable(),
  gateways: z.array(z.string()),
});
export type CommuneSummary = z.output<typeof communeSummary>;

export const site = z.looseObject({ id: z.string(), name: z.string(), timeZone: z.string() });
export type Site = z.output<typeof site>;

/** The gateway's last health report: each equipment online or not (and why), the sites of its config. */
export const gatewayHealth = z.looseObject({
  at: instant,
  equipment: z.record(z.string(), z.looseObject({ online: z.boolean(), reason: z.string().optional() })),
  sites: z.array(site).optional(),
});
export type GatewayHealth = z.output<typeof gatewayHealth>;

export const gateway = z.looseObject({
  id: z.string(),
  communeInsee: z.string(),
  online: z.boolean(),
  lastSeenAt: instant.nullable(),
  clockOffsetMs: z.number().nullable(),
  revokedAt: instant.nullable(),
  health: gatewayHealth.nullable(),
});
export type Gateway = z.output<typeof gateway>;

export const commune = z.looseObject({
  insee: z.string(),
  name: z.string(),
  department: z.string(),
  syndicateId: z.string().nullable(),
  gateways: z.array(gateway),
});
export type Commune = z.output<typeof commune>;

export const quality = z.looseObject({ status: z.enum(['good', 'uncertain', 'bad']), reason: z.string().optional() });
export type Quality = z.output<typeof quality>;

export const point = z.looseObject({
  key: z.string(),
  id: z.string(),
  value: scalar.nullable(),
  quality,
  observedAt: instant.nullable(),
  receivedAt: instant,
});
export type Point = z.output<typeof point>;

/** `GET /api/gateways/:id/points`: equipment by id, each with its points' latest values. */
export const equipmentPoints = z.array(z.looseObject({ id: z.string(), points: z.array(point) }));
export type EquipmentPoints = z.output<typeof equipmentPoints>;

export const SWITCHING_RESULTS = [
  'applied',
  'mismatch',
  'failed',
  'timeout',
  'expired',
  'acknowledged',
  'refused',
] as const;

export const switching = z.looseObject({
  seq: z.number().int(),
  at: instant,
  pointKey: z.string(),
  value: scalar,
  slot: z.number().int().nullable(),
  source: z.string(),
  commandId: z.string().nullable(),
  result: z.enum(SWITCHING_RESULTS),
  reason: z.string().nullable(),
});
export type Switching = z.output<typeof switching>;
export const switchings = z.array(switching);

const slotEntry = {
  slot: z.number().int().min(1).max(16),
  name: z.string(),
  owner: z.string().optional(),
  expiresAt: instant.optional(),
  /** How the end of a manual switching was asked: `next-transition`, `sunrise`, `02:00`, an instant, `permanent`. */
  until: z.string().optional(),
};

/** `GET /api/gateways/:id/outputs/:key`: why an output is in its state, as the gateway last explained it. */
export const outputExplanation = z.looseObject({
  pointKey: z.string(),
  value: scalar,
  winner: z.looseObject({ ...slotEntry, setAt: instant.optional() }),
  underneath: z.array(z.looseObject({ ...slotEntry, value: scalar })),
  at: instant,
  reported: z.looseObject({ value: scalar.nullable(), receivedAt: instant }).nullable(),
  lastSwitching: switching.nullable(),
});
export type OutputExplanation = z.output<typeof outputExplanation>;

const commandCommon = { pointKey, notAfter: instant.optional() };

const untilForm = z
  .string({ error: 'expected "next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant' })
  .max(100);
const permanent = z.literal(true, { error: 'expected true (leave it out for a switching that ends)' }).optional();

/** `POST /api/gateways/:id/commands`. */
export const commandRequest = z.discriminatedUnion(
  'action',
  [
    /**
     * Switch now: until the output's next scheduled transition, unless `until` says otherwise
     * (`next-transition`, `sunrise`, a local time `HH:MM` of the output's site, an ISO-8601 instant) or
     * `permanent: true` asks for an override that never ends.
     */
    z.strictObject({
      ...commandCommon,
      action: z.literal('switch'),
      value: commandValue,
      until: untilForm.optional(),
      permanent,
    }),
    z.strictObject({ ...commandCommon, action: z.literal('override-until'), value: commandValue, until: instant }),
    z.strictObject({ ...commandCommon, action: z.literal('ring'), value: commandValue }),
    z.strictObject({ ...commandCommon, action: z.literal('release') }),
    /** Syndicate admins only: lifts a field engineer's lock-out; audited. */
    z.strictObject({ ...commandCommon, action: z.literal('force-lift-lockout') }),
  ],
  { error: 'expected action switch | override-until | ring | release | force-lift-lockout' },
);
export type CommandRequest = z.output<typeof commandRequest>;

export const COMMAND_STATUSES = ['queued', 'sent', 'applied', 'failed', 'expired', 'refused'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export const command = z.looseObject({
  id: z.string(),
  gatewayId: z.string(),
  pointKey: z.string(),
  action: z.enum(['switch', 'override-until', 'ring', 'release', 'force-lift-lockout']),
  value: scalar.optional(),
  /** `override-until`: the instant; `switch`: the form asked (`next-transition` when none was). */
  until: z.string().optional(),
  permanent: z.literal(true).optional(),
  /** `switch`: when the manual switching ends, as the gateway resolved `until` (once it applied or held it). */
  endsAt: instant.optional(),
  notAfter: instant,
  issuedBy: z.string(),
  status: z.enum(COMMAND_STATUSES),
  attempts: z.number().int(),
  reason: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
});
export type Command = z.output<typeof command>;

export const ALARM_SEVERITIES = ['info', 'warning', 'critical'] as const;

export const alarm = z.looseObject({
  id: z.number().int(),
  gatewayId: z.string(),
  key: z.string(),
  severity: z.enum(ALARM_SEVERITIES),
  message: z.string(),
  raisedAt: instant,
  clearedAt: instant.nullable(),
  acknowledgedAt: instant.nullable(),
  acknowledgedBy: z.string().nullable(),
  state: z.enum(['open', 'cleared']),
});
export type Alarm = z.output<typeof alarm>;

export const alarmsQuery = z.strictObject({
  commune: z.string().optional(),
  all: z.enum(['true', 'false']).optional(),
  limit: z.string().optional(),
});

/** The body of every error answer. */
export const apiError = z.looseObject({
  code: z.string(),
  message: z.string(),
  problems: z.array(z.looseObject({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.output<typeof apiError>;
