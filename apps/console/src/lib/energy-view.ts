import type { EnergyFiguresDto, EnergyMonthDto, SyndicateEnergyReport } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { wallClockAt } from './zoned-time';

/** The period an Énergie page shows: a month, a year, or any days (both included), in the site's local days. */
export type EnergyPeriod =
  | { readonly kind: 'month'; readonly month: string }
  | { readonly kind: 'year'; readonly year: string }
  | { readonly kind: 'custom'; readonly from: string; readonly to: string };

const DAY_MS = 86_400_000;

/** The current month of the site (`2027-03`) at `now`. */
export function currentMonth(now: Date, timeZone: string): string {
  const clock = wallClockAt(now, timeZone);
  return `${String(clock.year)}-${String(clock.month).padStart(2, '0')}`;
}

/**
 * The query of central's energy routes for a period (`month=2027-03`, or `from=…&to=…`), or undefined when a custom
 * period is not one central accepts (a missing day, the end before the start, more than 366 days).
 */
export function periodParams(period: EnergyPeriod): URLSearchParams | undefined {
  if (period.kind === 'month') {
    return /^\d{4}-(?:0[1-9]|1[0-2])$/.test(period.month) ? new URLSearchParams({ month: period.month }) : undefined;
  }
  if (period.kind === 'year') {
    return /^\d{4}$/.test(period.year)
      ? new URLSearchParams({ from: `${period.year}-01-01`, to: `${period.year}-12-31` })
      : undefined;
  }
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from || to - from > 365 * DAY_MS) return undefined;
  return new URLSearchParams({ from: period.from, to: period.to });
}

let numbers: Intl.NumberFormat | undefined;
let euros: Intl.NumberFormat | undefined;

/** `1 486`: a figure the French way, at most `digits` decimals. */
export function formatFigure(value: number, digits = 1): string {
  if (digits === 1) {
    numbers ??= new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
    return numbers.format(value);
  }
  return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits }).format(value);
}

/** `1 486 kWh`, or "non calculable" when the figure is unknown (never 0). */
export function formatKwh(kwh: number | null): string {
  return kwh === null ? fr.energy.unknown : `${formatFigure(kwh)} kWh`;
}

/** `302,50 €`. */
export function formatEuros(value: number): string {
  euros ??= new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
  return euros.format(value);
}

/**
 * A local day or month is already in the site's calendar: it is written as such (formatted at noon in UTC), never
 * moved into the browser's or the site's offset, where noon UTC may be another day.
 */
const monthFormat = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat('fr-FR', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `mars 2027`: a month of the site's calendar (`2027-03`). */
export function formatMonth(month: string): string {
  return monthFormat.format(new Date(`${month}-15T12:00:00Z`));
}

/** `01/03/2027`: a local day of the site (`2027-03-01`). */
export function formatDay(day: string): string {
  return dayFormat.format(new Date(`${day}T12:00:00Z`));
}

/** "mars 2027", or "du 01/03/2027 au 15/03/2027". */
export function formatPeriod(period: { from: string; to: string; month: string | null }): string {
  return period.month === null
    ? fr.energy.range(formatDay(period.from), formatDay(period.to))
    : formatMonth(period.month);
}

/** The cost and kgCO2e of a level whose kWh are unknown are unknown too, never 0 € (the report carries 0). */
export function costAndCo2(figures: EnergyFiguresDto): { cost: string; kgCo2e: string } {
  return figures.kwh === null
    ? { cost: fr.energy.unknown, kgCo2e: fr.energy.unknown }
    : { cost: formatEuros(figures.cost.total), kgCo2e: formatFigure(figures.kgCo2e, 2) };
}

/** A figure with its source always beside it: `1 486 kWh (mesuré)`. */
export function kwhWithSource(kwh: number | null, source: EnergyFiguresDto['source']): string {
  return kwh === null ? fr.energy.unknown : `${formatKwh(kwh)} ${fr.energy.sourceOf(fr.energy.sources[source])}`;
}

/** The savings of a report in words: the figure with what it is compared to, or why it cannot be computed. */
export function savings(figures: EnergyFiguresDto): { year: string; dusk: string } {
  const year =
    figures.savingVsPreviousYearKwh === null || figures.previousYearKwh === null
      ? `${fr.energy.unknown} (${fr.energy.noPreviousYear})`
      : `${formatKwh(figures.savingVsPreviousYearKwh)} (${fr.energy.savingYearDetail(
          kwhWithSource(figures.previousYearKwh, figures.previousYearSource),
        )})`;
  const dusk =
    figures.savingVsDuskToDawnKwh === null || figures.duskToDawnKwh === null
      ? `${fr.energy.unknown} (${fr.energy.noInstalledPower})`
      : `${formatKwh(figures.savingVsDuskToDawnKwh)} (${fr.energy.savingDuskDetail(formatKwh(figures.duskToDawnKwh))})`;
  return { year, dusk };
}

/** One series of bars of a chart: its name in the key, its values (null: unknown, drawn as a gap), its colour. */
export interface BarSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

/** The bars of the monthly chart: one label per month, this period's kWh beside a year earlier (null: unknown). */
export function monthBars(months: readonly EnergyMonthDto[]): {
  labels: string[];
  current: (number | null)[];
  previous: (number | null)[];
} {
  return {
    labels: months.map((month) => formatMonth(month.month)),
    current: months.map((month) => month.kwh),
    previous: months.map((month) => month.previousYearKwh),
  };
}

/** The columns the syndicate's table sorts by. */
export type CommuneColumn = 'name' | 'kwh' | 'burningHours' | 'cost' | 'kgCo2e' | 'savingVsPreviousYearKwh';

type ReportCommune = SyndicateEnergyReport['communes'][number];

function columnValue(commune: ReportCommune, column: Exclude<CommuneColumn, 'name'>): number | null {
  if (column === 'cost') return commune.figures.cost.total;
  return commune.figures[column];
}

/**
 * The communes sorted by a column; an unknown figure goes last whatever the direction, and ties keep the name order,
 * so the table never jumps between two equal rows.
 */
export function sortCommunes(
  communes: readonly ReportCommune[],
  column: CommuneColumn,
  direction: 'ascending' | 'descending',
): ReportCommune[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const byName = (a: ReportCommune, b: ReportCommune) => a.name.localeCompare(b.name, 'fr');
  return [...communes].sort((a, b) => {
    if (column === 'name') return sign * byName(a, b);
    const x = columnValue(a, column);
    const y = columnValue(b, column);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return x === y ? byName(a, b) : sign * (x - y);
  });
}
