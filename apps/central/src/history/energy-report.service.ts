import { Injectable } from '@nestjs/common';
import type {
  CommuneEnergyReport,
  EnergyFiguresDto,
  EnergyMonthDto,
  EnergyQuery,
  SyndicateEnergyReport,
} from '@beffroi/api';
import {
  addDays,
  type CabinetInput,
  compareLocalDates,
  type CommuneInput,
  daysInMonth,
  daysSpan,
  type EnergyFigures,
  type EnergyReport,
  energyReport,
  type EnergySource,
  formatLocalDate,
  localDate,
  type LocalDate,
  type MeterDay,
  meterDayKey,
  parseLocalDate,
  type ReportPeriod,
  type Rollup,
  type SunSite,
} from '@beffroi/schedule';
import type { CatalogueEquipment } from '@beffroi/sync';
import { healthPayloadSchema } from '@beffroi/sync';
import { withSqliteConnection } from '@beffroi/runtime';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { CentralConfig } from '../central.config';
import { sqliteConnectionOf } from '../store/central-data-source';
import type { CommuneEntity } from '../store/entities';
import { TenantService } from '../tenants/tenant.service';
import { EnergyReportRows, type ReportGateway } from './energy-report-rows';

/** kWh per unit of the energy counters central rolls up (the same units as the history store's counters). */
const KWH_PER_UNIT: Readonly<Record<string, number>> = { Wh: 0.001, kWh: 1, MWh: 1000 };

/** Why estimated kWh are absent: the reports say it beside every figure they leave out. */
const NO_INSTALLED_POWER =
  "no output of these cabinets has its installed power in its gateway's config (buses[].equipment[].installedPower): " +
  'kWh are metered only, never estimated';

/** Why some estimates are absent: a cabinet, commune or total with an output of unknown power is metered only. */
function someInstalledPower(missing: number): string {
  return (
    `${missing} output${missing === 1 ? ' has' : 's have'} no installed power in ${missing === 1 ? 'its' : 'their'} ` +
    "gateway's config: a cabinet, commune or total that includes one is metered only, never estimated"
  );
}

/**
 * The centre of metropolitan France, for a commune whose gateways reported no site. Only the dusk-to-dawn
 * counterfactual depends on where the lamps are.
 */
const UNKNOWN_SITE = { latitude: 46.6, longitude: 2.4 };

/** One cabinet of a commune: where it is, and its counter when it has one. */
interface CabinetRef {
  readonly gatewayId: string;
  readonly equipmentId: string;
  readonly meterKey: string | null;
}

/** Whether every output of a cabinet, of a commune or of them all has its installed power (so kWh may be estimated). */
function allKnown(cabinets: readonly CabinetInput[]): boolean {
  return cabinets.every((cabinet) => cabinet.outputs.every((output) => output.installedWatts > 0));
}

/** How many outputs have their installed power, and how many do not. */
function countKnown(cabinets: readonly CabinetInput[]): { known: number; missing: number } {
  const outputs = cabinets.flatMap((cabinet) => cabinet.outputs);
  const known = outputs.filter((output) => output.installedWatts > 0).length;
  return { known, missing: outputs.length - known };
}

/**
 * Energy reports (docs/energy.md) of a commune, per cabinet and output, and of the caller's tenant, per commune,
 * over a month or any period of local days. They are built with `energyReport` of `@beffroi/schedule` from the
 * quarter rollups of each cabinet's kWh counter and the switchings its outputs executed (result `applied`: with
 * feedback). A cabinet is an equipment with an energy counter (unit Wh, kWh or MWh) or with an output whose installed
 * power its gateway's config gives; its outputs are its boolean command points. Where there is no meter, kWh are
 * estimated from installed power × executed burning hours, labelled `estimated`; a cabinet, commune or total with an
 * output of unknown power is never estimated: such a figure is `null` with source `none` (or its metered part), and
 * the answer says why (`estimates`).
 */
