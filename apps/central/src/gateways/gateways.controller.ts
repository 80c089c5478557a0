import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { identifier, inseeCode } from '@beffroi/domain';
import { z } from 'zod';
import { CurrentCaller, Public } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode, parseInput } from '../central.exception';
import { commandRequestSchema, limitQuery } from '../commands/command.dto';
import { CommandService } from '../commands/command.service';
import { HistoryService } from '../reports/history.service';
import { GatewayService } from './gateway.service';

export const enrolmentBody = z.strictObject({
  code: z.string({ error: 'expected the enrolment code' }).min(1).max(64),
  gatewayId: identifier,
});

export const switchingsQuery = z.strictObject({
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
  pointKey: z.string().max(200).optional(),
});

export const alarmsQuery = z.strictObject({
  commune: inseeCode.optional(),
  all: z.enum(['true', 'false'], { error: 'expected true | false' }).default('false'),
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
});

@Controller('api')
export class GatewaysController {
  constructor(
    private readonly gateways: GatewayService,
    private readonly commands: CommandService,
    private readonly history: HistoryService,
  ) {}

  /** A gateway trades its one-time code for its credential (no session: the code is the proof). */
  @Public()
  @Post('enrolment')
  enrol(@Body() body: unknown) {
    const { code, gatewayId } = parseInput(enrolmentBody, body, 'enrolment');
    return this.gateways.enrol(code, gatewayId);
  }

  @Get('gateways')
  list(@CurrentCaller() caller: Caller) {
    return this.gateways.list(caller);
  }

  @Get('gateways/:id')
  async gateway(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.gateways.describe(await this.gateways.gateway(caller, id));
  }

  @Post('gateways/:id/revoke')
  @HttpCode(200)
  revoke(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.gateways.revoke(caller, id);
  }

  @Get('gateways/:id/points')
  points(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.history.points(caller, id);
  }

  @Get('gateways/:id/outputs/:key')
  explain(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    return this.history.explain(caller, id, key);
  }

  @Get('gateways/:id/switchings')
  switchings(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    const { limit, pointKey } = parseInput(switchingsQuery, query, 'query');
    return this.history.switchings(caller, id, limit, pointKey);
  }

  /** Switch now, override until a time, ring now, or release an override: answered 202 with the queued command. */
  @Post('gateways/:id/commands')
  @HttpCode(202)
  command(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return this.commands.issue(caller, id, parseInput(commandRequestSchema, body, 'command'));
  }

  @Get('gateways/:id/commands')
  commandsOf(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    return this.commands.list(caller, id, parseInput(limitQuery, query, 'query').limit);
  }

  @Get('commands/:id')
  async commandById(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const command = await this.commands.get(caller, id);
    if (command === undefined) throw new CentralException(CentralExceptionCode.NotFound, `no command ${id}`);
    return command;
  }

  @Get('alarms')
  alarms(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const { commune, all, limit } = parseInput(alarmsQuery, query, 'query');
    return this.history.alarms(caller, { commune, all: all === 'true', limit });
  }

  @Post('alarms/:id/acknowledge')
  @HttpCode(200)
  acknowledge(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const alarmId = parseInput(z.coerce.number({ error: 'expected an alarm id' }).int().min(1), id, 'alarm id');
    return this.history.acknowledge(caller, alarmId);
  }
}
