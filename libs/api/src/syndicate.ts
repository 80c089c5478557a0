import { z } from 'zod';
import { ALARM_SEVERITIES, instant, ROLES } from './schemas';

/**
 * The syndicate's part of the contract: schedule templates that target outputs by tag, their pushes to communes with
 * progress per commune and gateway, and the fleet of every commune and gateway of the syndicate.
 */

const TAG_ERROR = 'expected a tag: lowercase letters, digits and hyphens, such as "eclairage-voirie"';
/** A tag of outputs (`eclairage-voirie`, `cloches`…), as gateways report them in their catalogue. */
export const tagName = z
  .string({ error: TAG_ERROR })
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, { error: TAG_ERROR });

const ID_ERROR = 'expected an identifier (a-z, 0-9, "-", "_", "."; 1-64 characters)';
const templateId = z.string({ error: ID_ERROR }).regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: ID_ERROR });
const name = z
  .string({ error: 'expected a name (1-200 characters)' })
  .trim()
  .min(1, { error: 'expected a name (1-200 characters)' })
  .max(200, { error: 'expected a name (1-200 characters)' });
const comment = z.string({ error: 'expected text' }).max(1000, { error: 'expected at most 1000 characters' });

export const TEMPLATE_KINDS = ['lighting', 'heating', 'bells'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** Priority slots a template may fill; a syndicate's programme is the baseline, below each commune's calendar. */
const slot = z.enum(['calendar', 'baseline'], { error: 'expected calendar | baseline' }).default('baseline');
const document = z.unknown().refine((d) => d !== undefined, { error: 'expected the schedule document' });

/**
 * What a template drives, by tag: lighting outputs carrying the tag, heating zones whose points carry it, or the bell
 * controller whose points carry it; and the schedule document (the same shape as a schedule YAML file).
 */
export const templateItem = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('lighting'), tag: tagName, slot, schedule: document }),
    z.strictObject({ kind: z.literal('heating'), tag: tagName, slot, schedule: document }),
    z.strictObject({ kind: z.literal('bells'), tag: tagName, schedule: document }),
  ],
  { error: 'expected kind lighting | heating | bells' },
);
export type TemplateItem = z.output<typeof templateItem>;

/** `POST /api/templates`: a new template, version 1. Its id becomes the schedule id on every gateway it reaches. */
export const templateCreateRequest = z.strictObject({ id: templateId, name, item: templateItem });
export type TemplateCreateRequest = z.input<typeof templateCreateRequest>;

/** `POST /api/templates/{id}/versions`: the next version of a template (its name may change too). */
export const templateVersionRequest = z.strictObject({
  name: name.optional(),
  item: templateItem,
  comment: comment.optional(),
});
export type TemplateVersionRequest = z.input<typeof templateVersionRequest>;

export const templateSummary = z.looseObject({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  kind: z.enum(TEMPLATE_KINDS),
  tag: z.string(),
  updatedBy: z.string(),
  updatedAt: instant,
});
export type TemplateSummary = z.output<typeof templateSummary>;

/** `GET /api/templates/{id}/versions`: the current version and every version before it, newest first. */
export const template = templateSummary.extend({
  item: z.looseObject({ kind: z.enum(TEMPLATE_KINDS), tag: z.string(), schedule: z.unknown() }),
  createdBy: z.string(),
  createdAt: instant,
  history: z.array(
    z.looseObject({
      version: z.number().int(),
      name: z.string(),
      author: z.string(),
      at: instant,
      comment: z.string().nullable(),
    }),
  ),
});
export type Template = z.output<typeof template>;

const DEPARTMENT_ERROR = 'expected a department code such as "02", "2A" or "974"';
const INSEE_ERROR = 'expected an INSEE commune code such as "02691"';

/**
 * Which communes of the syndicate a push goes to: all of them, those of one department, a hand-picked list, or those
 * with a gateway that has an output carrying a tag.
 */
export const communeSelection = z.union(
  [
    z.strictObject({ all: z.literal(true, { error: 'expected true' }) }),
    z.strictObject({
      department: z.string({ error: DEPARTMENT_ERROR }).regex(/^(?:\d{2}|2A|2B|97\d)$/, { error: DEPARTMENT_ERROR }),
    }),
    z.strictObject({
      insee: z
        .array(z.string({ error: INSEE_ERROR }).regex(/^(?:\d{2}|2A|2B)\d{3}$/, { error: INSEE_ERROR }))
        .min(1, { error: 'expected at least one commune' })
        .max(5000, { error: 'expected at most 5000 communes' }),
    }),
    z.strictObject({ tag: tagName }),
  ],
  { error: 'expected {"all": true}, {"department": "02"}, {"insee": ["02691", …]} or {"tag": "eclairage-voirie"}' },
);
export type CommuneSelection = z.output<typeof communeSelection>;

/** `POST /api/templates/{id}/push`. */
export const templatePushRequest = z.strictObject({ communes: communeSelection });
export type TemplatePushRequest = z.input<typeof templatePushRequest>;

export const PUSH_STATUSES = ['applied', 'refused', 'pending', 'offline', 'no-gateway', 'no-output'] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];

export const pushSummary = z.looseObject({
  id: z.string(),
  scheduleId: z.string(),
  templateId: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: instant,
  summary: z.record(z.enum(PUSH_STATUSES), z.number().int()),
});
export type PushSummary = z.output<typeof pushSummary>;

