import { darkness } from '../programme/night-summary';
import { isOn, nightStart, sunLookup, type SwitchValue, type TimeOfDay } from '../programme/programme';
import { ScheduleException, ScheduleExceptionCode } from '../schedule.exception';
import type { SunHorizon, SunSite } from '../sun/sun';
import { addDays, compareLocalDates, daysInMonth, type LocalDate } from '../time/local-date';
import { localDateOf, resolveLocalTime } from '../time/zoned-time';
import { daysSpan, periodSpan, QUARTER_MS, type Rollup } from './rollup';

const MS_PER_HOUR = 3_600_000;
/** Watts × milliseconds in a kWh. */
const WATT_MS_PER_KWH = 1000 * MS_PER_HOUR;

/** A supply contract: a subscription per delivery point (cabinet) and month, and a kWh price by local time of day. */
export interface Tariff {
  readonly subscriptionPerMonth: number;
  readonly peakPricePerKwh: number;
  readonly offPeakPricePerKwh: number;
  /** Local off-peak windows, `from` included and `to` excluded, across midnight when `to` is not after `from`. */
  readonly offPeak: readonly { readonly from: TimeOfDay; readonly to: TimeOfDay }[];
}

/** Emissions per kWh, with where the figure comes from and its date, printed beside every kgCO2e. */
export interface Co2Factor {
  readonly kgPerKwh: number;
  readonly source: string;
  readonly date: string;
}

/** A switching a gateway executed (with feedback), at an instant in epoch milliseconds. */
export interface ExecutedSwitching {
  readonly at: number;
  readonly value: SwitchValue;
}

/** A lighting output (circuit): its installed power and the switchings it executed, the one in force before included. */
export interface OutputInput {
  readonly id: string;
  readonly name: string;
  readonly installedWatts: number;
  readonly switchings: readonly ExecutedSwitching[];
}

/**
 * A local day of a kWh counter with its energy already split by a tariff's off-peak windows ({@link meterDays}): what
 * a report reads of a meter instead of the day's 92 to 100 quarters.
 */
export interface MeterDay {
  readonly start: number;
  readonly end: number;
  /** The increase of the day's quarters starting outside, and inside, the off-peak windows. */
  readonly peakIncrease: number;
  readonly offPeakIncrease: number;
  /** Quarters of the day with at least one reading, and the steps where the counter went down. */
  readonly quarters: number;
  readonly resets: number;
}

/**
 * A cabinet: its outputs and, when it has one, its kWh counter (`null`: no meter) as quarter rollups or as local days
 * already split by the tariff ({@link MeterDay}: whole local days of the commune's time zone, split by the off-peak
 * windows of the report's tariff, see {@link meterDayKey}), or both on different days.
 */
export interface CabinetInput {
  readonly id: string;
  readonly name: string;
  readonly meter: readonly (Rollup | MeterDay)[] | null;
  readonly outputs: readonly OutputInput[];
}

export interface CommuneInput {
  readonly insee: string;
  readonly name: string;
  /** Where the commune's lamps are: its time zone makes the days, its Sun the dusk-to-dawn counterfactual. */
  readonly site: SunSite;
  readonly cabinets: readonly CabinetInput[];
}

/** The local days `first`..`last`, both included (a month: its first and last day). */
export interface ReportPeriod {
  readonly first: LocalDate;
  readonly last: LocalDate;
}

export interface ReportOptions {
  readonly tariff: Tariff;
  readonly co2: Co2Factor;
  readonly horizon?: SunHorizon;
}

/** Where a kWh figure comes from: a meter, installed power × executed burning time, both below a total, or nothing. */
export type EnergySource = 'metered' | 'estimated' | 'mixed' | 'none';

/**
 * What an output, a cabinet, a commune or the syndicate burned over a period. kWh are `metered` (a cabinet's counter)
 * or `estimated` (installed power × the burning time of the executed switchings, dimming included) and always say
 * which; burning hours and switch-ons come from the executed switchings and are summed over outputs above an output.
 */
