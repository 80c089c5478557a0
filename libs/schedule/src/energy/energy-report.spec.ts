import type { SwitchValue } from '../programme/programme';
import { ScheduleException } from '../schedule.exception';
import { addDays, compareLocalDates, type LocalDate, parseLocalDate } from '../time/local-date';
import { resolveLocalTime } from '../time/zoned-time';
import { meterSeries, withHostTimeZone } from './energy.fixtures';
import {
  type CabinetInput,
  type CommuneInput,
  energyReport,
  type ExecutedSwitching,
  type ReportOptions,
  type ReportPeriod,
} from './energy-report';
import { quarterRollups, type Sample } from './rollup';

const SITE = { latitude: 49.894, longitude: 2.302, timeZone: 'Europe/Paris' };
const OPTIONS: ReportOptions = {
  tariff: {
    subscriptionPerMonth: 30,
    peakPricePerKwh: 0.2,
    offPeakPricePerKwh: 0.15,
    offPeak: [{ from: { hour: 22, minute: 0 }, to: { hour: 6, minute: 0 } }],
  },
  co2: { kgPerKwh: 0.06, source: 'test factor', date: '2026-01-01' },
};

function month(text: string): ReportPeriod {
  const first = parseLocalDate(`${text}-01`);
  const next = first.month === 12 ? { year: first.year + 1, month: 1, day: 1 } : { ...first, month: first.month + 1 };
  return { first, last: addDays(next, -1) };
}

/** Every evening from the day before `period` to its last day, the switchings of `plan` (local hour, minute, value). */
function nightly(period: ReportPeriod, plan: [number, number, SwitchValue][]): ExecutedSwitching[] {
  const switchings: ExecutedSwitching[] = [];
  for (let day = addDays(period.first, -1); compareLocalDates(day, period.last) <= 0; day = addDays(day, 1)) {
    for (const [hour, minute, value] of plan) {
      const date: LocalDate = hour < 12 ? addDays(day, 1) : day;
      switchings.push({ at: resolveLocalTime(date, hour, minute, 0, SITE.timeZone).instant.getTime(), value });
    }
  }
  return switchings;
}

/** A cabinet metered by a counter read every quarter over `[from, to)`, the reading before included. */
function meteredCabinet(samples: Sample[]): CabinetInput {
  const [previous, ...rest] = samples;
  return { id: 'cab-1', name: 'Armoire mairie', meter: quarterRollups('counter', rest, previous), outputs: [] };
}

function commune(cabinets: CabinetInput[], insee = '80021', name = 'Amiens'): CommuneInput {
  return { insee, name, site: SITE, cabinets };
}

/** Local midnights of Paris around the DST months of 2027, a quarter early so the first step counts. */
const MARCH = ['2027-02-28T22:45:00Z', '2027-03-31T22:00:00Z'] as const;
const OCTOBER = ['2027-09-30T21:45:00Z', '2027-10-31T23:00:00Z'] as const;

describe('monthly energy report, metered', () => {
  it('prices March 2027 (23-hour 28th, one off-peak hour lost to the spring change) from a 1 kW meter', () => {
    const report = energyReport([commune([meteredCabinet(meterSeries(...MARCH, 1))])], month('2027-03'), OPTIONS);
    expect(report.figures).toMatchObject({
      kwh: 743,
      source: 'metered',
      peakKwh: 496,
      offPeakKwh: 247,
      complete: true,
      missingQuarters: 0,
      cost: { subscription: 30, energy: 136.25, total: 166.25 },
      kgCo2e: 44.58,
      previousYearKwh: null,
      previousYearSource: 'none',
    });
    expect(report.co2).toEqual(OPTIONS.co2);
  });

  it('prices October 2027 (25-hour 31st, one more off-peak hour) from a 1 kW meter', () => {
    const report = energyReport([commune([meteredCabinet(meterSeries(...OCTOBER, 1))])], month('2027-10'), OPTIONS);
    expect(report.figures).toMatchObject({
      kwh: 745,
      peakKwh: 496,
      offPeakKwh: 249,
      cost: { subscription: 30, energy: 136.55, total: 166.55 },
      kgCo2e: 44.7,
    });
  });

  it('counts a meter replaced mid-month without negative energy and says so', () => {
    const swap = Date.parse('2027-03-16T13:30:00Z');
    const old = meterSeries(...MARCH, 1, 48_210.5).filter((sample) => sample.at < swap);
    const replacement = meterSeries('2027-03-16T13:30:00Z', MARCH[1], 1, 12.5);
    const report = energyReport([commune([meteredCabinet([...old, ...replacement])])], month('2027-03'), OPTIONS);
    expect(report.figures).toMatchObject({ kwh: 742.75, source: 'metered', resets: 1, complete: true });
  });

  it('flags a month whose last two days have no reading', () => {
    const samples = meterSeries(...MARCH, 1).filter((sample) => sample.at < Date.parse('2027-03-29T22:00:00Z'));
    const report = energyReport([commune([meteredCabinet(samples)])], month('2027-03'), OPTIONS);
    expect(report.figures).toMatchObject({ kwh: 695, source: 'metered', complete: false, missingQuarters: 192 });
    expect(report.communes[0]?.cabinets[0]?.figures).toMatchObject({ complete: false, missingQuarters: 192 });
  });
});

