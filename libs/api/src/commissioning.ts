import { z } from 'zod';

/**
 * One procès-verbal de recette of a commune as central lists it (`GET /api/communes/{insee}/commissioning-reports`):
 * which gateway made it, on what, when, its result and who ran the tests; the document itself is
 * `GET …/commissioning-reports/{id}` (HTML, or PDF with `?format=pdf`).
 */
export const commissioningReportSummary = z.looseObject({
  id: z.string(),
  gatewayId: z.string(),
  /** The equipment tested and the sites of the gateway. */
  equipment: z.array(z.string()),
  sites: z.string(),
  /** When the gateway made it (UTC). */
  createdAt: z.string(),
  /** The test run's end: `passed`, `failed` or `aborted`, with its step counts. */
  result: z.string(),
  summary: z.looseObject({ passed: z.number(), failed: z.number(), skipped: z.number(), pending: z.number() }),
  engineer: z.string(),
});
export type CommissioningReportSummary = z.output<typeof commissioningReportSummary>;

/** `?format=html` (the default) or `?format=pdf`. */
export const commissioningReportQuery = z.strictObject({
  format: z.enum(['html', 'pdf'], { error: 'expected html | pdf' }).default('html'),
});
