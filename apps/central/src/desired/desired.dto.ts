import { type DesiredScheduleItem, desiredScheduleItemSchema, identifier, inseeCode } from '@beffroi/domain';
import { bellScheduleSchema, heatingScheduleSchema, scheduleSchema } from '@beffroi/schedule';
import { z } from 'zod';

/**
 * A schedule for a gateway's desired state: what it drives and the schedule document itself, checked here by its
 * kind's schema (the gateway checks again that the outputs exist on its equipment).
 */
export const scheduleItemBody = desiredScheduleItemSchema.superRefine((item, ctx) => {
  const schema =
    item.kind === 'lighting' ? scheduleSchema : item.kind === 'heating' ? heatingScheduleSchema : bellScheduleSchema;
  const result = schema.safeParse(item.schedule);
  if (!result.success) {
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['schedule', ...issue.path] });
    }
  }
});

export const pushBody = z.strictObject({
  scheduleId: identifier,
  item: scheduleItemBody,
  communes: z.array(inseeCode).min(1, { error: 'expected at least one commune' }).max(5000),
});

export type ScheduleItem = DesiredScheduleItem;

export const pushesQuery = z.strictObject({
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
});
