import { nightsRequest, nightsResponse, scheduleLint, schedulePreview } from '@beffroi/api';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode, parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { GatewayService } from '../gateways/gateway.service';
import { MAX_LINT_DAYS, MAX_PREVIEW_DAYS, ScheduleCheckService } from './schedule-check.service';
import { type GatewaySiteRef, lintBody, previewBody, type SiteCoordinates } from './schedules.dto';

const RANGE =
  '`from` and `to` are ISO-8601 instants with their offset, or dates `YYYY-MM-DD` standing for the start of that ' +
  'night at the site (12:00 local; for bells, of that day, 00:00).';

/**
 * Lint and preview of a schedule document; any session may use them, at coordinates given or at a site of a gateway
 * the caller may read.
 */
@Controller('api/schedules')
export class SchedulesController {
  constructor(
    private readonly schedules: ScheduleCheckService,
    private readonly gateways: GatewayService,
  ) {}

  @Post('lint')
  @HttpCode(200)
  @ApiDoc({
    tag: 'schedules',
    summary: 'Check a schedule document',
    description:
      "The document is checked by its kind's schema, as a gateway checks it: its problems are the answer, not a 400. " +
      `With a \`site\` (coordinates) or a \`gatewaySite\` (\`{gatewayId, siteId}\`: a site a gateway the caller may ` +
      `read reported from its config), the engine's findings are added (lights on in daylight, short burns, DST gaps and overlaps, ` +
      `heating limits, bell overlaps, undecidable days) over \`from\`..\`to\` (at most ${MAX_LINT_DAYS} days; ` +
      `default: a year from today). ${RANGE}`,
    body: lintBody,
    returns:
      '`{valid, problems: [{path, message, severity, code, nights?}]}`: `valid` is false when a problem is an error; ' +
      '`path` names the field, e.g. `schedule.programmes.nuit.points[2]`.',
    response: scheduleLint,
  })
  async lint(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    const request = parseInput(lintBody, body, 'schedule lint');
    return this.schedules.lint(request, await this.siteOf(caller, request));
  }

  @Post('preview')
  @HttpCode(200)
  @ApiDoc({
    tag: 'schedules',
    summary: 'What a schedule will do at a site',
    description:
      'The transitions (lighting, heating) or rings (bells) of `[from, to)` at `site` (coordinates) or `gatewaySite` ' +
      '(`{gatewayId, siteId}`, as the gateway reported it), planned by the engine the gateway runs, ' +
      `with the points that do not run and why; at most ${MAX_PREVIEW_DAYS} days. ${RANGE}`,
    body: previewBody,
    returns:
      '`{kind, timeZone, from, to, transitions: [{at, local, value, night, cause: {programmeId, pointIndex, point, ' +
      'rule}}], skipped}`; for bells `rings: [{at, local, sequence, day, cause}]` instead of `transitions`.',
    response: schedulePreview,
  })
  async preview(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    const request = parseInput(previewBody, body, 'schedule preview');
    const site = await this.siteOf(caller, request);
    if (site === undefined) {
      throw new CentralException(CentralExceptionCode.InvalidRequest, 'invalid schedule preview: expected a site');
    }
    return this.schedules.preview(request, site);
  }

  @Post('nights')
  @HttpCode(200)
  @ApiDoc({
    tag: 'schedules',
    summary: 'A lighting document night by night (a year strip)',
    description:
      'The nights `from`..`from + days - 1` (at most 366) of a lighting document at a site a gateway the caller may ' +
      'read reported (`gatewaySite`), computed by the engine the gateway runs: for each night the programme and the ' +
      'calendar rule that chose it, sunset and sunrise, minutes burning, at full power and dark, switch-ons, and the ' +
      "lint's codes of that night (`onAfterSunrise`: lit in daylight, `shortBurn`, `dstGap`…). A document its schema " +
      'refuses is a 400 naming each problem (`schedule.programmes.nuit.points[1].at`).',
    body: nightsRequest,
    returns:
      '`{timeZone, nights: [{night, programmeId, ruleIndex, sunset, sunrise, burnMinutes, fullPowerMinutes, ' +
      'darkMinutes, switchOns, findings}]}`.',
    response: nightsResponse,
    errors: ['forbidden', 'notFound'],
  })
  async nights(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    const request = parseInput(nightsRequest, body, 'schedule nights');
    const site = await this.gateways.reportedSite(caller, request.gatewaySite.gatewayId, request.gatewaySite.siteId);
    return this.schedules.nights(request, site);
  }

  /** The coordinates given, or those of a gateway's site (the caller must be allowed to read that gateway). */
  private async siteOf(
    caller: Caller,
    request: { site?: SiteCoordinates | undefined; gatewaySite?: GatewaySiteRef | undefined },
  ): Promise<SiteCoordinates | undefined> {
    if (request.gatewaySite === undefined) return request.site;
    return this.gateways.reportedSite(caller, request.gatewaySite.gatewayId, request.gatewaySite.siteId);
  }
}
