import { communeEnergyMonths, communeEnergyReport, energyQuery, syndicateEnergyReport } from '@beffroi/api';
import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { inseeCode } from '@beffroi/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { communeEnergyCsv, syndicateEnergyCsv } from './energy-csv';
import { communeEnergyPdf } from './energy-pdf';
import { EnergyReportService } from './energy-report.service';

const PERIOD =
  'For a month (`month=2027-03`) or any period of local days (`from=2027-03-01&to=2027-03-15`, both included, at ' +
  'most 366 days), with the same days one year earlier beside it.';
const CSV =
  'The same report as a CSV file for French spreadsheets: UTF-8 with a byte order mark, `;` between cells, a ' +
  'decimal comma, French column names; an unknown figure is an empty cell.';
const FIGURES =
  'Each level carries `{kwh, source (metered | mixed | estimated | none), peakKwh, offPeakKwh, complete, ' +
  'missingQuarters, resets, installedWatts, burningHours, switchOns, cost {subscription, energy, total}, kgCo2e, ' +
  'duskToDawnKwh, savingVsDuskToDawnKwh, previousYearKwh, previousYearSource, savingVsPreviousYearKwh}`; where no ' +
  'meter counts, kWh are estimated from the installed power of the outputs (labelled `estimated`), and a level with ' +
  'an output of unknown power is metered only (`estimates` says so).';

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

  @Get('communes/:insee/energy/months')
  @ApiDoc({
    tag: 'communes',
    summary: "A commune's kWh month by month, against the same days a year earlier",
    description:
      `Each month the period touches, clipped to it, with its kWh and their source beside those of the same days one ` +
      `year earlier (what the console's and the PDF's bar charts draw). ${PERIOD}`,
    params: { insee: { description: 'The INSEE code of the commune.' } },
    query: energyQuery,
    returns:
      '`{period {from, to, month}, months: [{month, kwh, source, previousYearKwh, previousYearSource}]}`, in ' +
      'calendar order; an unknown kWh is `null` with source `none`.',
    response: communeEnergyMonths,
    errors: ['forbidden', 'notFound'],
  })
  async communeEnergyMonths(@CurrentCaller() caller: Caller, @Param('insee') insee: string, @Query() query: unknown) {
    const { report, months } = await this.service.communeWithMonths(
      caller,
      parseInput(inseeCode, insee, 'INSEE code'),
      parseInput(energyQuery, query, 'query'),
    );
    return { period: report.period, months };
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

  @Get('communes/:insee/energy/csv')
  @ApiDoc({
    tag: 'communes',
    summary: "A commune's energy report as a CSV file",
    description: `${CSV} One line for the commune, then each cabinet followed by its outputs. ${PERIOD}`,
    params: { insee: { description: 'The INSEE code of the commune.' } },
    query: energyQuery,
    returns: 'A `text/csv; charset=utf-8` attachment, `energie-<insee>-<period>.csv`.',
    produces: 'text/csv',
    errors: ['forbidden', 'notFound'],
  })
  async communeEnergyCsv(@CurrentCaller() caller: Caller, @Param('insee') insee: string, @Query() query: unknown) {
    const report = await this.communeEnergy(caller, insee, query);
    return csvFile(communeEnergyCsv(report), `energie-${report.commune.insee}-${periodName(report.period)}.csv`);
  }

  @Get('energy/csv')
  @ApiDoc({
    tag: 'communes',
    summary: "The energy report of the caller's tenant as a CSV file",
    description: `${CSV} One line for the total, then one per commune. ${PERIOD}`,
    query: energyQuery,
    returns: 'A `text/csv; charset=utf-8` attachment, `energie-<period>.csv`.',
    produces: 'text/csv',
    errors: ['forbidden'],
  })
  async tenantEnergyCsv(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const report = await this.tenantEnergy(caller, query);
    return csvFile(syndicateEnergyCsv(report), `energie-${periodName(report.period)}.csv`);
  }

  @Get('communes/:insee/energy/pdf')
  @ApiDoc({
    tag: 'communes',
    summary: "A commune's energy report as a PDF for the conseil municipal",
    description:
      'In French: the commune and the period, a table of its cabinets with their total, the cost, the kgCO2e with ' +
      `the factor's source and date, the savings, and a chart of kWh per month against the previous year. ${PERIOD}`,
    params: { insee: { description: 'The INSEE code of the commune.' } },
    query: energyQuery,
    returns: 'An `application/pdf` attachment, `energie-<insee>-<period>.pdf`.',
    produces: 'application/pdf',
    errors: ['forbidden', 'notFound'],
  })
  async communeEnergyPdf(@CurrentCaller() caller: Caller, @Param('insee') insee: string, @Query() query: unknown) {
    const { report, months } = await this.service.communeWithMonths(
      caller,
      parseInput(inseeCode, insee, 'INSEE code'),
      parseInput(energyQuery, query, 'query'),
    );
    return new StreamableFile(await communeEnergyPdf(report, months), {
      type: 'application/pdf',
      disposition: `attachment; filename="energie-${report.commune.insee}-${periodName(report.period)}.pdf"`,
    });
  }
}

/** `2027-03` for a month, `2027-03-01_2027-03-15` for a period. */
function periodName(period: { from: string; to: string; month: string | null }): string {
  return period.month ?? `${period.from}_${period.to}`;
}

function csvFile(text: string, filename: string): StreamableFile {
  return new StreamableFile(Buffer.from(text, 'utf8'), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });
}