@Injectable()
export class EnergyReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
    private readonly config: CentralConfig,
  ) {}

  /** `GET /api/communes/:insee/energy`. */
  async commune(caller: Caller, insee: string, query: EnergyQuery): Promise<CommuneEnergyReport> {
    return (await this.communeWithMonths(caller, insee, query, false)).report;
  }

  /**
   * A commune's report and, when `byMonth`, its kWh month by month against the previous year (each month clipped to
   * the period), for the PDF's chart and `GET /api/communes/:insee/energy/months`.
   */
  async communeWithMonths(
    caller: Caller,
    insee: string,
    query: EnergyQuery,
    byMonth = true,
  ): Promise<{ report: CommuneEnergyReport; months: EnergyMonthDto[] }> {
    const commune = await this.tenants.commune(caller, insee, 'read');
    const period = periodOf(query);
    const [built] = await this.inputs([commune], period);
    if (built === undefined) throw new Error(`no input of commune ${commune.insee}`);
    const report = energyReport([built.input], period, this.options());
    const estimable = allKnown(built.input.cabinets);
    const months = (byMonth ? monthsOf(period) : []).map(({ month, part }) => {
      const figures = figuresOf(energyReport([built.input], part, this.options()).figures, estimable);
      return {
        month,
        kwh: figures.kwh,
        source: figures.source,
        previousYearKwh: figures.previousYearKwh,
        previousYearSource: figures.previousYearSource,
      };
    });
    const [reported] = report.communes;
    if (reported === undefined) throw new Error(`no report of commune ${commune.insee}`);
    return {
      months,
      report: {
        ...this.head(report, query, [built.input]),
        commune: {
          insee: reported.insee,
          name: reported.name,
          timeZone: built.input.site.timeZone,
          figures: figuresOf(reported.figures, estimable),
          cabinets: reported.cabinets.map((cabinet, index) => {
            const ref = built.cabinets[index];
            const input = built.input.cabinets[index];
            if (ref === undefined || input === undefined) throw new Error(`no cabinet ${cabinet.id}`);
            return {
              gatewayId: ref.gatewayId,
              equipmentId: ref.equipmentId,
              name: cabinet.name,
              meterKey: ref.meterKey,
              figures: figuresOf(cabinet.figures, allKnown([input])),
              outputs: cabinet.outputs.map((output, o) => ({
                pointKey: output.id,
                name: output.name,
                figures: figuresOf(output.figures, (input.outputs[o]?.installedWatts ?? 0) > 0),
              })),
            };
          }),
        },
      },
    };
  }

  /** `GET /api/energy`: every commune the caller sees, and their total. */
  async syndicate(caller: Caller, query: EnergyQuery): Promise<SyndicateEnergyReport> {
    const seen = await this.tenants.communes(caller);
    const period = periodOf(query);
    const inputs = (await this.inputs(seen, period)).map((built) => built.input);
    const report = energyReport(inputs, period, this.options());
    return {
      ...this.head(report, query, inputs),
      figures: figuresOf(report.figures, allKnown(inputs.flatMap((input) => input.cabinets))),
      communes: report.communes.map((commune, index) => ({
        insee: commune.insee,
        name: commune.name,
        timeZone: inputs[index]?.site.timeZone ?? this.config.history.timeZone,
        figures: figuresOf(commune.figures, allKnown(inputs[index]?.cabinets ?? [])),
      })),
    };
  }

  private options() {
    const { tariff, co2 } = this.config.history;
    return { tariff, co2 };
  }

  private head(report: EnergyReport, query: EnergyQuery, inputs: readonly CommuneInput[]) {
    const { tariff } = this.config.history;
    const { known, missing } = countKnown(inputs.flatMap((input) => input.cabinets));
    return {
      period: {
        from: formatLocalDate(report.period.first),
        to: formatLocalDate(report.period.last),
        month: query.month ?? null,
      },
      co2: { kgPerKwh: report.co2.kgPerKwh, source: report.co2.source, date: report.co2.date },
      tariff: {
        ...tariff,
        offPeak: tariff.offPeak.map((window) => ({ from: clock(window.from), to: clock(window.to) })),
      },
      estimates:
        known === 0
          ? { available: false, reason: NO_INSTALLED_POWER }
          : { available: true, reason: missing === 0 ? null : someInstalledPower(missing) },
    };
  }

  /**
   * What `energyReport` needs of each commune: its site, its cabinets with their meter's days (or quarters) and
   * outputs with their switchings, read as plain rows in one go (docs/energy.md, "Report benchmark").
   */
  private async inputs(
    communes: readonly Pick<CommuneEntity, 'insee' | 'name'>[],
    period: ReportPeriod,
  ): Promise<{ input: CommuneInput; cabinets: CabinetRef[] }[]> {
    const { offPeak } = this.config.history.tariff;
    return withSqliteConnection(this.dataSource, () => {
      const rows = new EnergyReportRows(sqliteConnectionOf(this.dataSource));
      const gateways = rows.gateways(communes.map((commune) => commune.insee));
      const catalogues = rows.catalogues(gateways.map((gateway) => gateway.id));
      const byCommune = new Map<string, ReportGateway[]>();
      for (const gateway of gateways) byCommune.set(gateway.insee, [...(byCommune.get(gateway.insee) ?? []), gateway]);
      // Only the period and the same days a year earlier are read, not the months between them; once per time zone.
      const windowsIn = new Map<string, { start: number; end: number }[]>();
      return communes.map((commune) => {
        const own = byCommune.get(commune.insee) ?? [];
        const site = this.siteOf(own);
        let windows = windowsIn.get(site.timeZone);
        if (windows === undefined) {
          windows = readWindows(period, site.timeZone);
          windowsIn.set(site.timeZone, windows);
        }
        const key = meterDayKey(offPeak, site.timeZone);
        const cabinets: CabinetInput[] = [];
        const refs: CabinetRef[] = [];
        for (const gateway of own) {
          const equipments = JSON.parse(catalogues.get(gateway.id) ?? '[]') as CatalogueEquipment[];
          for (const equipment of equipments) {
            const meter = equipment.points.find((point) => point.unit !== undefined && point.unit in KWH_PER_UNIT);
            const outputs = equipment.points.filter((point) => point.kind === 'command' && point.type === 'bool');
            if (meter === undefined && !outputs.some((output) => output.installedWatts !== undefined)) continue;
            const meterKey = meter === undefined ? null : `${equipment.id}:${meter.id}`;
            const perUnit = KWH_PER_UNIT[meter?.unit ?? 'kWh'] ?? 1;
            const switchings = rows.switchings(
              gateway.id,
              outputs.map((output) => `${equipment.id}:${output.id}`),
              windows,
            );
            refs.push({ gatewayId: gateway.id, equipmentId: equipment.id, meterKey });
            cabinets.push({
              id: `${gateway.id}/${equipment.id}`,
              name: equipment.name ?? equipment.id,
              meter:
                meterKey === null
                  ? []
                  : windows.flatMap((window) =>
                      rows.meter(gateway.id, meterKey, window, key).map((part) => inKwh(part, perUnit)),
                    ),
              outputs: outputs.map((output) => {
                const pointKey = `${equipment.id}:${output.id}`;
                return {
                  id: pointKey,
                  name: output.name ?? pointKey,
                  installedWatts: output.installedWatts ?? 0,
                  switchings: switchings.get(pointKey) ?? [],
                };
              }),
            });
          }
        }
        return { input: { insee: commune.insee, name: commune.name, site, cabinets }, cabinets: refs };
      });
    });
  }

  /** The first site a gateway of the commune reported, or `history.timeZone` somewhere in France. */
  private siteOf(gateways: readonly ReportGateway[]): SunSite {
    for (const gateway of gateways) {
      const health = healthPayloadSchema.safeParse(gateway.healthJson === null ? null : JSON.parse(gateway.healthJson));
      const site = health.success ? health.data.sites?.[0] : undefined;
      if (site !== undefined) return site;
    }
    return { ...UNKNOWN_SITE, timeZone: this.config.history.timeZone };
  }
}

