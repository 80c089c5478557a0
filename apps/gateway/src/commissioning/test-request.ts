import { z } from 'zod';

const seconds = (min: number, max: number) =>
  z
    .number({ error: `expected a number of seconds ${min}..${max}` })
    .int({ error: `expected a number of seconds ${min}..${max}` })
    .min(min, { error: `expected a number of seconds ${min}..${max}` })
    .max(max, { error: `expected a number of seconds ${min}..${max}` });

const options = z
  .strictObject({
    /** Run the alarm checks (someone provokes each alarm input at the cabinet). */
    alarms: z.boolean({ error: 'expected true or false' }).default(true),
    /** How long an alarm check waits for its input before it fails. */
    promptTimeout: seconds(5, 3600).default(300),
  })
  .default({ alarms: true, promptTimeout: 300 });

/** `POST /commissioning/tests`: one equipment, or every equipment of the gateway (`all: true`). */
export const testRequestSchema = z.union(
  [
    z.strictObject({
      equipment: z.string({ error: 'expected an equipment id' }).min(1, { error: 'expected an equipment id' }),
      options,
    }),
    z.strictObject({ all: z.literal(true, { error: 'expected true' }), options }),
  ],
  { error: 'expected {"equipment": "<id>"} or {"all": true}, with optional "options"' },
);
export type TestRequest = z.output<typeof testRequestSchema>;
export type TestOptions = TestRequest['options'];

/** `POST /commissioning/tests/:id/answer`: the engineer's answer to the prompt awaiting them. */
export const testAnswerSchema = z.strictObject({
  answer: z.enum(['confirm', 'skip'], { error: 'expected "confirm" or "skip"' }),
});
export type TestAnswer = z.output<typeof testAnswerSchema>['answer'];