export interface EnergyFigures {
  /** null when nothing is known (no meter readings and no executed switching up to the end of the period). */
  readonly kwh: number | null;
  readonly source: EnergySource;
  readonly peakKwh: number;
  readonly offPeakKwh: number;
  /** False when readings are missing (a gap in the meter's quarters, or no switching known at the period's start). */
  readonly complete: boolean;
  /** Quarters of the period without a meter reading (metered cabinets). */
  readonly missingQuarters: number;
  /** Times a meter went down (reset or replaced) in the period: the step across is not counted. */
  readonly resets: number;
  readonly installedWatts: number;
  readonly burningHours: number;
  readonly switchOns: number;
  /** Subscription (per cabinet, prorated by days), energy at peak and off-peak prices, and their total (in euros). */
  readonly cost: { readonly subscription: number; readonly energy: number; readonly total: number };
  readonly kgCo2e: number;
  /** What the installed power would burn lit from sunset to sunrise over the same days. */
  readonly duskToDawnKwh: number;
  readonly savingVsDuskToDawnKwh: number | null;
  /** The same days one year earlier, and the saving against them (positive: less energy this year). */
  readonly previousYearKwh: number | null;
  readonly previousYearSource: EnergySource;
  readonly savingVsPreviousYearKwh: number | null;
}

export interface OutputReport {
  readonly id: string;
  readonly name: string;
  readonly figures: EnergyFigures;
}

export interface CabinetReport {
  readonly id: string;
  readonly name: string;
  readonly figures: EnergyFigures;
  readonly outputs: readonly OutputReport[];
}

export interface CommuneReport {
  readonly insee: string;
  readonly name: string;
  readonly figures: EnergyFigures;
  readonly cabinets: readonly CabinetReport[];
}

export interface EnergyReport {
  readonly period: ReportPeriod;
  readonly co2: Co2Factor;
  readonly figures: EnergyFigures;
  readonly communes: readonly CommuneReport[];
}

/** Figures before rounding and before the previous year is set beside them. */
type Raw = Omit<EnergyFigures, 'cost' | 'previousYearKwh' | 'previousYearSource' | 'savingVsPreviousYearKwh'> & {
  readonly cost: { readonly subscription: number; readonly energy: number };
};

interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * The energy report of communes (each in its own time zone) over a period, per output, cabinet, commune and in total,
 * with the same days of the previous year beside it. Pure: the result depends neither on the clock nor on the
 * machine's time zone. kWh are rounded to the Wh, hours to the hundredth, money to the cent, kgCO2e to the gram.
 */
export function energyReport(
  communes: readonly CommuneInput[],
  period: ReportPeriod,
  options: ReportOptions,
): EnergyReport {
  if (compareLocalDates(period.first, period.last) > 0) {
    throw new ScheduleException(ScheduleExceptionCode.MismatchedInputs, 'the period ends before it starts');
  }
  const previousPeriod = { first: yearBefore(period.first), last: yearBefore(period.last) };
  const calendars = new Calendars(options);
  const now = communes.map((commune) => communeFigures(commune, period, options, calendars));
  const before = communes.map((commune) => communeFigures(commune, previousPeriod, options, calendars));
  const reports = communes.map((commune, c) => {
    const current = at(now, c);
    const previous = at(before, c);
    return {
      insee: commune.insee,
      name: commune.name,
      figures: compared(current.figures, previous.figures),
      cabinets: commune.cabinets.map((cabinet, k) => ({
        id: cabinet.id,
        name: cabinet.name,
        figures: compared(at(current.cabinets, k).figures, at(previous.cabinets, k).figures),
        outputs: cabinet.outputs.map((output, o) => ({
          id: output.id,
          name: output.name,
          figures: compared(at(at(current.cabinets, k).outputs, o), at(at(previous.cabinets, k).outputs, o)),
        })),
      })),
    };
  });
  return {
    period,
    co2: options.co2,
    figures: compared(total(now.map((c) => c.figures)), total(before.map((c) => c.figures))),
    communes: reports,
  };
}

/**
 * What the communes of a report share: the instants of a period's days and off-peak windows in a time zone, and the
 * darkness at a site, each computed once (a syndicate's communes mostly share a time zone, local-time conversions
 * being the costly part of a report of hundreds of communes).
 */
class Calendars {
  private readonly days = new Map<string, { span: Interval; offPeak: Interval[]; months: number }>();
  private readonly dark = new Map<string, number>();

  constructor(private readonly options: ReportOptions) {}

  of(period: ReportPeriod, timeZone: string): { span: Interval; offPeak: Interval[]; months: number } {
    const key = `${timeZone} ${period.first.year}-${period.first.month}-${period.first.day} ${period.last.year}-${period.last.month}-${period.last.day}`;
    let calendar = this.days.get(key);
    if (calendar === undefined) {
      const span = daysSpan(period.first, period.last, timeZone);
      const offPeak = offPeakIntervals(this.options.tariff.offPeak, period, timeZone, span);
      calendar = { span, offPeak, months: monthsIn(period) };
      this.days.set(key, calendar);
    }
    return calendar;
  }

