import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { MAX_LINT_DAYS, MAX_PREVIEW_DAYS, ScheduleCheckService } from './schedule-check.service';
import { lintBody, previewBody } from './schedules.dto';

const RANGE =
  '`from` and `to` are ISO-8601 instants with their offset, or dates `YYYY-MM-DD` standing for the start of that ' +
  'night at the site (12:00 local; for bells, of that day, 00:00).';

/** Lint and preview of a schedule document; any session may use them (they read nothing of a tenant). */
@Controller('api/schedules')
export class SchedulesController {
  constructor(private readonly schedules: ScheduleCheckService) {}

  @Post('lint')
  @HttpCode(200)
  @ApiDoc({
    tag: 'schedules',
    summary: 'Check a schedule document',
    description:
      "The document is checked by its kind's schema, as a gateway checks it: its problems are the answer, not a 400. " +
      `With a \`site\`, the engine's findings are added (lights on in daylight, short burns, DST gaps and overlaps, ` +
      `heating limits, bell overlaps, undecidable days) over \`from\`..\`to\` (at most ${MAX_LINT_DAYS} days; ` +
      `default: a year from today). ${RANGE}`,
    body: lintBody,
    returns:
      '`{valid, problems: [{path, message, severity, code, nights?}]}`: `valid` is false when a problem is an error; ' +
      '`path` names the field, e.g. `schedule.programmes.nuit.points[2]`.',
  })
  lint(@Body() body: unknown) {
    return this.schedules.lint(parseInput(lintBody, body, 'schedule lint'));
  }

  @Post('preview')
  @HttpCode(200)
  @ApiDoc({
    tag: 'schedules',
    summary: 'What a schedule will do at a site',
    description:
      'The transitions (lighting, heating) or rings (bells) of `[from, to)`, planned by the engine the gateway runs, ' +
      `with the points that do not run and why; at most ${MAX_PREVIEW_DAYS} days. ${RANGE}`,
    body: previewBody,
    returns:
      '`{kind, timeZone, from, to, transitions: [{at, local, value, night, cause: {programmeId, pointIndex, point, ' +
      'rule}}], skipped}`; for bells `rings: [{at, local, sequence, day, cause}]` instead of `transitions`.',
  })
  preview(@Body() body: unknown) {
    return this.schedules.preview(parseInput(previewBody, body, 'schedule preview'));
  }
}
