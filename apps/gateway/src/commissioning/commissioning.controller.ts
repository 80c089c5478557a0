import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { callerOf } from '../access/local-access.guard';
import { parseInput } from '../gateway.exception';
import { CommissioningService } from './commissioning.service';
import { identifyRequestSchema, scanRequestSchema } from './scan-request';

/**
 * Field commissioning on the local API (central need not be reachable): scans of an RTU bus, a Modbus TCP endpoint or
 * an OPC UA endpoint, and the identification of one unit, each with the profiles proposed for what answers.
 */
@Controller('commissioning')
export class CommissioningController {
  constructor(private readonly commissioning: CommissioningService) {}

  @Post('scans')
  @HttpCode(202)
  start(@Body() body: unknown, @Req() request: Request) {
    const scan = this.commissioning.start(parseInput(scanRequestSchema, body, 'scan'), callerOf(request)?.login ?? '');
    return { id: scan.id, state: scan.state, target: scan.target, startedBy: scan.startedBy };
  }

  @Get('scans')
  list() {
    return this.commissioning.list();
  }

  @Get('scans/:id')
  get(@Param('id') id: string) {
    return this.commissioning.get(id);
  }

  @Delete('scans/:id')
  stop(@Param('id') id: string) {
    return this.commissioning.stop(id);
  }

  @Post('identify')
  @HttpCode(200)
  identify(@Body() body: unknown) {
    return this.commissioning.identify(parseInput(identifyRequestSchema, body, 'identification'));
  }
}
