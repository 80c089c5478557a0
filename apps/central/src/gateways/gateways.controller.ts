import { alarm, command, equipmentPoints, outputExplanation, switchings } from '@beffroi/api';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { identifier, inseeCode } from '@beffroi/domain';
import { z } from 'zod';
import { CurrentCaller, Public } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode, parseInput } from '../central.exception';
import { commandRequestSchema, limitQuery } from '../commands/command.dto';
import { CommandService } from '../commands/command.service';
import { ApiDoc } from '../docs/api-doc.decorator';
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

export const alarmId = z.coerce.number({ error: 'expected an alarm id' }).int().min(1);

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
  @ApiDoc({
    tag: 'gateways',
    summary: 'Enrol a gateway',
    description: 'A gateway trades its one-time code for its credential (no session: the code is the proof).',
    body: enrolmentBody,
    returns: '`{gatewayId, credential, communeInsee}`: the credential is shown once.',
    errors: ['badEnrolmentCode', 'conflict'],
  })
  enrol(@Body() body: unknown) {
    const { code, gatewayId } = parseInput(enrolmentBody, body, 'enrolment');
    return this.gateways.enrol(code, gatewayId);
  }

  @Get('gateways')
  @ApiDoc({
    tag: 'gateways',
    summary: "The gateways of the caller's tenant",
    returns: 'Each gateway: online or offline, last seen, clock offset, desired and applied versions, last health.',
  })
  list(@CurrentCaller() caller: Caller) {
    return this.gateways.list(caller);
  }

  @Get('gateways/:id')
  @ApiDoc({
    tag: 'gateways',
    summary: 'One gateway',
    params: { id: { description: 'The gateway id.' } },
    returns: 'The gateway: online or offline, last seen, clock offset, desired and applied versions, last health.',
    errors: ['forbidden', 'notFound'],
  })
  async gateway(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.gateways.describe(await this.gateways.gateway(caller, id));
  }

  @Post('gateways/:id/revoke')
  @HttpCode(200)
  @ApiDoc({
    tag: 'gateways',
    summary: 'Revoke a gateway',
    description: 'Its credential is refused from now on and its connection closed.',
    params: { id: { description: 'The gateway id.' } },
    returns: 'The gateway, revoked.',
    errors: ['forbidden', 'notFound'],
  })
  revoke(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.gateways.revoke(caller, id);
  }

  @Get('gateways/:id/points')
  @ApiDoc({
    tag: 'gateways',
    summary: 'Equipment and points of a gateway',
    params: { id: { description: 'The gateway id.' } },
    returns: 'Equipment and points as the gateway reported them, with their latest values and quality.',
    response: equipmentPoints,
    errors: ['forbidden', 'notFound'],
  })
  points(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.history.points(caller, id);
  }

  @Get('gateways/:id/outputs/:key')
  @ApiDoc({
    tag: 'gateways',
    summary: 'Why is this output in this state?',
    params: {
      id: { description: 'The gateway id.' },
      key: { description: 'The point key of the output, `<equipment>:<point>`.' },
    },
    returns: 'Winning slot, owner, expiry, what lies underneath, the reported value and the last switching.',
    response: outputExplanation,
    errors: ['forbidden', 'notFound'],
  })
  explain(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    return this.history.explain(caller, id, key);
  }

  @Get('gateways/:id/switchings')
  @ApiDoc({
    tag: 'gateways',
    summary: 'Switchings reported by a gateway',
    params: { id: { description: 'The gateway id.' } },
    query: switchingsQuery,
    returns: 'Every switching, newest first: value, slot, source, command id, result.',
    response: switchings,
    errors: ['forbidden', 'notFound'],
  })
  switchings(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    const { limit, pointKey } = parseInput(switchingsQuery, query, 'query');
    return this.history.switchings(caller, id, limit, pointKey);
  }

  /** Switch now, override until a time, ring now, or release an override: answered 202 with the queued command. */
  @Post('gateways/:id/commands')
  @HttpCode(202)
  @ApiDoc({
    tag: 'commands',
    summary: 'Send a command',
    description:
      'Switch now, override until a time, ring now, or release an override; `notAfter` defaults to now + 5 min.',
    params: { id: { description: 'The gateway id.' } },
    body: commandRequestSchema,
    returns: 'The command, queued.',
    response: command,
    errors: ['forbidden', 'notFound'],
  })
  command(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return this.commands.issue(caller, id, parseInput(commandRequestSchema, body, 'command'));
  }

  @Get('gateways/:id/commands')
  @ApiDoc({
    tag: 'commands',
    summary: 'Commands of a gateway',
    params: { id: { description: 'The gateway id.' } },
    query: limitQuery,
    returns: 'Commands, newest first: queued → sent → applied | failed | expired | refused, with reason and sends.',
    response: z.array(command),
    errors: ['forbidden', 'notFound'],
  })
  commandsOf(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    return this.commands.list(caller, id, parseInput(limitQuery, query, 'query').limit);
  }

  @Get('commands/:id')
  @ApiDoc({
    tag: 'commands',
    summary: 'One command',
    params: { id: { description: 'The command id.' } },
    returns: 'The command and its lifecycle.',
    errors: ['forbidden', 'notFound'],
  })
  async commandById(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const command = await this.commands.get(caller, id);
    if (command === undefined) throw new CentralException(CentralExceptionCode.NotFound, `no command ${id}`);
    return command;
  }

  @Get('alarms')
  @ApiDoc({
    tag: 'alarms',
    summary: "Alarms of the caller's tenant",
    query: alarmsQuery,
    returns: 'Open alarms (all with `all=true`), newest first.',
    response: z.array(alarm),
    errors: ['forbidden', 'notFound'],
  })
  alarms(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const { commune, all, limit } = parseInput(alarmsQuery, query, 'query');
    return this.history.alarms(caller, { commune, all: all === 'true', limit });
  }

  @Post('alarms/:id/acknowledge')
  @HttpCode(200)
  @ApiDoc({
    tag: 'alarms',
    summary: 'Acknowledge an alarm',
    params: { id: { description: 'The alarm id.', schema: alarmId } },
    returns: 'The alarm, acknowledged.',
    response: alarm,
    errors: ['forbidden', 'notFound'],
  })
  acknowledge(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.history.acknowledge(caller, parseInput(alarmId, id, 'alarm id'));
  }
}
