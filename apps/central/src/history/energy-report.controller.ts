import { communeEnergyReport, energyQuery, syndicateEnergyReport } from '@beffroi/api';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { inseeCode } from '@beffroi/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { EnergyReportService } from './energy-report.service';

const PERIOD =
  'For a month (`month=2027-03`) or any period of local days (`from=2027-03-01&to=2027-03-15`, both included, at ' +
  'most 366 days), with the same days one year earlier beside it.';
const FIGURES =
  'Each level carries `{kwh, source (metered | mixed | estimated | none), peakKwh, offPeakKwh, complete, ' +
  'missingQuarters, resets, installedWatts, burningHours, switchOns, cost {subscription, energy, total}, kgCo2e, ' +
  'duskToDawnKwh, savingVsDuskToDawnKwh, previousYearKwh, previousYearSource, savingVsPreviousYearKwh}`; kWh are ' +
  'metered only while installed power is unknown (`estimates.available: false`).';

@Controller('api')
export class EnergyReportController {
  constructor(private readonly service: EnergyReportService) {}

  @Get('communes/:insee/energy')
  @ApiDoc({
    tag: 'communes',
    summary: "A commune's energy report, per cabinet and output",
    description: `${PERIOD} ${FIGURES}`,
    params: { insee: { description: 'The INSEE code of the commune.' } },
    query: energyQuery,
    returns:
      '`{period {from, to, month}, co2 {kgPerKwh, source, date}, tariff, estimates {available, reason}, commune ' +
      '{insee, name, timeZone, figures, cabinets: [{gatewayId, equipmentId, name, meterKey, figures, outputs: ' +
      '[{pointKey, name, figures}]}]}}`.',
    response: communeEnergyReport,
    errors: ['forbidden', 'notFound'],
  })
  communeEnergy(@CurrentCaller() caller: Caller, @Param('insee') insee: string, @Query() query: unknown) {
    return this.service.commune(
      caller,
      parseInput(inseeCode, insee, 'INSEE code'),
      parseInput(energyQuery, query, 'query'),
    );
  }

  @Get('energy')
  @ApiDoc({
    tag: 'communes',
    summary: "The energy report of the caller's tenant, per commune",
    description: `Every commune the caller sees (a syndicate's, or the caller's own commune). ${PERIOD} ${FIGURES}`,
    query: energyQuery,
    returns:
      '`{period, co2, tariff, estimates, figures, communes: [{insee, name, timeZone, figures}]}`: `figures` is the ' +
      'total of the communes.',
    response: syndicateEnergyReport,
    errors: ['forbidden'],
  })
  tenantEnergy(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    return this.service.syndicate(caller, parseInput(energyQuery, query, 'query'));
  }
}