/**
 * One commune and gateway of a push: `applied`, `refused` (with the gateway's reason), `pending` (connected, not
 * applied yet), `offline` (applied when it comes back), `no-gateway`, or `no-output` (no output with the template's
 * tag on that gateway; with the reason). `bound` lists the outputs, zones or equipment the template bound to there.
 */
export const pushTarget = z.looseObject({
  commune: z.string(),
  gatewayId: z.string().nullable(),
  version: z.number().int().nullable(),
  status: z.enum(PUSH_STATUSES),
  reason: z.string().optional(),
  bound: z.array(z.string()).optional(),
});
export type PushTarget = z.output<typeof pushTarget>;

export const pushProgress = pushSummary.extend({ targets: z.array(pushTarget) });
export type PushProgress = z.output<typeof pushProgress>;

/** `push` live event: one target of a push that may have moved on. */
export const pushEvent = pushTarget.extend({ pushId: z.string() });
export type PushEvent = z.output<typeof pushEvent>;

/** One gateway of the fleet. */
export const fleetGateway = z.looseObject({
  id: z.string(),
  online: z.boolean(),
  /** Since when it is online or offline: its connection's start, or its last frame. */
  since: instant.nullable(),
  lastSeenAt: instant.nullable(),
  desiredVersion: z.number().int(),
  appliedVersion: z.number().int(),
  upToDate: z.boolean(),
  clockOffsetMs: z.number().nullable(),
  /** What the gateway said it runs in its last hello (`beffroi-gateway 0.1.0`); null before one that says. */
  softwareVersion: z.string().nullable(),
  alarms: z.record(z.enum(ALARM_SEVERITIES), z.number().int()),
});
export type FleetGateway = z.output<typeof fleetGateway>;

/** `GET /api/fleet`: every commune of the caller's tenant with its gateways and its open alarms by severity. */
export const fleetCommune = z.looseObject({
  insee: z.string(),
  name: z.string(),
  department: z.string(),
  gateways: z.array(fleetGateway),
  alarms: z.record(z.enum(ALARM_SEVERITIES), z.number().int()),
});
export type FleetCommune = z.output<typeof fleetCommune>;
export const fleet = z.array(fleetCommune);

/** One gateway of a commune as a template would bind there: what carries its tag, and the site it would run at. */
export const templateBindingGateway = z.looseObject({
  gatewayId: z.string(),
  /** The outputs, zones or bell controller the template would drive; empty when nothing carries its tag. */
  bound: z.array(z.string()),
  /** Why nothing binds (no output with the tag, catalogue not reported yet); null when it binds. */
  reason: z.string().nullable(),
  /** The site of what it binds (else the gateway's first site), as the gateway reported it; null before it has. */
  site: z.looseObject({ id: z.string(), name: z.string(), timeZone: z.string() }).nullable(),
});
export type TemplateBindingGateway = z.output<typeof templateBindingGateway>;

/**
 * `GET /api/templates/{id}/bindings/{insee}`: what the template's current version would bind to on each gateway of
 * one commune, before it is pushed (the preview of a template on one commune plans its document at `site`).
 */
export const templateBinding = z.looseObject({
  templateId: z.string(),
  version: z.number().int(),
  kind: z.enum(TEMPLATE_KINDS),
  tag: z.string(),
  schedule: z.unknown(),
  commune: z.string(),
  gateways: z.array(templateBindingGateway),
});
export type TemplateBinding = z.output<typeof templateBinding>;

export const MAP_SITE_STATES = ['online', 'alarm', 'offline'] as const;
export type MapSiteState = (typeof MAP_SITE_STATES)[number];

/**
 * One site of a gateway on the syndicate's map: where it is (null when the gateway gave no usable coordinates) and the
 * state of its gateway, `offline`, `alarm` (online with open alarms) or `online`.
 */
export const mapSite = z.looseObject({
  commune: z.string(),
  communeName: z.string(),
  gatewayId: z.string(),
  /** The site's id in the gateway's config; null for a gateway that has not reported any site. */
  siteId: z.string().nullable(),
  name: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  state: z.enum(MAP_SITE_STATES),
  alarms: z.number().int(),
});
export type MapSite = z.output<typeof mapSite>;

/** `GET /api/fleet/map`: the tiles central's config names (null: a plain background) and every site of the fleet. */
export const fleetMap = z.looseObject({
  tiles: z.looseObject({ url: z.string(), attribution: z.string() }).nullable(),
  sites: z.array(mapSite),
});
export type FleetMap = z.output<typeof fleetMap>;

/** An account of the caller's tenant, as a syndicate admin manages it (`GET /api/accounts`, disable, enable). */
export const managedAccount = z.looseObject({
  login: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  /** The syndicate id or the commune INSEE code it belongs to. */
  tenant: z.string(),
  createdAt: instant,
  disabledAt: instant.nullable(),
});
export type ManagedAccount = z.output<typeof managedAccount>;

/** `POST /api/accounts`: the account created. */
export const accountCreated = z.looseObject({ id: z.number().int(), login: z.string() });
export type AccountCreated = z.output<typeof accountCreated>;

/** `POST /api/communes/{insee}/enrolment-codes`: a one-time code for a gateway of the commune, shown once. */
export const enrolmentCode = z.looseObject({ code: z.string(), communeInsee: z.string(), expiresAt: instant });
export type EnrolmentCode = z.output<typeof enrolmentCode>;
