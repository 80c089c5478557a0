import { communeOverview } from '@beffroi/api';
import { Controller, Get, Param } from '@nestjs/common';
import { inseeCode } from '@beffroi/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode, parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { CatalogueService } from '../gateways/catalogue.service';
import { GatewayService } from '../gateways/gateway.service';
import { HistoryService } from '../reports/history.service';
import { describeCommune, TenantService } from './tenant.service';

/** As many alarms as the console's alarm list asks for. */
const ALARMS_LIMIT = 200;

/**
 * "Ma commune" in one answer: the commune and its gateways, their catalogues and the commune's alarms, each as its
 * own route answers it, for the caller's tenant only (another tenant's commune is a 404 like an unknown one).
 */
@Controller('api')
export class CommuneOverviewController {
  constructor(
    private readonly tenants: TenantService,
    private readonly gateways: GatewayService,
    private readonly catalogues: CatalogueService,
    private readonly history: HistoryService,
  ) {}

  @Get('communes/:insee/overview')
  @ApiDoc({
    tag: 'communes',
    summary: 'What "Ma commune" shows, in one answer',
    description:
      'The commune with its gateways (as `GET /api/communes/:insee`), the catalogue of each gateway with live values ' +
      "(as `GET /api/gateways/:id/equipment`; null while the gateway has not reported one) and the commune's alarms " +
      `(as \`GET /api/alarms?commune=:insee&all=true&limit=${ALARMS_LIMIT}\`): one round trip instead of three.`,
    params: { insee: { description: 'The INSEE code of the commune.', schema: inseeCode } },
    returns: '`{commune, catalogues: {<gateway id>: catalogue | null}, alarms}`.',
    response: communeOverview,
    errors: ['forbidden', 'notFound'],
  })
  async overview(@CurrentCaller() caller: Caller, @Param('insee') insee: string) {
    const commune = await this.tenants.commune(caller, parseInput(inseeCode, insee, 'INSEE code'));
    const gateways = await this.gateways.list(caller, commune.insee);
    const catalogues: Record<string, unknown> = {};
    for (const gateway of gateways) catalogues[gateway.id] = await this.catalogueOf(caller, gateway.id);
    const alarms = await this.history.alarms(caller, { commune: commune.insee, all: true, limit: ALARMS_LIMIT });
    return { commune: { ...describeCommune(commune), gateways }, catalogues, alarms };
  }

  /** The gateway's catalogue; null while it has not reported one (its own route answers 409 then). */
  private async catalogueOf(caller: Caller, gatewayId: string) {
    try {
      return await this.catalogues.equipment(caller, gatewayId);
    } catch (error) {
      if (error instanceof CentralException && error.code === CentralExceptionCode.Conflict) return null;
      throw error;
    }
  }
}