describe('monthly energy report, estimated from executed switchings', () => {
  const december = month('2027-12');
  const lastDecember = month('2026-12');
  /** Last year: 17:00 to 23:00. This year: lit at 18:00, dimmed to 50 % at 21:00, off at 23:00. */
  const switchings = [
    ...nightly(lastDecember, [
      [17, 0, true],
      [23, 0, false],
    ]),
    ...nightly(december, [
      [18, 0, true],
      [21, 0, 50],
      [23, 0, false],
    ]),
  ];
  const lamps = { id: 'eclairage-1', name: 'Rue principale', installedWatts: 1000, switchings };

  it('estimates a winter month against last year and against dusk-to-dawn lighting', () => {
    const cabinet = { id: 'cab-2', name: 'Armoire église', meter: null, outputs: [lamps] };
    const report = energyReport([commune([cabinet])], december, OPTIONS);
    const expected = {
      kwh: 124,
      source: 'estimated',
      peakKwh: 108.5,
      offPeakKwh: 15.5,
      burningHours: 155,
      switchOns: 31,
      installedWatts: 1000,
      duskToDawnKwh: 490.409,
      savingVsDuskToDawnKwh: 366.409,
      previousYearKwh: 186,
      previousYearSource: 'estimated',
      savingVsPreviousYearKwh: 62,
      complete: true,
    };
    expect(report.figures).toMatchObject({ ...expected, cost: { subscription: 30, energy: 24.03, total: 54.03 } });
    expect(report.communes[0]?.cabinets[0]?.outputs[0]?.figures).toMatchObject({
      ...expected,
      cost: { subscription: 0, energy: 24.03, total: 24.03 },
    });
  });

  it('estimates a summer month against dusk-to-dawn lighting, with no year before known', () => {
    const june = month('2027-06');
    const summer = nightly(june, [
      [22, 30, true],
      [23, 30, false],
    ]);
    const cabinet = { id: 'cab-2', name: 'Armoire église', meter: null, outputs: [{ ...lamps, switchings: summer }] };
    const report = energyReport([commune([cabinet])], june, OPTIONS);
    expect(report.figures).toMatchObject({
      kwh: 30,
      burningHours: 30,
      duskToDawnKwh: 231.832,
      savingVsDuskToDawnKwh: 201.832,
      previousYearKwh: null,
      savingVsPreviousYearKwh: null,
    });
  });

  it('adds up cabinets, communes and the syndicate, labelling a total of metered and estimated kWh as mixed', () => {
    const estimated = { id: 'cab-2', name: 'Armoire église', meter: null, outputs: [lamps] };
    const metered = meteredCabinet(meterSeries('2027-11-30T22:45:00Z', '2027-12-31T23:00:00Z', 0.5));
    const report = energyReport(
      [commune([metered, estimated]), commune([estimated], '80001', 'Abbeville')],
      december,
      OPTIONS,
    );
    expect(report.communes.map((c) => [c.name, c.figures.kwh, c.figures.source])).toEqual([
      ['Amiens', 372 + 124, 'mixed'],
      ['Abbeville', 124, 'estimated'],
    ]);
    expect(report.figures).toMatchObject({ kwh: 620, source: 'mixed', cost: { subscription: 90 }, switchOns: 62 });
  });

  it('marks an output with no switching known before the period as incomplete, and one with none at all as unknown', () => {
    const late = switchings.filter((s) => s.at >= Date.parse('2027-12-10T00:00:00Z'));
    const outputs = [
      { ...lamps, id: 'late', switchings: late },
      { ...lamps, id: 'never', switchings: [] },
    ];
    const report = energyReport(
      [commune([{ id: 'cab-3', name: 'Armoire stade', meter: null, outputs }])],
      december,
      OPTIONS,
    );
    const [late10th, never] = report.communes[0]?.cabinets[0]?.outputs ?? [];
    expect(late10th?.figures).toMatchObject({ source: 'estimated', complete: false, kwh: 22 * 4 });
    expect(never?.figures).toMatchObject({ source: 'none', complete: false, kwh: null, savingVsDuskToDawnKwh: null });
  });
});

describe('energy report inputs and host', () => {
  it('refuses a period that ends before it starts', () => {
    const period = { first: parseLocalDate('2027-03-31'), last: parseLocalDate('2027-03-01') };
    expect(() => energyReport([], period, OPTIONS)).toThrow(ScheduleException);
    expect(() => energyReport([], period, OPTIONS)).toThrow('the period ends before it starts');
  });

  it('gives the same report whatever the time zone of the machine', () => {
    const input = [commune([meteredCabinet(meterSeries(...OCTOBER, 1))])];
    const underUtc = withHostTimeZone('UTC', () => energyReport(input, month('2027-10'), OPTIONS));
    expect(withHostTimeZone('Pacific/Kiritimati', () => energyReport(input, month('2027-10'), OPTIONS))).toEqual(
      underUtc,
    );
  });
});
