import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  fleet,
  fleetMap,
  pushProgress,
  template,
  templateBinding,
  templatePushRequest,
  templateSummary,
} from '@beffroi/api';
import { z } from 'zod';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { FleetService } from '../fleet/fleet.service';
import { templateCreateBody, templateVersionBody } from './template.dto';
import { TemplateService } from './template.service';

/** A syndicate's templates by tag, their pushes to communes, and its fleet. */
@Controller('api')
export class TemplatesController {
  constructor(
    private readonly templates: TemplateService,
    private readonly fleetService: FleetService,
  ) {}

  @Post('templates')
  @ApiDoc({
    tag: 'templates',
    summary: 'Create a schedule template that targets outputs by tag',
    description:
      'A syndicate admin creates version 1 of a template: `item` says what it drives by tag (`lighting`: outputs, ' +
      '`heating`: zones, `bells`: the bell controller) and its schedule document, checked by its kind. Its id becomes ' +
      'the schedule id on the gateways it is pushed to. 409 when the syndicate already has a template of that id.',
    body: templateCreateBody,
    returns: 'The template with its history.',
    response: template,
    errors: ['forbidden', 'conflict'],
  })
  createTemplate(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.templates.create(caller, parseInput(templateCreateBody, body, 'template'));
  }

  @Get('templates')
  @ApiDoc({
    tag: 'templates',
    summary: "The syndicate's templates",
    description: 'Syndicate accounts only; a commune account gets 403.',
    returns: 'Each template: id, name, current version, kind, tag, last author and date.',
    response: z.array(templateSummary),
    errors: ['forbidden'],
  })
  listTemplates(@CurrentCaller() caller: Caller) {
    return this.templates.list(caller);
  }

  @Get('templates/:id/versions')
  @ApiDoc({
    tag: 'templates',
    summary: 'A template and its history',
    params: { id: { description: 'The template id.' } },
    returns: 'The current version (item, author, dates) and every version, newest first.',
    response: template,
    errors: ['forbidden', 'notFound'],
  })
  getTemplate(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.templates.template(caller, id);
  }

  @Post('templates/:id/versions')
  @ApiDoc({
    tag: 'templates',
    summary: 'The next version of a template',
    description: 'A syndicate admin writes a new version (a new item, optionally a new name and a comment).',
    params: { id: { description: 'The template id.' } },
    body: templateVersionBody,
    returns: 'The template with its history.',
    response: template,
    errors: ['forbidden', 'notFound'],
  })
  newTemplateVersion(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return this.templates.newVersion(caller, id, parseInput(templateVersionBody, body, 'template version'));
  }

  @Get('templates/:id/bindings/:insee')
  @ApiDoc({
    tag: 'templates',
    summary: 'What a template would bind to in one commune, before a push',
    description:
      "Syndicate accounts only. Binds the template's current version by tag on each gateway of the commune, as a push " +
      'would, without changing anything: the outputs (zones, bell controller) it would drive, or why nothing binds, and ' +
      'the site where it would run (for `POST /api/schedules/preview` and `/nights` with `gatewaySite`).',
    params: { id: { description: 'The template id.' }, insee: { description: 'The INSEE code of a commune.' } },
    returns: 'The template (version, kind, tag, schedule document) and, per gateway, what it binds and at which site.',
    response: templateBinding,
    errors: ['forbidden', 'notFound'],
  })
  templateBinding(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('insee') insee: string) {
    return this.templates.binding(caller, id, insee);
  }

  @Post('templates/:id/push')
  @HttpCode(202)
  @ApiDoc({
    tag: 'templates',
    summary: 'Push a template to communes',
    description:
      'A syndicate admin pushes the current version to all its communes, a department, a list, or the communes with ' +
      'an output carrying a tag. On each gateway the template binds to what carries its tag there; a gateway with ' +
      'nothing tagged is `no-output`, with the reason. Progress follows on GET /api/pushes/{id} and as `push` events.',
    params: { id: { description: 'The template id.' } },
    body: templatePushRequest,
    returns: 'The push and its progress so far, with what the template bound to on each gateway.',
    response: pushProgress,
    errors: ['forbidden', 'notFound'],
  })
  pushTemplate(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return this.templates.push(caller, id, parseInput(templatePushRequest, body, 'push').communes);
  }

  @Post('pushes/:id/retry')
  @HttpCode(202)
  @ApiDoc({
    tag: 'templates',
    summary: 'Push again to the refused, offline and unbound targets of a push',
    description:
      'A template binds again to what each gateway reports now; each retried gateway gets a new desired version.',
    params: { id: { description: 'The push id.' } },
    returns: 'The push and its progress.',
    response: pushProgress,
    errors: ['forbidden', 'notFound'],
  })
  retryPush(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.templates.retry(caller, id);
  }

  @Get('fleet/map')
  @ApiDoc({
    tag: 'gateways',
    summary: "The map of the caller's fleet: tiles and every site",
    description:
      "The tile URL template and attribution of central's config (`map.tiles`; null: draw a plain background), and " +
      'each site the gateways reported (their health) or their equipment names (their catalogue), with its coordinates ' +
      'when they are usable (null when missing or out of range) and the state of its gateway: `offline`, `alarm` ' +
      '(online with open alarms) or `online`. A gateway that reported no site is one entry without coordinates.',
    returns: 'The tiles and the sites.',
    response: fleetMap,
  })
  fleetMap(@CurrentCaller() caller: Caller) {
    return this.fleetService.map(caller);
  }

  @Get('fleet')
  @ApiDoc({
    tag: 'gateways',
    summary: "Every commune and gateway of the caller's tenant",
    returns:
      'Per commune: its gateways (online and since when, last contact, desired and applied versions, up to date, clock ' +
      'offset, open alarms by severity) and its open alarms by severity.',
    response: fleet,
  })
  fleet(@CurrentCaller() caller: Caller) {
    return this.fleetService.fleet(caller);
  }
}
