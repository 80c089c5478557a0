import { z } from 'zod';

const measure = (what: string, unit: string, max: number) =>
  z
    .number({ error: `expected ${what} in ${unit}, a number 0..${max}` })
    .min(0, { error: `expected ${what} in ${unit}, a number 0..${max}` })
    .max(max, { error: `expected ${what} in ${unit}, a number 0..${max}` });
const name = z
  .string({ error: 'expected a name' })
  .trim()
  .min(1, { error: 'expected a name' })
  .max(200, { error: 'expected at most 200 characters' });

/** What the engineer measures and writes on the procès-verbal (NF C 17-200 acceptance checks), and who signs. */
export const reportFieldsSchema = z.strictObject({
  /** Résistance d'isolement, MΩ. */
  insulationResistanceMOhm: measure('the insulation resistance', 'MΩ', 10_000),
  /** Résistance de la prise de terre, Ω. */
  earthResistanceOhm: measure('the earth resistance', 'Ω', 10_000),
  /** Temps de déclenchement du dispositif différentiel, ms. */
  rcdTripTimeMs: measure('the RCD trip time', 'ms', 10_000),
  remarks: z.string({ error: 'expected text' }).max(4000, { error: 'expected at most 4000 characters' }).default(''),
  /** Who ran the tests (the technicien) and who accepts the work for the commune. */
  engineer: name,
  representative: name.optional(),
});
export type ReportFields = z.output<typeof reportFieldsSchema>;

/** `POST /commissioning/reports`: a finished test run and the fields the engineer filled. */
export const reportRequestSchema = z.strictObject({
  run: z.string({ error: 'expected the id of a test run (GET /commissioning/tests)' }).min(1),
  fields: reportFieldsSchema,
});
export type ReportRequest = z.output<typeof reportRequestSchema>;
