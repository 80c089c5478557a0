import { identifier, siteSchema } from '@beffroi/domain';
import { bellScheduleSchema, heatingScheduleSchema, scheduleSchema } from '@beffroi/schedule';
import { z } from 'zod';
import { instant } from '../commands/command.dto';

const KIND_ERROR = 'expected kind lighting | heating | bells';

/** Where a schedule runs: what the sun and the local time need (a gateway config's site without its id and name). */
export const siteBody = siteSchema.omit({ id: true, name: true });
export type SiteCoordinates = z.output<typeof siteBody>;

/** A site of a gateway, as the gateway reported it (the `sites` of its config, in its health reports). */
export const gatewaySiteBody = z.strictObject({ gatewayId: identifier, siteId: identifier });
export type GatewaySiteRef = z.output<typeof gatewaySiteBody>;

const BOTH_SITES = 'expected site or gatewaySite, not both';

/** At most one of `site` and `gatewaySite`; at least one when `required`. */
function checkSiteChoice(
  body: { site?: unknown; gatewaySite?: unknown },
  ctx: z.core.$RefinementCtx,
  required: boolean,
): void {
  if (body.site !== undefined && body.gatewaySite !== undefined) {
    ctx.addIssue({ code: 'custom', message: BOTH_SITES, path: ['gatewaySite'] });
  } else if (required && body.site === undefined && body.gatewaySite === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected site {latitude, longitude, altitude?, timeZone} or gatewaySite {gatewayId, siteId}',
      path: ['site'],
    });
  }
}

/**
 * A bound of a range: an ISO-8601 instant with its offset, or a date `YYYY-MM-DD` standing for the start of that
 * night at the site (12:00 local; for bells, the start of that day, 00:00).
 */
const bound = z.union([z.iso.date(), instant], {
  error: 'expected a date "YYYY-MM-DD" or an ISO-8601 instant such as "2027-01-04T12:00:00+01:00"',
});

const horizon = z
  .enum(['usno', 'imcce'], { error: 'expected horizon usno (upper limb) | imcce (centre of the disc)' })
  .default('usno');

/**
 * `POST /api/schedules/lint`: the document is read later by its kind's schema ({@link scheduleDocument}), its
 * problems being the answer (not a 400). With a site, the engine's findings over `from`..`to` (default: a year from
 * today) are added.
 */
export const lintBody = z
  .strictObject({
    kind: z.enum(['lighting', 'heating', 'bells'], { error: KIND_ERROR }),
    schedule: z.unknown().refine((document) => document !== undefined, { error: 'expected the schedule document' }),
    site: siteBody.optional(),
    gatewaySite: gatewaySiteBody.optional(),
    from: bound.optional(),
    to: bound.optional(),
    horizon,
  })
  .superRefine((body, ctx) => {
    checkSiteChoice(body, ctx, false);
    if ((body.from === undefined) !== (body.to === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected from and to together',
        path: [body.to === undefined ? 'to' : 'from'],
      });
    }
    if (body.from !== undefined && body.site === undefined && body.gatewaySite === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected the site the range is checked at', path: ['site'] });
    }
  });
export type LintRequest = z.output<typeof lintBody>;

/** A schedule document with its kind, read by that kind's schema (the one the gateway reads it with). */
const documents = [
  z.strictObject({ kind: z.literal('lighting'), schedule: scheduleSchema }),
  z.strictObject({ kind: z.literal('heating'), schedule: heatingScheduleSchema }),
  z.strictObject({ kind: z.literal('bells'), schedule: bellScheduleSchema }),
] as const;
export const scheduleDocument = z.discriminatedUnion('kind', documents, { error: KIND_ERROR });
export type ScheduleDocument = z.output<typeof scheduleDocument>;

const previewRange = {
  site: siteBody.optional(),
  gatewaySite: gatewaySiteBody.optional(),
  from: bound,
  to: bound,
  horizon,
};

/** `POST /api/schedules/preview`: a valid schedule of its kind, where it runs and the range to plan. */
export const previewBody = z
  .discriminatedUnion(
    'kind',
    [documents[0].extend(previewRange), documents[1].extend(previewRange), documents[2].extend(previewRange)],
    { error: KIND_ERROR },
  )
  .superRefine((body, ctx) => {
    checkSiteChoice(body, ctx, true);
  });
export type PreviewRequest = z.output<typeof previewBody>;