  darkMs(site: SunSite, period: ReportPeriod, span: Interval): number {
    const key = `${site.latitude} ${site.longitude} ${site.altitude ?? ''} ${site.timeZone} ${span.start} ${span.end}`;
    let ms = this.dark.get(key);
    if (ms === undefined) {
      ms = darkMilliseconds(site, period, span, this.options.horizon ?? 'usno');
      this.dark.set(key, ms);
    }
    return ms;
  }
}

function communeFigures(commune: CommuneInput, period: ReportPeriod, options: ReportOptions, calendars: Calendars) {
  const { span, offPeak, months } = calendars.of(period, commune.site.timeZone);
  const darkMs = calendars.darkMs(commune.site, period, span);
  const cabinets = commune.cabinets.map((cabinet) => {
    const outputs = cabinet.outputs.map((output) => outputFigures(output, span, offPeak, darkMs, options));
    const estimated = total(outputs);
    const metered = cabinet.meter === null ? undefined : meterFigures(cabinet.meter, span, offPeak);
    const energy = metered ?? estimated;
    const subscription = options.tariff.subscriptionPerMonth * months;
    const energyCost = energyCostOf(energy.peakKwh, energy.offPeakKwh, options.tariff);
    return {
      outputs,
      figures: {
        ...estimated,
        ...(metered ?? {}),
        cost: { subscription, energy: energyCost },
        kgCo2e: (energy.kwh ?? 0) * options.co2.kgPerKwh,
        savingVsDuskToDawnKwh: energy.kwh === null ? null : estimated.duskToDawnKwh - energy.kwh,
      },
    };
  });
  return { cabinets, figures: total(cabinets.map((cabinet) => cabinet.figures)) };
}

/** A cabinet's metered kWh over `span`, or undefined when its meter has no reading there (then it is estimated). */
function meterFigures(meter: readonly (Rollup | MeterDay)[], span: Interval, offPeak: readonly Interval[]) {
  const parts = meter.filter((part) => part.start >= span.start && part.start < span.end);
  if (parts.length === 0) return undefined;
  let peakKwh = 0;
  let offPeakKwh = 0;
  let covered = 0;
  let resets = 0;
  for (const part of parts) {
    if ('peakIncrease' in part) {
      peakKwh += part.peakIncrease;
      offPeakKwh += part.offPeakIncrease;
    } else if (offPeak.some((window) => part.start >= window.start && part.start < window.end)) {
      offPeakKwh += part.increase;
    } else {
      peakKwh += part.increase;
    }
    covered += part.quarters;
    resets += part.resets;
  }
  const missingQuarters = Math.round((span.end - span.start) / QUARTER_MS) - covered;
  return {
    kwh: peakKwh + offPeakKwh,
    source: 'metered' as const,
    peakKwh,
    offPeakKwh,
    complete: missingQuarters === 0,
    missingQuarters,
    resets,
  };
}

/** An output's estimated kWh, burning time and switch-ons from the switchings it executed within `span`. */
function outputFigures(
  output: OutputInput,
  span: Interval,
  offPeak: readonly Interval[],
  darkMs: number,
  options: ReportOptions,
): Raw {
  const switchings = [...output.switchings].sort((a, b) => a.at - b.at);
  let value: SwitchValue | undefined;
  let from = span.start;
  let burnMs = 0;
  let switchOns = 0;
  let peakKwh = 0;
  let offPeakKwh = 0;
  const account = (until: number) => {
    if (value !== undefined && isOn(value) && until > from) {
      const level = typeof value === 'number' ? Math.min(100, value) / 100 : 1;
      const offPeakMs = overlap(offPeak, from, until);
      burnMs += until - from;
      offPeakKwh += (output.installedWatts * level * offPeakMs) / WATT_MS_PER_KWH;
      peakKwh += (output.installedWatts * level * (until - from - offPeakMs)) / WATT_MS_PER_KWH;
    }
    from = until;
  };
  for (const switching of switchings) {
    if (switching.at >= span.end) break;
    if (switching.at > span.start) {
      account(switching.at);
      if (isOn(switching.value) && (value === undefined || !isOn(value))) switchOns++;
    }
    value = switching.value;
  }
  account(span.end);
  const known = switchings.some((switching) => switching.at < span.end);
  const kwh = known ? peakKwh + offPeakKwh : null;
  const energyCost = energyCostOf(peakKwh, offPeakKwh, options.tariff);
  const duskToDawnKwh = (output.installedWatts * darkMs) / WATT_MS_PER_KWH;
  return {
    kwh,
    source: known ? 'estimated' : 'none',
    peakKwh,
    offPeakKwh,
    complete: switchings.some((switching) => switching.at <= span.start),
    missingQuarters: 0,
    resets: 0,
    installedWatts: output.installedWatts,
    burningHours: burnMs / MS_PER_HOUR,
    switchOns,
    cost: { subscription: 0, energy: energyCost },
    kgCo2e: (kwh ?? 0) * options.co2.kgPerKwh,
    duskToDawnKwh,
    savingVsDuskToDawnKwh: kwh === null ? null : duskToDawnKwh - kwh,
  };
}

