import { dataType, identifier, pointId, pointKind, pointValueSchema, siteSchema, tagList } from '@beffroi/domain';
import { z } from 'zod';
import { bucketPayloadSchema } from './bucket.message';
import { commandResultSchema } from './command.message';
import { commissioningReportPayloadSchema } from './commissioning-report.message';
import { commandId, desiredVersion, instant, pointKey, pointScalar, reasonText, seq } from './common.schema';
import { DESIRED_SECTIONS } from './desired.message';

/**
 * Classes of reported messages. Telemetry may be downsampled when the outbox is full; the others are never dropped.
 * `bucket` carries the readings a gateway folded into a quarter of an hour while central was out of reach;
 * `commissioningReport` a procès-verbal de recette, sent only to a central that speaks protocol 2
 * ({@link PROTOCOL_FOR_CLASS}).
 */
export const REPORT_CLASSES = [
  'telemetry',
  'switching',
  'output',
  'alarm',
  'commandResult',
  'health',
  'bucket',
  'commissioningReport',
] as const;
export type ReportClass = (typeof REPORT_CLASSES)[number];

/**
 * The protocol version a central must speak (its `welcome`) to read a class, for the classes added after version 1.
 * A central of version 1 refuses a whole `report` holding an unknown class, and a health report listing one in its
 * `outbox` sizes: the gateway holds such messages back and leaves the class out of the sizes (docs/sync.md).
 */
export const PROTOCOL_FOR_CLASS: Readonly<Partial<Record<ReportClass, number>>> = { commissioningReport: 2 };

/** A point's latest reading. */
export const telemetryPayloadSchema = pointValueSchema.extend({ pointKey });

export const SWITCHING_RESULTS = [
  'applied',
  'mismatch',
  'failed',
  'timeout',
  'expired',
  /** The device took a pulse (a hammer strike) it has no feedback for. */
  'acknowledged',
  /** Refused at the edge by a safety limit; nothing was sent. */
  'refused',
] as const;
export type SwitchingResult = (typeof SWITCHING_RESULTS)[number];

/** An actual switching of an output: who or what asked, which priority slot won, what the equipment did. */
export const switchingPayloadSchema = z.strictObject({
  pointKey,
  value: pointScalar,
  /** Priority slot that decided the value (1 safety … 16 default); absent when no slot was involved. */
  slot: z.number().int().min(1).max(16).optional(),
  /** `schedule:<id>`, `command:<id>`, `selector`, `technicien:<login>`… */
  source: z.string().min(1).max(200),
  commandId: commandId.optional(),
  result: z.enum(SWITCHING_RESULTS, { error: `expected one of ${SWITCHING_RESULTS.join(' | ')}` }),
  reason: reasonText.optional(),
  at: instant,
});

const slotNumber = z.number().int().min(1).max(16);
const slotEntry = {
  slot: slotNumber,
  name: z.string().min(1).max(50),
  owner: z.string().min(1).max(200).optional(),
  expiresAt: instant.optional(),
  /** How the end of a manual switching was asked (`next-transition`, `sunrise`, `02:00`, an instant, `permanent`). */
  until: z.string().min(1).max(100).optional(),
};

/**
 * Who decides an output now (the gateway's `explain`): sent whenever its priority array changes, so central can
 * answer "why is it in this state?" while the gateway is out of reach. Only the latest per point matters.
 */
export const outputPayloadSchema = z.strictObject({
  pointKey,
  value: pointScalar,
  winner: z.strictObject({ ...slotEntry, setAt: instant.optional() }),
  underneath: z.array(z.strictObject({ ...slotEntry, value: pointScalar })).max(16),
  at: instant,
});
export type OutputPayload = z.output<typeof outputPayloadSchema>;

export const ALARM_SEVERITIES = ['info', 'warning', 'critical'] as const;

/** An alarm raised or cleared on the gateway; `key` is a point key or a gateway-level name (`gateway.outbox`). */
export const alarmPayloadSchema = z.strictObject({
  key: z.string().min(1).max(200),
  state: z.enum(['raised', 'cleared'], { error: 'expected raised | cleared' }),
  severity: z.enum(ALARM_SEVERITIES, { error: `expected one of ${ALARM_SEVERITIES.join(' | ')}` }),
  message: reasonText,
  at: instant,
});

/**
 * Why an equipment is offline, as a code the console words in its own language (the `reason` stays for logs): its
 * bus's link is connecting, disconnected or not started, or the bus is up and the unit does not answer.
 */
export const EQUIPMENT_OFFLINE_STATES = [
  'bus-connecting',
  'bus-disconnected',
  'bus-not-started',
  'not-answering',
] as const;
export type EquipmentOfflineState = (typeof EQUIPMENT_OFFLINE_STATES)[number];

