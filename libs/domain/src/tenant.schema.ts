import { z } from 'zod';
import { identifier, nonEmptyText } from './common.schema';

/** INSEE commune code: 5 characters, Corsica uses 2A/2B, overseas departments start with 97. */
export const inseeCode = z
  .string({ error: 'expected an INSEE commune code such as "02691" (quote it in YAML)' })
  .regex(/^(?:\d{2}|2A|2B)\d{3}$/, { error: 'expected an INSEE commune code such as "02691" (quote it in YAML)' });

/** Department of a commune from its INSEE code: `02`, `2A`, `974`. */
export function departmentOf(insee: string): string {
  return insee.startsWith('97') ? insee.slice(0, 3) : insee.slice(0, 2);
}

export const syndicateSchema = z.strictObject({
  id: identifier,
  name: nonEmptyText,
});
export type Syndicate = z.output<typeof syndicateSchema>;

export const communeSchema = z.strictObject({
  insee: inseeCode,
  name: nonEmptyText,
  syndicateId: identifier.optional(),
});
export type Commune = z.output<typeof communeSchema>;
