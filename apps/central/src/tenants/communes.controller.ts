import { commune, communeSummary, enrolmentCode } from '@beffroi/api';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { inseeCode } from '@beffroi/domain';
import { z } from 'zod';
import { AuditLog } from '../audit.service';
import { CurrentCaller } from '../auth/auth.guard';
import { type Caller, requireRole } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { GatewayService } from '../gateways/gateway.service';
import { describeCommune, TenantService } from './tenant.service';

export const addCommunesBody = z.union(
  [
    z.strictObject({ insee: z.array(inseeCode).min(1, { error: 'expected at least one INSEE code' }).max(5000) }),
    z.strictObject({
      department: z
        .string({ error: 'expected a department code such as "02", "2A" or "974"' })
        .regex(/^(?:\d{2}|2A|2B|97\d)$/, { error: 'expected a department code such as "02", "2A" or "974"' }),
    }),
  ],
  { error: 'expected {"insee": ["02691", …]} or {"department": "02"}' },
);

export const auditQuery = z.strictObject({
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
  commune: inseeCode.optional(),
});

@Controller('api')
export class CommunesController {
  constructor(
    private readonly tenants: TenantService,
    private readonly gateways: GatewayService,
    private readonly audit: AuditLog,
  ) {}

  @Get('communes')
  @ApiDoc({
    tag: 'communes',
    summary: "The communes of the caller's tenant",
    returns: 'The communes.',
    response: z.array(communeSummary),
  })
  communes(@CurrentCaller() caller: Caller) {
    return this.tenants.communes(caller);
  }

  /** A syndicate admin adds communes to its syndicate, by INSEE code or a whole department at once. */
  @Post('communes')
  @ApiDoc({
    tag: 'communes',
    summary: 'Add communes to the syndicate',
    description: 'By INSEE code, or a whole department at once (official names from @etalab/decoupage-administratif).',
    body: addCommunesBody,
    returns: 'The communes added.',
    errors: ['forbidden', 'conflict'],
  })
  addCommunes(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.tenants.addCommunes(caller, parseInput(addCommunesBody, body, 'communes'));
  }

  @Get('communes/:insee')
  @ApiDoc({
    tag: 'communes',
    summary: 'One commune with its gateways',
    params: { insee: { description: 'The INSEE code of the commune.', schema: inseeCode } },
    returns: 'The commune and its gateways.',
    response: commune,
    errors: ['forbidden', 'notFound'],
  })
  async commune(@CurrentCaller() caller: Caller, @Param('insee') insee: string) {
    const commune = await this.tenants.commune(caller, parseInput(inseeCode, insee, 'INSEE code'));
    return { ...describeCommune(commune), gateways: await this.gateways.list(caller, commune.insee) };
  }

  /** A one-time code for a gateway to enrol into this commune (shown once). */
  @Post('communes/:insee/enrolment-codes')
  @ApiDoc({
    tag: 'communes',
    summary: 'A one-time enrolment code for a gateway of this commune',
    description: 'The code (XXXX-XXXX-XXXX-XXXX) is shown once and is valid `auth.enrolmentCodeTtl`.',
    params: { insee: { description: 'The INSEE code of the commune.', schema: inseeCode } },
    returns: 'The code and when it expires.',
    response: enrolmentCode,
    errors: ['forbidden', 'notFound'],
  })
  enrolmentCode(@CurrentCaller() caller: Caller, @Param('insee') insee: string) {
    return this.gateways.createEnrolmentCode(caller, parseInput(inseeCode, insee, 'INSEE code'));
  }

  @Get('audit')
  @ApiDoc({
    tag: 'audit',
    summary: 'The audit log',
    description: 'Logins, commands and their results, schedule changes, pushes, enrolments, revocations; newest first.',
    query: auditQuery,
    returns: 'Who did what, when, with what result.',
    errors: ['forbidden', 'notFound'],
  })
  async auditLog(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    requireRole(caller, 'readAudit');
    const { limit, commune } = parseInput(auditQuery, query, 'query');
    if (commune !== undefined) await this.tenants.commune(caller, commune, 'readAudit');
    return this.audit.recent(caller, limit, commune);
  }
}
