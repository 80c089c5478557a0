import { z } from 'zod';
import { parseLocalDate } from '../time/local-date';
import { ScheduleException } from '../schedule.exception';

/** A `YYYY-MM-DD` text in a data or configuration document, validated and turned into a `LocalDate`. */
export const localDateSchema = z.string({ error: 'expected a date "YYYY-MM-DD"' }).transform((text, ctx) => {
  try {
    return parseLocalDate(text);
  } catch (error) {
    if (!(error instanceof ScheduleException)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});