/** The local days of a query: a whole month, or `from`..`to`. */
export function periodOf(query: EnergyQuery): ReportPeriod {
  if (query.month !== undefined) {
    const [year, month] = query.month.split('-').map(Number);
    if (year === undefined || month === undefined) throw new Error(`not a month: ${query.month}`);
    return { first: localDate(year, month, 1), last: localDate(year, month, daysInMonth(year, month)) };
  }
  if (query.from === undefined || query.to === undefined) throw new Error('a period needs from and to');
  return { first: parseLocalDate(query.from), last: parseLocalDate(query.to) };
}

/** The months the period touches, each clipped to it: `2027-03` → its days within the period. */
function monthsOf(period: ReportPeriod): { month: string; part: ReportPeriod }[] {
  const months: { month: string; part: ReportPeriod }[] = [];
  let first = period.first;
  while (compareLocalDates(first, period.last) <= 0) {
    const end = localDate(first.year, first.month, daysInMonth(first.year, first.month));
    const last = compareLocalDates(end, period.last) < 0 ? end : period.last;
    months.push({ month: formatLocalDate(first).slice(0, 7), part: { first, last } });
    first = addDays(last, 1);
  }
  return months;
}

/** A level's figures as the API answers them: as computed when `estimable`, else {@link withoutEstimates}. */
function figuresOf(figures: EnergyFigures, estimable: boolean): EnergyFiguresDto {
  return estimable ? { ...figures } : withoutEstimates(figures);
}

