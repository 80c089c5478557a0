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

/**
 * The gateway's last health report: each equipment online or not (and why), the sites of its config, and how it
 * serves its local API (`fingerprint`: its TLS certificate's SHA-256, to compare on site).
 */
export const gatewayHealth = z.looseObject({
  at: instant,
  equipment: z.record(
    z.string(),
    z.looseObject({
      online: z.boolean(),
      /** The gateway's own words (English, for logs). */
      reason: z.string().optional(),
      /** Why it is offline, as a code: `bus-connecting`, `bus-disconnected`, `bus-not-started`, `not-answering`. */
      state: z.string().optional(),
      /** The bus the equipment is on. */
      bus: z.string().optional(),
    }),
  ),
  sites: z.array(site).optional(),
  localApi: z.looseObject({ tls: z.boolean(), fingerprint: z.string().optional() }).optional(),
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

/** A point of a gateway's catalogue: what its profile says of it, and its latest value (null before the first). */
export const cataloguePoint = z.looseObject({
  key: z.string(),
  id: z.string(),
  name: z.string().optional(),
  kind: z.string(),
  type: z.string(),
  unit: z.string().optional(),
  states: z.record(z.string(), z.string()).optional(),
  writable: z.boolean(),
  feedbackKey: z.string().optional(),
  value: scalar.nullable(),
  quality: quality.nullable(),
  observedAt: instant.nullable(),
  receivedAt: instant.nullable(),
});
export type CataloguePoint = z.output<typeof cataloguePoint>;

/** An equipment of a gateway's config, with its name, site and the points of its profile. */
export const catalogueEquipment = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  profile: z.string(),
  profileName: z.string().optional(),
  site: z.string().optional(),
  points: z.array(cataloguePoint),
});
export type CatalogueEquipment = z.output<typeof catalogueEquipment>;

/** `GET /api/gateways/:id/equipment`: what the gateway has, from the catalogue it last reported. */
export const equipmentCatalogue = z.looseObject({
  gatewayId: z.string(),
  hash: z.string(),
  receivedAt: instant,
  equipment: z.array(catalogueEquipment),
});
export type EquipmentCatalogue = z.output<typeof equipmentCatalogue>;

/** `GET /health`: is central up, and is it a demonstration. */
export const health = z.looseObject({ status: z.string(), demo: z.boolean() });
export type Health = z.output<typeof health>;

const bellRing = z.looseObject({
  sequence: z.string(),
  at: z.string().optional(),
  every: z.number().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

/** A one-off ring of a bell schedule: a local date and time of the schedule's site. */
export const bellEvent = z.looseObject({
  date: z.string(),
  at: z.string(),
  sequence: z.string(),
  name: z.string().optional(),
});
export type BellEvent = z.output<typeof bellEvent>;

/** A bell schedule a gateway runs, as a schedule file writes it (times `HH:MM`, dates `YYYY-MM-DD`). */
export const bellSchedule = z.looseObject({
  id: z.string(),
  equipment: z.string(),
  site: z.string().nullable(),
  timeZone: z.string(),
  source: z.enum(['config', 'central']),
  sequences: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })),
  defaultProgrammeId: z.string(),
  programmes: z.record(z.string(), z.looseObject({ rings: z.array(bellRing) })),
  events: z.array(bellEvent),
});
export type BellSchedule = z.output<typeof bellSchedule>;

/** `GET /api/gateways/:id/bells`. */
export const bellSchedules = z.looseObject({ gatewayId: z.string(), schedules: z.array(bellSchedule) });
export type BellSchedules = z.output<typeof bellSchedules>;

/** `POST /api/gateways/:id/bells/:scheduleId/events`: a one-off ring (glas, mariage, baptême…) at a local time. */
export const bellEventRequest = z.strictObject({
  date: z.iso.date({ error: 'expected a date "YYYY-MM-DD"' }),
  at: z
    .string({ error: 'expected a time "HH:MM"' })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time "HH:MM"' }),
  sequence: z
    .string({ error: 'expected the id of a ring sequence' })
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'expected the id of a ring sequence' }),
  name: z.string({ error: 'expected text' }).min(1, { error: 'expected a name' }).max(200).optional(),
});
export type BellEventRequest = z.output<typeof bellEventRequest>;

/** What a one-off ring became: the schedule's new desired version, and the instant it rings. */
export const bellEventAnswer = z.looseObject({
  gatewayId: z.string(),
  scheduleId: z.string(),
  version: z.number().int(),
  event: bellEvent,
  ringsAt: instant,
});
export type BellEventAnswer = z.output<typeof bellEventAnswer>;

export const HISTORY_KINDS = ['switchings', 'commands', 'audit'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** `GET /api/communes/:insee/history` query: which history, one page of it (newest first). */
export const historyQuery = z.strictObject({
  kind: z.enum(HISTORY_KINDS, { error: `expected ${HISTORY_KINDS.join(' | ')}` }).default('switchings'),
  offset: z.coerce.number({ error: 'expected an integer 0..100000' }).int().min(0).max(100_000).default(0),
  limit: z.coerce.number({ error: 'expected an integer 1..200' }).int().min(1).max(200).default(50),
});
export type HistoryQuery = z.output<typeof historyQuery>;

/**
 * One line of a commune's history, the same shape for switchings, commands and audit entries: when, on what (with
 * the catalogue's names), what was done or happened, its result, and who (login and name) when a person did it.
 */
export const historyEntry = z.looseObject({
  at: instant,
  gatewayId: z.string().nullable(),
  pointKey: z.string().nullable(),
  pointName: z.string().nullable(),
  equipmentName: z.string().nullable(),
  unit: z.string().nullable(),
  /** A switching's source, a command's action, an audit entry's action. */
  what: z.string(),
  value: scalar.nullable(),
  result: z.string(),
  reason: z.string().nullable(),
  /** What an audit entry is about (`gw-1/cabinet:circuit.4.command`, a login, a schedule); null for other lines. */
  target: z.string().nullable(),
  by: z.string().nullable(),
  byName: z.string().nullable(),
});
export type HistoryEntry = z.output<typeof historyEntry>;

export const historyPage = z.looseObject({
  kind: z.enum(HISTORY_KINDS),
  offset: z.number().int(),
  items: z.array(historyEntry),
  /** The offset of the next page; null on the last one. */
  nextOffset: z.number().int().nullable(),
});
export type HistoryPage = z.output<typeof historyPage>;

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
