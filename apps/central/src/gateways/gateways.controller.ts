import {
  alarm,
  command,
  equipmentCatalogue,
  equipmentPoints,
  gatewaySchedules,
  outputExplanation,
  switchings,
} from '@beffroi/api';
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
import { CatalogueCheck } from './catalogue-check';
import { CatalogueService } from './catalogue.service';
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
    private readonly catalogues: CatalogueService,
    private readonly checks: CatalogueCheck,
  ) {}

  /** A gateway trades its one-time code for its credential (no session: the code is the proof). */
  @Public()
  @Post('enrolment')
  @ApiDoc({
    tag: 'gateways',
    summary: 'Enrol a gateway',
    description: 'A gateway trades its one-time code for its credential (no session: the code is the proof).',
    body: enrolmentBody,
    returns:
      "`{gatewayId, credential, communeInsee, fieldKey: {keyId, publicKey}}`: the credential is shown once; `fieldKey` is central's public key for field tokens.",
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
    returns:
      'Equipment and points as the gateway reported them, with their latest values and quality (with names and units: GET /api/gateways/:id/equipment).',
    response: equipmentPoints,
    errors: ['forbidden', 'notFound'],
  })
  points(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.history.points(caller, id);
  }

  @Get('gateways/:id/equipment')
  @ApiDoc({
    tag: 'gateways',
    summary: 'What a gateway has: its equipment and points, with names, units and live values',
    description:
      "From the catalogue the gateway reports on connecting after each change of its config: each equipment (name, profile, site) and its profile's points (name, kind, data type, unit, named states, range, writable, feedback key), with the latest value and quality reported.",
    params: { id: { description: 'The gateway id.' } },
    returns: '`{gatewayId, hash, receivedAt, equipment: [{id, name, profile, profileName, site, points: [...]}]}`.',
    response: equipmentCatalogue,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  equipment(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.catalogues.equipment(caller, id);
  }

  @Get('gateways/:id/schedules')
  @ApiDoc({
    tag: 'schedules',
    summary: 'The schedules a gateway runs',
    description:
      "Those of the gateway's own config (`source: 'config'`, as its catalogue reported them; `replacedBy: 'central'` when a desired schedule of the same id runs instead) beside those of central's desired state (`source: 'central'`, `state` applied | pending | refused with the gateway's `reason`).",
    params: { id: { description: 'The gateway id.' } },
    returns: '`{gatewayId, catalogueReported, schedules: [{id, kind, targets, document, source, ...}]}`.',
    response: gatewaySchedules,
    errors: ['forbidden', 'notFound'],
  })
  schedules(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.catalogues.schedules(caller, id);
  }

  @Get('gateways/:id/outputs/:key')
  @ApiDoc({
    tag: 'gateways',
    summary: 'Why is this output in this state?',
    params: {
      id: { description: 'The gateway id.' },
      key: { description: 'The point key of the output, `<equipment>:<point>`.' },
    },
    returns:
      'Winning slot, owner, expiry, what lies underneath, the reported value and the last switching; `point`: its name, unit and equipment name.',
    response: outputExplanation,
    errors: ['forbidden', 'notFound'],
  })
  async explain(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    const explained = await this.history.explain(caller, id, key);
    return { ...explained, point: (await this.catalogues.labels(id))(key) };
  }

  @Get('gateways/:id/switchings')
  @ApiDoc({
    tag: 'gateways',
    summary: 'Switchings reported by a gateway',
    params: { id: { description: 'The gateway id.' } },
    query: switchingsQuery,
    returns:
      'Every switching, newest first: value, slot, source, command id, result; `point`: the name and unit of its output and its equipment name.',
    response: switchings,
    errors: ['forbidden', 'notFound'],
  })
  async switchings(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    const { limit, pointKey } = parseInput(switchingsQuery, query, 'query');
    return this.catalogues.labelled(id, await this.history.switchings(caller, id, limit, pointKey));
  }

  /** Switch now, override until a time, ring now, or release an override: answered 202 with the queued command. */
  @Post('gateways/:id/commands')
  @HttpCode(202)
  @ApiDoc({
    tag: 'commands',
    summary: 'Send a command',
    description:
      'Switch now, override until a time, ring now, or release an override; `notAfter` defaults to now + 5 min. ' +
      "Checked against the gateway's catalogue: 400 naming the field for an unknown or read-only point, a value of " +
      'the wrong type or outside its states or range, an `until` or `notAfter` in the past or beyond its horizon ' +
      '(`commands.maxUntil`, `commands.maxNotAfter`); 409 while the gateway has not reported its catalogue.',
    params: { id: { description: 'The gateway id.' } },
    body: commandRequestSchema,
    returns: 'The command, queued.',
    response: command,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  async command(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const request = parseInput(commandRequestSchema, body, 'command');
    await this.checks.command(caller, id, request);
    return this.commands.issue(caller, id, request);
  }

  @Get('gateways/:id/commands')
  @ApiDoc({
    tag: 'commands',
    summary: 'Commands of a gateway',
    params: { id: { description: 'The gateway id.' } },
    query: limitQuery,
    returns:
      'Commands, newest first: queued → sent → applied | failed | expired | refused, with reason and sends; `point`: the name and unit of its point and its equipment name.',
    response: z.array(command),
    errors: ['forbidden', 'notFound'],
  })
  async commandsOf(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    const commands = await this.commands.list(caller, id, parseInput(limitQuery, query, 'query').limit);
    return this.catalogues.labelled(id, commands);
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
