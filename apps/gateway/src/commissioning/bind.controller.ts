import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { fieldOf } from '@beffroi/runtime';
import type { Request } from 'express';
import { callerOf } from '../access/local-access.guard';
import { parseInput } from '../gateway.exception';
import { bindRequestSchema, checkRequestSchema } from './bind-request';
import { BindService } from './bind.service';
import { CheckService } from './check.service';

/**
 * Binding a device found by a scan to a new equipment of the gateway, on the local API (central need not be
 * reachable): the live check of a device against a profile, the binding itself (config file written atomically, the
 * equipment polled at once), the unbinding, and the history of the config file's backups.
 */
@Controller('commissioning')
export class BindController {
  constructor(
    private readonly checks: CheckService,
    private readonly binding: BindService,
  ) {}

  @Post('checks')
  @HttpCode(200)
  check(@Body() body: unknown) {
    const request = parseInput(checkRequestSchema, body, 'check');
    return this.checks.check(this.checks.target(request));
  }

  @Post('equipment')
  @HttpCode(201)
  bind(@Body() body: unknown, @Req() request: Request) {
    return this.binding.bind(
      parseInput(bindRequestSchema, body, 'equipment'),
      fieldOf(body, 'bus'),
      callerOf(request)?.login ?? '',
    );
  }

  @Delete('equipment/:id')
  unbind(@Param('id') id: string, @Req() request: Request) {
    return this.binding.unbind(id, callerOf(request)?.login ?? '');
  }

  @Get('config-history')
  history() {
    return this.binding.history();
  }

  @Get('choices')
  choices() {
    return this.binding.choices();
  }
}
