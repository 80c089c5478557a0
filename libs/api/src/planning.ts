import { z } from 'zod';
import { liveEvent } from './events';
import { instant } from './schemas';

/**
 * The contract of the Planning screen: the schedules a gateway runs, its desired state, a schedule put into it, and
 * what a lighting document does at a gateway's site (lint, a week's transitions, a year of nights), all computed by
 * central with the engine the gateway runs.
 */

export const SCHEDULE_KINDS = ['lighting', 'heating', 'bells'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

const localDate = z.iso.date({ error: 'expected a date "YYYY-MM-DD"' });

/** A schedule a gateway runs: from its own config file (`config`) or from central's desired state (`central`). */
export const gatewaySchedule = z.looseObject({
  id: z.string(),
  kind: z.enum(SCHEDULE_KINDS).nullable(),
  /** What it drives: `outputs` (lighting), `zones` (heating), `equipment` (bells), with `slot` and `site`. */
  targets: z.looseObject({
    outputs: z.array(z.string()).optional(),
    zones: z.array(z.string()).optional(),
    equipment: z.string().optional(),
    slot: z.enum(['calendar', 'baseline']).optional(),
    site: z.string().optional(),
  }),
  document: z.unknown(),
  source: z.enum(['config', 'central']),
  /** A config schedule that a desired schedule of the same id replaces. */
  replacedBy: z.literal('central').nullable().optional(),
  /** A desired schedule: applied by the gateway, pending, or refused (with the gateway's reason). */
  state: z.enum(['applied', 'pending', 'refused']).optional(),
  reason: z.string().nullable().optional(),
});
export type GatewaySchedule = z.output<typeof gatewaySchedule>;

/** `GET /api/gateways/:id/schedules`. */
export const gatewaySchedules = z.looseObject({
  gatewayId: z.string(),
  catalogueReported: z.boolean(),
  schedules: z.array(gatewaySchedule),
});
export type GatewaySchedules = z.output<typeof gatewaySchedules>;

/** `GET /api/gateways/:id/desired`: central's version of the desired state and the version the gateway runs. */
export const desiredState = z.looseObject({
  version: z.number().int(),
  appliedVersion: z.number().int(),
  desired: z.unknown(),
});
export type DesiredState = z.output<typeof desiredState>;

/** `PUT /api/gateways/:id/schedules/:scheduleId` and its `DELETE`: the new desired version. */
export const scheduleChange = z.looseObject({
  gatewayId: z.string(),
  scheduleId: z.string(),
  version: z.number().int(),
});
export type ScheduleChange = z.output<typeof scheduleChange>;

/** One problem of a schedule document: its path (`schedule.programmes.nuit.points[2]`), what, how bad. */
export const scheduleProblem = z.looseObject({
  path: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  nights: z.array(z.string()).optional(),
});
export type ScheduleProblem = z.output<typeof scheduleProblem>;

/** `POST /api/schedules/lint`. */
export const scheduleLint = z.looseObject({ valid: z.boolean(), problems: z.array(scheduleProblem) });
export type ScheduleLint = z.output<typeof scheduleLint>;

/** `POST /api/schedules/preview`: each change (lighting, heating) or ring (bells) with its cause. */
export const schedulePreview = z.looseObject({
  kind: z.enum(SCHEDULE_KINDS),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  transitions: z
    .array(
      z.looseObject({
        at: instant,
        local: z.string(),
        value: z.union([z.boolean(), z.number(), z.string()]),
        /** Heating: the temperature the level asks for, °C. */
        setpoint: z.number().optional(),
        night: z.string(),
        cause: z.looseObject({
          programmeId: z.string(),
          pointIndex: z.number().int(),
          point: z.string().nullable(),
          rule: z.looseObject({ index: z.number().int(), kind: z.string().nullable() }).nullable(),
        }),
      }),
    )
    .optional(),
  /** Bells: each ring, by a programme's ring (`programmeId`, `ringIndex`, `rule`) or a one-off `event`. */
  rings: z
    .array(
      z.looseObject({
        at: instant,
        local: z.string(),
        sequence: z.string(),
        day: z.string(),
        cause: z.looseObject({
          programmeId: z.string().optional(),
          ringIndex: z.number().int().optional(),
          rule: z.looseObject({ index: z.number().int(), kind: z.string().nullable() }).nullable().optional(),
          event: z.number().int().optional(),
          name: z.string().nullable().optional(),
        }),
      }),
    )
    .optional(),
  skipped: z.array(z.looseObject({ message: z.string() })),
});
export type SchedulePreview = z.output<typeof schedulePreview>;

/**
 * `POST /api/schedules/nights`: the nights `from`..`from + days - 1` of a lighting document at a site a gateway
 * reported, in figures (a year strip is 365 of them).
 */
export const nightsRequest = z.strictObject({
  schedule: z.unknown().refine((document) => document !== undefined, { error: 'expected the schedule document' }),
  gatewaySite: z.strictObject({
    gatewayId: z.string({ error: 'expected a gateway id' }).min(1, { error: 'expected a gateway id' }).max(64),
    siteId: z.string({ error: 'expected a site id' }).min(1, { error: 'expected a site id' }).max(64),
  }),
  from: localDate,
  days: z
    .number({ error: 'expected a whole number of nights 1..366' })
    .int({ error: 'expected a whole number of nights 1..366' })
    .min(1, { error: 'expected a whole number of nights 1..366' })
    .max(366, { error: 'expected a whole number of nights 1..366' }),
  horizon: z
    .enum(['usno', 'imcce'], { error: 'expected horizon usno (upper limb) | imcce (centre of the disc)' })
    .optional(),
});
export type NightsRequest = z.input<typeof nightsRequest>;

/** One night (D 12:00 to D+1 12:00 at the site) of a lighting document. */
export const nightSummary = z.looseObject({
  night: localDate,
  /** The programme the calendar chose, null when it cannot tell (school holidays beyond the data). */
  programmeId: z.string().nullable(),
  /** The calendar rule that chose it (its index in `calendar.rules`), null for the default programme. */
  ruleIndex: z.number().int().nullable(),
  sunset: instant.nullable(),
  sunrise: instant.nullable(),
  burnMinutes: z.number(),
  fullPowerMinutes: z.number(),
  darkMinutes: z.number(),
  switchOns: z.number().int(),
  /** Lint codes of that night: `onAfterSunrise`, `shortBurn`, `dstGap`… */
  findings: z.array(z.string()),
});
export type NightSummary = z.output<typeof nightSummary>;

export const nightsResponse = z.looseObject({
  timeZone: z.string(),
  nights: z.array(nightSummary),
});
export type NightsResponse = z.output<typeof nightsResponse>;

/** `desired` live event: the gateway runs version `appliedVersion`, or refused parts of version `resultVersion`. */
export const desiredEvent = liveEvent.extend({
  appliedVersion: z.number().int().optional(),
  resultVersion: z.number().int().optional(),
});
export type DesiredEvent = z.output<typeof desiredEvent>;
