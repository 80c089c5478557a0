import { type TemplateItem, templateCreateRequest, templateVersionRequest } from '@beffroi/api';
import { bellScheduleSchema, heatingScheduleSchema, scheduleSchema } from '@beffroi/schedule';
import type { z } from 'zod';

/** The template's schedule document checked by its kind's schema, problems under `item.schedule`. */
function checkDocument(item: TemplateItem, ctx: z.core.$RefinementCtx): void {
  const schema =
    item.kind === 'lighting' ? scheduleSchema : item.kind === 'heating' ? heatingScheduleSchema : bellScheduleSchema;
  const result = schema.safeParse(item.schedule);
  if (!result.success) {
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['item', 'schedule', ...issue.path] });
    }
  }
}

/** `POST /api/templates`, its schedule document checked as a schedule file would be. */
export const templateCreateBody = templateCreateRequest.superRefine((body, ctx) => {
  checkDocument(body.item, ctx);
});

/** `POST /api/templates/:id/versions`, likewise. */
export const templateVersionBody = templateVersionRequest.superRefine((body, ctx) => {
  checkDocument(body.item, ctx);
});