/** The sum of figures: kWh known if any part is known, complete if every part is, labelled by the parts' sources. */
function total(parts: readonly Raw[]): Raw {
  const known = parts.filter((part) => part.kwh !== null);
  const sources = new Set(known.map((part) => part.source));
  const sum = (pick: (part: Raw) => number) => parts.reduce((acc, part) => acc + pick(part), 0);
  const kwh = known.length === 0 ? null : sum((part) => part.kwh ?? 0);
  const duskToDawnKwh = sum((part) => part.duskToDawnKwh);
  return {
    kwh,
    source: sources.size === 0 ? 'none' : sources.size === 1 ? ([...sources][0] ?? 'none') : 'mixed',
    peakKwh: sum((part) => part.peakKwh),
    offPeakKwh: sum((part) => part.offPeakKwh),
    complete: parts.every((part) => part.complete && part.kwh !== null),
    missingQuarters: sum((part) => part.missingQuarters),
    resets: sum((part) => part.resets),
    installedWatts: sum((part) => part.installedWatts),
    burningHours: sum((part) => part.burningHours),
    switchOns: sum((part) => part.switchOns),
    cost: {
      subscription: sum((part) => part.cost.subscription),
      energy: sum((part) => part.cost.energy),
    },
    kgCo2e: sum((part) => part.kgCo2e),
    duskToDawnKwh,
    savingVsDuskToDawnKwh: kwh === null ? null : sum((part) => part.savingVsDuskToDawnKwh ?? 0),
  };
}

/** This period's figures beside the previous year's, rounded. */
function compared(current: Raw, previous: Raw): EnergyFigures {
  const saving = current.kwh === null || previous.kwh === null ? null : previous.kwh - current.kwh;
  return {
    kwh: roundOrNull(current.kwh, 3),
    source: current.source,
    peakKwh: round(current.peakKwh, 3),
    offPeakKwh: round(current.offPeakKwh, 3),
    complete: current.complete,
    missingQuarters: current.missingQuarters,
    resets: current.resets,
    installedWatts: current.installedWatts,
    burningHours: round(current.burningHours, 2),
    switchOns: current.switchOns,
    cost: costOf(round(current.cost.subscription, 2), round(current.cost.energy, 2)),
    kgCo2e: round(current.kgCo2e, 3),
    duskToDawnKwh: round(current.duskToDawnKwh, 3),
    savingVsDuskToDawnKwh: roundOrNull(current.savingVsDuskToDawnKwh, 3),
    previousYearKwh: roundOrNull(previous.kwh, 3),
    previousYearSource: previous.source,
    savingVsPreviousYearKwh: roundOrNull(saving, 3),
  };
}

/**
 * The local days of a counter's quarter rollups (in time order), each with its increase split as a report splits it:
 * a quarter is off-peak when it starts within an off-peak window of that day or of the evening before. A report of
 * whole days reads the same kWh from these days as from their quarters (central keeps them beside its day rollups,
 * so a month reads 31 rows per meter, not 2 976 quarters). Like the rollups, the same quarters give the same days.
 */