/** Periodic state of the gateway itself. */
export const healthPayloadSchema = z.strictObject({
  at: instant,
  equipment: z.record(
    identifier,
    z.strictObject({
      online: z.boolean(),
      reason: reasonText.optional(),
      state: z
        .enum(EQUIPMENT_OFFLINE_STATES, { error: `expected one of ${EQUIPMENT_OFFLINE_STATES.join(' | ')}` })
        .optional(),
      /** The bus the equipment is on (with `state`). */
      bus: identifier.optional(),
    }),
  ),
  /** Messages waiting in the outbox per class (a gateway older than a class does not list it). */
  outbox: z.partialRecord(z.enum(REPORT_CLASSES), z.number().int().min(0)),
  /** Last measured offset of the gateway clock against central, in milliseconds. */
  clockOffsetMs: z.number().optional(),
  /** The gateway's sites (its config's `sites`): where its schedules run, for previews on central. */
  sites: z.array(siteSchema).max(1000).optional(),
  /** How the gateway serves its local API: over TLS, with its certificate's SHA-256 fingerprint (shown in the console). */
  localApi: z.strictObject({ tls: z.boolean(), fingerprint: z.string().max(200).optional() }).optional(),
});

const envelopeCommon = { gatewayId: identifier, seq };

/** One outbox message, keyed `(gatewayId, seq)`: the unit central deduplicates, orders and acknowledges. */
export const outboxEnvelopeSchema = z.discriminatedUnion('class', [
  z.strictObject({ ...envelopeCommon, class: z.literal('telemetry'), payload: telemetryPayloadSchema }),
  z.strictObject({ ...envelopeCommon, class: z.literal('switching'), payload: switchingPayloadSchema }),
  z.strictObject({ ...envelopeCommon, class: z.literal('output'), payload: outputPayloadSchema }),
  z.strictObject({ ...envelopeCommon, class: z.literal('alarm'), payload: alarmPayloadSchema }),
  z.strictObject({ ...envelopeCommon, class: z.literal('commandResult'), payload: commandResultSchema }),
  z.strictObject({ ...envelopeCommon, class: z.literal('health'), payload: healthPayloadSchema }),
  z.strictObject({ ...envelopeCommon, class: z.literal('bucket'), payload: bucketPayloadSchema }),
  z.strictObject({
    ...envelopeCommon,
    class: z.literal('commissioningReport'),
    payload: commissioningReportPayloadSchema,
  }),
]);
export type OutboxEnvelope = z.output<typeof outboxEnvelopeSchema>;
type Unkeyed<E> = E extends unknown ? Omit<E, 'gatewayId' | 'seq'> : never;
/** What the gateway appends: an envelope before the outbox gives it the gateway id and a seq. */
export type OutboxMessage = Unkeyed<OutboxEnvelope>;
export type TelemetryPayload = z.output<typeof telemetryPayloadSchema>;

const MAX_REPORT_MESSAGES = 1000;

/**
 * Gateway → central: consecutive outbox messages in seq order. `after` is the seq of the outbox message just before
 * the first one (0 if none): any seq in between that central lacks was dropped by downsampling or already
 * acknowledged, so central need not wait for it. Between two messages of a batch the same holds.
 */
export const reportV1Schema = z
  .strictObject({
    type: z.literal('report'),
    v: z.literal(1),
    after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    messages: z.array(outboxEnvelopeSchema).min(1).max(MAX_REPORT_MESSAGES),
  })
  .superRefine((report, ctx) => {
    let previous = report.after;
    report.messages.forEach((message, index) => {
      if (message.seq <= previous) {
        ctx.addIssue({
          code: 'custom',
          message: `expected seq > ${previous} (messages in increasing seq order after "after")`,
          path: ['messages', index, 'seq'],
        });
      }
      previous = message.seq;
    });
  });
export type ReportV1 = z.output<typeof reportV1Schema>;

/** Central → gateway: every seq ≤ `upTo` and each of `seqs` is stored on central; the gateway may delete them. */
export const ackV1Schema = z
  .strictObject({
    type: z.literal('ack'),
    v: z.literal(1),
    upTo: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    seqs: z.array(seq).max(MAX_REPORT_MESSAGES * 10),
  })
  .refine((ack) => ack.seqs.every((s) => s > ack.upTo), {
    error: 'expected only seqs above upTo (those below are already covered)',
    path: ['seqs'],
  });
export type AckV1 = z.output<typeof ackV1Schema>;

const label = z
  .string({ error: 'expected a name (1-200 characters)' })
  .min(1, { error: 'expected a name (1-200 characters)' })
  .max(200, { error: 'expected a name (1-200 characters)' });

