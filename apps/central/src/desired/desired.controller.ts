import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { identifier } from '@beffroi/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { pushBody, scheduleItemBody } from './desired.dto';
import { PushService } from './push.service';

@Controller('api')
export class DesiredController {
  constructor(private readonly pushes: PushService) {}

  /** The gateway's desired state (config, schedules, overrides), its version and the version the gateway runs. */
  @Get('gateways/:id/desired')
  desired(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.pushes.desiredOf(caller, id);
  }

  @Put('gateways/:id/schedules/:scheduleId')
  setSchedule(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('scheduleId') scheduleId: string,
    @Body() body: unknown,
  ) {
    return this.pushes.setSchedule(
      caller,
      id,
      parseInput(identifier, scheduleId, 'schedule id'),
      parseInput(scheduleItemBody, body, 'schedule'),
    );
  }

  @Delete('gateways/:id/schedules/:scheduleId')
  removeSchedule(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('scheduleId') scheduleId: string) {
    return this.pushes.setSchedule(caller, id, parseInput(identifier, scheduleId, 'schedule id'), undefined);
  }

  /** A syndicate admin pushes a schedule template to many communes; answered with the progress so far. */
  @Post('templates/push')
  @HttpCode(202)
  push(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.pushes.push(caller, parseInput(pushBody, body, 'push'));
  }

  @Get('pushes/:id')
  progress(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.pushes.progress(caller, id);
  }
}