export function meterDays(quarters: readonly Rollup[], offPeak: Tariff['offPeak'], timeZone: string): MeterDay[] {
  const days: { -readonly [K in keyof MeterDay]: MeterDay[K] }[] = [];
  let current: (typeof days)[number] | undefined;
  let windows: Interval[] = [];
  for (const quarter of quarters) {
    if (current === undefined || quarter.start >= current.end || quarter.start < current.start) {
      const date = localDateOf(new Date(quarter.start), timeZone);
      const span = periodSpan(date, 'day', timeZone);
      windows = offPeakIntervals(offPeak, { first: date, last: date }, timeZone, span);
      current = { start: span.start, end: span.end, peakIncrease: 0, offPeakIncrease: 0, quarters: 0, resets: 0 };
      days.push(current);
    }
    if (windows.some((window) => quarter.start >= window.start && quarter.start < window.end)) {
      current.offPeakIncrease += quarter.increase;
    } else {
      current.peakIncrease += quarter.increase;
    }
    current.quarters += quarter.quarters;
    current.resets += quarter.resets;
  }
  return days;
}

/**
 * What a {@link MeterDay}'s split depends on, as text: the time zone of its days and the tariff's off-peak windows
 * (`Europe/Paris 22:00-06:00`). Days kept with another key were split for other days or another tariff.
 */
export function meterDayKey(offPeak: Tariff['offPeak'], timeZone: string): string {
  const time = (t: TimeOfDay) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  return [timeZone, ...offPeak.map((window) => `${time(window.from)}-${time(window.to)}`)].join(' ');
}

/** The off-peak windows over the local days of the period (and the evening before), clipped to `span`. */
function offPeakIntervals(
  offPeak: Tariff['offPeak'],
  period: ReportPeriod,
  timeZone: string,
  span: Interval,
): Interval[] {
  const intervals: Interval[] = [];
  for (let day = addDays(period.first, -1); compareLocalDates(day, period.last) <= 0; day = addDays(day, 1)) {
    for (const window of offPeak) {
      const crosses = window.to.hour * 60 + window.to.minute <= window.from.hour * 60 + window.from.minute;
      const start = resolveLocalTime(day, window.from.hour, window.from.minute, 0, timeZone).instant.getTime();
      const endDay = crosses ? addDays(day, 1) : day;
      const end = resolveLocalTime(endDay, window.to.hour, window.to.minute, 0, timeZone).instant.getTime();
      const clipped = { start: Math.max(start, span.start), end: Math.min(end, span.end) };
      if (clipped.end > clipped.start) intervals.push(clipped);
    }
  }
  return intervals.sort((a, b) => a.start - b.start);
}

/** Milliseconds of `[from, to)` within the intervals (which do not overlap each other). */
function overlap(intervals: readonly Interval[], from: number, to: number): number {
  let ms = 0;
  for (const interval of intervals) {
    if (interval.start >= to) break;
    ms += Math.max(0, Math.min(to, interval.end) - Math.max(from, interval.start));
  }
  return ms;
}

/** Milliseconds of `span` with the Sun below the horizon at the site, night by night (noon to noon). */
function darkMilliseconds(site: SunSite, period: ReportPeriod, span: Interval, horizon: SunHorizon): number {
  const sun = sunLookup(site, horizon);
  let minutes = 0;
  for (let night = addDays(period.first, -1); compareLocalDates(night, period.last) <= 0; night = addDays(night, 1)) {
    const start = Math.max(span.start, nightStart(night, site.timeZone).getTime());
    const end = Math.min(span.end, nightStart(addDays(night, 1), site.timeZone).getTime());
    if (end > start) minutes += darkness(sun, night, start, end).minutes;
  }
  return minutes * 60_000;
}

/** How many months the period covers, each month counting its days in the period over its length. */
function monthsIn(period: ReportPeriod): number {
  let months = 0;
  for (let day = period.first; compareLocalDates(day, period.last) <= 0; day = addDays(day, 1)) {
    months += 1 / daysInMonth(day.year, day.month);
  }
  return months;
}

function energyCostOf(peakKwh: number, offPeakKwh: number, tariff: Tariff): number {
  return peakKwh * tariff.peakPricePerKwh + offPeakKwh * tariff.offPeakPricePerKwh;
}

/** The same day one year earlier; 29 February becomes the 28th. */
function yearBefore(date: LocalDate): LocalDate {
  return { year: date.year - 1, month: date.month, day: Math.min(date.day, daysInMonth(date.year - 1, date.month)) };
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

/** A cost whose total is the sum of its rounded parts, as a printed table adds up. */
function costOf(subscription: number, energy: number) {
  return { subscription, energy, total: round(subscription + energy, 2) };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale + 0;
}

function roundOrNull(value: number | null, decimals: number): number | null {
  return value === null ? null : round(value, decimals);
}
