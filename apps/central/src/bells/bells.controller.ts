import { bellEventAnswer, bellEventRequest, bellSchedules } from '@beffroi/api';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { identifier } from '@beffroi/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { BellsService } from './bells.service';

@Controller('api')
export class BellsController {
  constructor(private readonly service: BellsService) {}

  @Get('gateways/:id/bells')
  @ApiDoc({
    tag: 'schedules',
    summary: 'The bell schedules a gateway runs',
    description:
      'Each bell schedule the gateway runs (from its config, or from central when central replaced it): the equipment ' +
      'it drives, the time zone of its site, its ring sequences with their names, its programmes of daily rings and ' +
      'its one-off events, written as a schedule file writes them. Ring a sequence now with a `ring` command.',
    params: { id: { description: 'The gateway id.' } },
    returns:
      '`{gatewayId, schedules: [{id, equipment, site, timeZone, source, sequences, defaultProgrammeId, programmes, events}]}`.',
    response: bellSchedules,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  bellSchedules(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.service.bells(caller, id);
  }

  @Post('gateways/:id/bells/:scheduleId/events')
  @HttpCode(202)
  @ApiDoc({
    tag: 'schedules',
    summary: 'Add a one-off ring (glas, mariage, baptême, tocsin) to a bell schedule',
    description:
      "`date` and `at` are a local date and time of the schedule's site; `sequence` one of its ring sequences. The " +
      "schedule, the event added, goes into the gateway's desired state (replacing the config's schedule of the same " +
      'id), checked and audited as `PUT /api/gateways/:id/schedules/:scheduleId`. 400 naming the field for an unknown ' +
      'sequence, a time in the past or more than 366 days ahead; 404 for a bell schedule the gateway does not run.',
    params: {
      id: { description: 'The gateway id.' },
      scheduleId: { description: 'The bell schedule id.', schema: identifier },
    },
    body: bellEventRequest,
    returns: "`{gatewayId, scheduleId, version, event, ringsAt}`: the new desired version and the ring's instant.",
    response: bellEventAnswer,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  addBellEvent(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('scheduleId') scheduleId: string,
    @Body() body: unknown,
  ) {
    const checkedId = parseInput(identifier, scheduleId, 'schedule id');
    return this.service.addEvent(caller, id, checkedId, parseInput(bellEventRequest, body, 'bell event'));
  }
}
