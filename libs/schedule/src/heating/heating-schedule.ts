import { numberIn } from '@beffroi/domain/common.schema';
import { validateDocument } from '@beffroi/domain/validation/parse-document';
import { z } from 'zod';
import { heatingLevelSchema, type HeatingLevel } from '../programme/programme';
import { checkProgrammeReferences, type Schedule, scheduleShapeFor } from '../programme/schedule';

/** The temperature each level asks for, °C. */
export type HeatingSetpoints = Readonly<Record<HeatingLevel, number>>;

/**
 * A heating schedule: a calendar choosing programmes whose switch points set a level (comfort, eco, frost), and the
 * setpoints those levels stand for. Days run noon to noon like lighting nights: an evening booking is one piece,
 * and a morning belongs to the previous date's programme.
 */
export interface HeatingSchedule extends Schedule {
  readonly setpoints: HeatingSetpoints;
}

/**
 * French limits on heating public buildings (Code de l'énergie, art. R241-26 to R241-29): 19 °C on average while
 * occupied, 16 °C when unoccupied for 24 to 48 hours, 8 °C (frost protection) beyond 48 hours.
 */
export const HEATING_LIMITS = {
  occupiedMaxCelsius: 19,
  unoccupiedMaxCelsius: 16,
  longAbsenceMaxCelsius: 8,
  /** Unoccupied this long or more: the 8 °C limit applies. */
  longAbsenceHours: 48,
} as const;

const setpoint = numberIn(5, 30, ' °C');

export const heatingScheduleSchema = z
  .object({
    setpoints: z.object({ comfort: setpoint, eco: setpoint, frost: setpoint }).strict(),
    ...scheduleShapeFor(heatingLevelSchema),
  })
  .strict()
  .superRefine((schedule, ctx) => {
    checkProgrammeReferences(schedule, ctx);
    const { comfort, eco, frost } = schedule.setpoints;
    if (eco > comfort) {
      ctx.addIssue({
        code: 'custom',
        message: `eco (${eco} °C) is above comfort (${comfort} °C)`,
        path: ['setpoints', 'eco'],
      });
    }
    if (frost > eco) {
      ctx.addIssue({
        code: 'custom',
        message: `frost (${frost} °C) is above eco (${eco} °C)`,
        path: ['setpoints', 'frost'],
      });
    }
  }) satisfies z.ZodType<HeatingSchedule>;

/** Validates a heating schedule document; throws a `DocumentException` naming `source` and each problem's path. */
export function parseHeatingSchedule(input: unknown, source: string): HeatingSchedule {
  return validateDocument(heatingScheduleSchema, input, source);
}
