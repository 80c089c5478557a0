import { desiredState, scheduleChange } from '@beffroi/api';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { pushProgress, pushSummary } from '@beffroi/api';
import { identifier } from '@beffroi/domain';
import { z } from 'zod';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { CatalogueCheck } from '../gateways/catalogue-check';
import { pushBody, pushesQuery, scheduleItemBody } from './desired.dto';
import { PushService } from './push.service';

@Controller('api')
export class DesiredController {
  constructor(
    private readonly pushes: PushService,
    private readonly checks: CatalogueCheck,
  ) {}

  /** The gateway's desired state (config, schedules, overrides), its version and the version the gateway runs. */
  @Get('gateways/:id/desired')
  @ApiDoc({
    tag: 'schedules',
    summary: 'The desired state of a gateway',
    params: { id: { description: 'The gateway id.' } },
    returns: 'The desired state (config, schedules, overrides), its version and the version the gateway runs.',
    response: desiredState,
    errors: ['forbidden', 'notFound'],
  })
  desired(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.pushes.desiredOf(caller, id);
  }

  @Put('gateways/:id/schedules/:scheduleId')
  @ApiDoc({
    tag: 'schedules',
    summary: "Put a schedule in a gateway's desired state",
    description:
      '`schedule` is the document of a schedule file, checked by the schema of its `kind` (see POST /api/schedules/lint), ' +
      "and against the gateway's catalogue: 400 naming the output, zone or equipment the gateway lacks or that another " +
      'schedule already drives in the same slot; 409 while the gateway has not reported its catalogue.',
    params: {
      id: { description: 'The gateway id.' },
      scheduleId: { description: 'The schedule id (replaces a config schedule of the same id).', schema: identifier },
    },
    body: scheduleItemBody,
    returns: '`{gatewayId, scheduleId, version}`: the new desired version.',
    response: scheduleChange,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  async setSchedule(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('scheduleId') scheduleId: string,
    @Body() body: unknown,
  ) {
    const checkedId = parseInput(identifier, scheduleId, 'schedule id');
    const item = parseInput(scheduleItemBody, body, 'schedule');
    await this.checks.schedule(caller, id, checkedId, item);
    return this.pushes.setSchedule(caller, id, checkedId, item);
  }

  @Delete('gateways/:id/schedules/:scheduleId')
  @ApiDoc({
    tag: 'schedules',
    summary: "Remove a schedule from a gateway's desired state",
    params: {
      id: { description: 'The gateway id.' },
      scheduleId: { description: 'The schedule id.', schema: identifier },
    },
    returns: '`{gatewayId, scheduleId, version}`: the new desired version.',
    response: scheduleChange,
    errors: ['forbidden', 'notFound'],
  })
  removeSchedule(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('scheduleId') scheduleId: string) {
    return this.pushes.setSchedule(caller, id, parseInput(identifier, scheduleId, 'schedule id'), undefined);
  }

  /** A syndicate admin pushes a schedule template to many communes; answered with the progress so far. */
  @Post('templates/push')
  @HttpCode(202)
  @ApiDoc({
    tag: 'templates',
    summary: 'Push a schedule template to many communes',
    description: 'A syndicate admin puts the schedule into the desired state of every gateway of the communes.',
    body: pushBody,
    returns: 'The push and its progress so far.',
    response: pushProgress,
    errors: ['forbidden', 'notFound'],
  })
  push(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.pushes.push(caller, parseInput(pushBody, body, 'push'));
  }

  @Get('pushes')
  @ApiDoc({
    tag: 'templates',
    summary: 'Past pushes',
    description: "The pushes to communes of the caller's tenant, newest first.",
    query: pushesQuery,
    returns:
      'Each push: id, scheduleId, templateId and templateVersion (of a template push), createdBy, createdAt and ' +
      '`summary`, its count of targets per state.',
    response: z.array(pushSummary),
  })
  pushList(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    return this.pushes.list(caller, parseInput(pushesQuery, query, 'query').limit);
  }

  @Get('pushes/:id')
  @ApiDoc({
    tag: 'templates',
    summary: 'Progress of a push',
    params: { id: { description: 'The push id.' } },
    returns:
      "Per commune and gateway: applied, refused (with the gateway's reason), pending (connected, not applied yet), " +
      'offline, no-gateway, no-output (a template whose tag nothing carries on that gateway, with the reason); ' +
      '`bound` lists what a template bound to; `summary` counts each.',
    response: pushProgress,
    errors: ['forbidden', 'notFound'],
  })
  progress(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.pushes.progress(caller, id);
  }
}