/** A point as the gateway's profiles define it: what it is, what values it takes, whether it may be written. */
export const cataloguePointSchema = z.strictObject({
  id: pointId,
  name: label.optional(),
  kind: pointKind,
  type: dataType,
  unit: z.string().max(50).optional(),
  /** Integer values that stand for named states (`{"0": "auto", "1": "forced"}`). */
  states: z.record(z.string().regex(/^-?\d+$/, { error: 'expected an integer key' }), label).optional(),
  /** Engineering values the point can hold (its data type through its scale and offset); absent when unbounded. */
  range: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  /** True when a command or a schedule may write it (command and setpoint points). */
  writable: z.boolean(),
  /** The point that confirms a write of this one. */
  feedback: pointId.optional(),
  /** What the point is for (its profile's tags and those the gateway's config adds): templates bind by tag. */
  tags: tagList.optional(),
  /** Installed power of a lighting output in watts, from the gateway's config (`installedPower`). */
  installedWatts: z
    .number({ error: 'expected watts, a number > 0' })
    .positive({ error: 'expected watts, a number > 0' })
    .max(10_000_000, { error: 'expected watts, a number > 0 and ≤ 10000000' })
    .optional(),
  /** A cumulative counter (an energy meter's index): its profile says `counter: true`. */
  counter: z.literal(true, { error: 'expected true (absent when the point is not a counter)' }).optional(),
});
export type CataloguePoint = z.output<typeof cataloguePointSchema>;

/** One equipment of the gateway's config, with the points of its profile. */
export const catalogueEquipmentSchema = z.strictObject({
  id: identifier,
  name: label.optional(),
  profile: identifier,
  profileName: label.optional(),
  site: identifier.optional(),
  tags: z.array(label).max(50).optional(),
  points: z.array(cataloguePointSchema).max(5000),
});
export type CatalogueEquipment = z.output<typeof catalogueEquipmentSchema>;

export const SCHEDULE_KINDS = ['lighting', 'heating', 'bells'] as const;

/** A schedule the gateway runs from its own config file (not from central's desired state). */
export const catalogueScheduleSchema = z.strictObject({
  id: identifier,
  kind: z.enum(SCHEDULE_KINDS, { error: `expected one of ${SCHEDULE_KINDS.join(' | ')}` }),
  /** What it drives: lighting outputs, heating zones or the bell controller; its priority slot and site. */
  targets: z.strictObject({
    outputs: z.array(pointKey).max(1000).optional(),
    zones: z.array(z.string().min(1).max(200)).max(1000).optional(),
    equipment: identifier.optional(),
    slot: z.enum(['calendar', 'baseline'], { error: 'expected calendar | baseline' }).optional(),
    site: identifier.optional(),
  }),
  /** The schedule document as the gateway parsed it. */
  document: z.json({ error: 'expected a JSON value' }),
  source: z.literal('config'),
});
export type CatalogueSchedule = z.output<typeof catalogueScheduleSchema>;

/**
 * Gateway → central: what the gateway has (equipment and points from its config and profiles) and the schedules it
 * runs from its own config. `hash` identifies the content: the gateway sends it on a connection when central has
 * not confirmed that hash yet (`catalogue.stored`), which after a config change is the first connection.
 */
export const catalogueV1Schema = z.strictObject({
  type: z.literal('catalogue'),
  v: z.literal(1),
  hash: z
    .string({ error: 'expected a content hash (64 hexadecimal digits)' })
    .regex(/^[0-9a-f]{64}$/, { error: 'expected a content hash (64 hexadecimal digits)' }),
  equipment: z.array(catalogueEquipmentSchema).max(1000),
  schedules: z.array(catalogueScheduleSchema).max(1000),
});
export type CatalogueV1 = z.output<typeof catalogueV1Schema>;

/** Central → gateway: the catalogue of that hash is stored; the gateway need not send it again. */
export const catalogueStoredV1Schema = z.strictObject({
  type: z.literal('catalogue.stored'),
  v: z.literal(1),
  hash: catalogueV1Schema.shape.hash,
});
export type CatalogueStoredV1 = z.output<typeof catalogueStoredV1Schema>;

/** One desired item the gateway could not apply, and why (its own words). */
export const desiredRefusalSchema = z.strictObject({
  section: z.enum(DESIRED_SECTIONS, { error: `expected one of ${DESIRED_SECTIONS.join(' | ')}` }),
  key: z.string().min(1).max(200),
  reason: reasonText,
});
export type DesiredRefusal = z.output<typeof desiredRefusalSchema>;

/**
 * Gateway → central: the outcome of applying desired version `version`, item by item. Every item not listed in
 * `refused` runs. Sent after each version applied and again on each connection (the last one), so a result lost
 * with a connection is not lost for good.
 */
export const desiredResultV1Schema = z.strictObject({
  type: z.literal('desired.result'),
  v: z.literal(1),
  version: desiredVersion,
  refused: z.array(desiredRefusalSchema).max(1000),
  at: instant,
});
export type DesiredResultV1 = z.output<typeof desiredResultV1Schema>;
