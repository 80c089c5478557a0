import { z } from 'zod';
import { parseLocalDate } from '../time/local-date';

/** A `YYYY-MM-DD` text in a data or configuration document, validated and turned into a `LocalDate`. */
export const localDateSchema = z.string({ error: 'expected a date "YYYY-MM-DD"' }).transform((text, ctx) => {
  try {
    return parseLocalDate(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
