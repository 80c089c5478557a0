import { identifier, inseeCode } from '@beffroi/domain';
import { z } from 'zod';
import { instant } from './common.schema';

/**
 * Most bytes (UTF-8 JSON) of one procès-verbal de recette sent to central. A report of a gateway at its largest
 * config with every step tested stays under it; it keeps one outbox message well inside a sync frame (4 MiB).
 */
export const MAX_COMMISSIONING_REPORT_BYTES = 512 * 1024;

const text = (max: number) => z.string().max(max);
const label = z.string().min(1).max(200);
const count = z.number().int().min(0).max(1_000_000);

const stepSchema = z.strictObject({
  equipment: identifier,
  kind: z.enum(['circuit', 'setpoint', 'strike', 'alarm', 'restore'], {
    error: 'expected circuit | setpoint | strike | alarm | restore',
  }),
  key: text(300),
  name: text(300),
  state: z.enum(['pending', 'running', 'awaiting', 'passed', 'failed', 'skipped'], {
    error: 'expected pending | running | awaiting | passed | failed | skipped',
  }),
  /** Measured latencies, ms, by what was measured (`on`, `off`, `readBack`, `strike`, `seen`). */
  latencyMs: z.record(z.string().min(1).max(50), z.number().min(0)),
  detail: text(2000).optional(),
});

const equipmentSchema = z.strictObject({
  id: identifier,
  unit: z.number().int().nullable(),
  site: identifier.nullable(),
  profile: text(200),
  vendor: text(200).nullable(),
  model: text(200).nullable(),
  identification: z.record(z.string().max(100), text(500)),
});

/**
 * The procès-verbal de recette as the gateway made it (docs/commissioning.md): everything it prints, fixed when it
 * was made, so that the HTML and the PDF central makes from it are the document the gateway gives. Central gets this
 * content rather than the PDF's bytes (docs/sync.md): a tenth of the size, checked field by field, and rendered by
 * the same code on both sides.
 */
export const acceptanceReportSchema = z.strictObject({
  id: z.uuid({ error: 'expected the report id (a UUID)' }),
  createdAt: instant,
  /** The time zone dates are printed in (the first site's). */
  timeZone: text(100).min(1),
  commune: z.strictObject({ insee: inseeCode, name: label }),
  sites: z
    .array(z.strictObject({ id: identifier, name: label, latitude: z.number(), longitude: z.number() }))
    .max(1000),
  gateway: z.strictObject({ id: identifier, version: text(100), node: text(100) }),
  buses: z
    .array(
      z.strictObject({
        id: identifier,
        protocol: text(50),
        target: text(500),
        equipment: z.array(equipmentSchema).max(1000),
      }),
    )
    .max(100),
  run: z.strictObject({
    id: text(100).min(1),
    state: z.enum(['running', 'passed', 'failed', 'aborted'], {
      error: 'expected running | passed | failed | aborted',
    }),
    startedBy: label,
    startedAt: instant,
    endedAt: instant.optional(),
    summary: z.strictObject({ passed: count, failed: count, skipped: count, pending: count }),
    steps: z.array(stepSchema).max(20_000),
  }),
  schedules: z.strictObject({
    fingerprint: text(64),
    next24h: z.array(z.strictObject({ at: instant, schedule: identifier, what: text(500) })).max(10_000),
  }),
  /** `reachable: false`: central could not be reached when the report was made ("central injoignable"). */
  central: z.strictObject({
    reachable: z.boolean(),
    clockOffsetMs: z.number().nullable(),
    roundTripMs: z.number().nullable(),
    status: text(200),
  }),
  /** What the engineer measured and wrote (NF C 17-200 acceptance checks), and who signs. */
  fields: z.strictObject({
    insulationResistanceMOhm: z.number().min(0).max(10_000),
    earthResistanceOhm: z.number().min(0).max(10_000),
    rcdTripTimeMs: z.number().min(0).max(10_000),
    remarks: text(4000),
    engineer: label,
    representative: label.optional(),
  }),
});
export type AcceptanceReport = z.output<typeof acceptanceReportSchema>;

/** Size of a report as it travels: its JSON in UTF-8. */
export function commissioningReportBytes(report: unknown): number {
  return new TextEncoder().encode(JSON.stringify(report)).length;
}

/**
 * The outbox payload of class `commissioningReport`: a report, at most {@link MAX_COMMISSIONING_REPORT_BYTES}. The
 * gateway refuses to make a larger one (nothing it accepted could then be lost on the way), and central refuses it.
 */
export const commissioningReportPayloadSchema = acceptanceReportSchema.superRefine((report, ctx) => {
  const bytes = commissioningReportBytes(report);
  if (bytes > MAX_COMMISSIONING_REPORT_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a procès-verbal of at most ${MAX_COMMISSIONING_REPORT_BYTES} bytes of JSON, got ${bytes}`,
    });
  }
});