/**
 * Figures without what installed power would give: an estimated kWh becomes unknown (`null`, source `none`; burning
 * hours, switch-ons and `complete` still say what the executed switchings covered), a total that mixed metered and
 * estimated parts keeps its metered part and is not complete, and the dusk-to-dawn counterfactual is unknown.
 */
function withoutEstimates(figures: EnergyFigures): EnergyFiguresDto {
  const current = metered(figures.source, figures.kwh);
  const previous = metered(figures.previousYearSource, figures.previousYearKwh);
  return {
    ...figures,
    kwh: current.kwh,
    source: current.source,
    complete: figures.complete && figures.source !== 'mixed',
    installedWatts: null,
    duskToDawnKwh: null,
    savingVsDuskToDawnKwh: null,
    previousYearKwh: previous.kwh,
    previousYearSource: previous.source,
    savingVsPreviousYearKwh: current.kwh === null || previous.kwh === null ? null : figures.savingVsPreviousYearKwh,
  };
}

/** A kWh figure and its source once estimates (of 0 W outputs) are left out. */
function metered(source: EnergySource, kwh: number | null): { source: EnergySource; kwh: number | null } {
  if (source === 'estimated' || source === 'none') return { source: 'none', kwh: null };
  return { source: 'metered', kwh };
}

/**
 * The spans of quarters a report reads: the same days a year earlier and the period, in time order, as one span when
 * they touch or overlap (a period longer than a year).
 */
function readWindows(period: ReportPeriod, timeZone: string): { start: number; end: number }[] {
  const before = daysSpan(yearBefore(period.first), yearBefore(period.last), timeZone);
  const current = daysSpan(period.first, period.last, timeZone);
  if (before.end >= current.start) return [{ start: before.start, end: Math.max(before.end, current.end) }];
  return [before, current];
}

/** The same day one year earlier; 29 February becomes the 28th (as the report compares). */
function yearBefore(date: LocalDate): LocalDate {
  return localDate(date.year - 1, date.month, Math.min(date.day, daysInMonth(date.year - 1, date.month)));
}

/** A quarter rollup or a meter day of a counter in `perUnit` kWh per unit, in kWh. */
function inKwh(part: Rollup | MeterDay, perUnit: number): Rollup | MeterDay {
  if (perUnit === 1) return part;
  if ('peakIncrease' in part) {
    return {
      ...part,
      peakIncrease: part.peakIncrease * perUnit,
      offPeakIncrease: part.offPeakIncrease * perUnit,
    };
  }
  return {
    period: part.period,
    start: part.start,
    end: part.end,
    count: part.count,
    min: part.min * perUnit,
    max: part.max * perUnit,
    sum: part.sum * perUnit,
    mean: part.mean * perUnit,
    last: part.last * perUnit,
    lastAt: part.lastAt,
    increase: part.increase * perUnit,
    resets: part.resets,
    quarters: part.quarters,
    expectedQuarters: part.expectedQuarters,
  };
}

function clock(time: { hour: number; minute: number }): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}
