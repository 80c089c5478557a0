import { parseLocalDate } from '../time/local-date';
import { meterSeries, withHostTimeZone } from './energy.fixtures';
import {
  type CommuneInput,
  energyReport,
  meterDayKey,
  meterDays,
  type ReportOptions,
  type ReportPeriod,
} from './energy-report';
import { mergeRollups, quarterRollups, type Rollup, type Sample } from './rollup';

const SITE = { latitude: 49.894, longitude: 2.302, timeZone: 'Europe/Paris' };
const OFF_PEAK = [{ from: { hour: 22, minute: 0 }, to: { hour: 6, minute: 0 } }];
const OPTIONS: ReportOptions = {
  tariff: { subscriptionPerMonth: 30, peakPricePerKwh: 0.2, offPeakPricePerKwh: 0.15, offPeak: OFF_PEAK },
  co2: { kgPerKwh: 0.06, source: 'test factor', date: '2026-01-01' },
};

function period(first: string, last: string): ReportPeriod {
  return { first: parseLocalDate(first), last: parseLocalDate(last) };
}

function quartersOf(samples: Sample[]): Rollup[] {
  const [previous, ...rest] = samples;
  return quarterRollups('counter', rest, previous);
}

function communeWith(meter: CommuneInput['cabinets'][number]['meter']): CommuneInput {
  return { insee: '80021', name: 'Amiens', site: SITE, cabinets: [{ id: 'cab', name: 'Armoire', meter, outputs: [] }] };
}

/**
 * A counter read every quarter over `[from, to)` whose load changes by the hour (so peak and off-peak differ), replaced
 * on 20 October at 10:00 UTC by a meter starting at 0, with no readings on the local day of 12 October.
 */
function irregularMeter(from: string, to: string): Sample[] {
  const samples: Sample[] = [];
  const replaced = Date.parse('2027-10-20T10:00:00Z');
  const gap = { start: Date.parse('2027-10-11T22:00:00Z'), end: Date.parse('2027-10-12T22:00:00Z') };
  let index = 5000;
  for (let at = Date.parse(from); at < Date.parse(to); at += 15 * 60_000) {
    index = at === replaced ? 0 : index + (1 + (Math.floor(at / 3_600_000) % 3)) / 4;
    if (at < gap.start || at >= gap.end) samples.push({ at, value: index });
  }
  return samples;
}

describe('meter days: a counter kept per local day, split by the tariff', () => {
  it('gives October 2027 (25-hour 31st, a reset, a day without readings) the figures of its quarters', () => {
    const quarters = quartersOf(irregularMeter('2027-09-30T21:45:00Z', '2027-10-31T23:00:00Z'));
    const days = meterDays(quarters, OFF_PEAK, SITE.timeZone);
    expect(days).toHaveLength(30);
    const last = days.at(-1);
    expect(last).toMatchObject({ start: Date.parse('2027-10-30T22:00:00Z'), end: Date.parse('2027-10-31T23:00:00Z') });
    expect(last?.quarters).toBe(100);
    expect(days.reduce((sum, day) => sum + day.resets, 0)).toBe(1);
    for (const span of [period('2027-10-01', '2027-10-31'), period('2027-10-31', '2027-10-31')]) {
      const fromQuarters = energyReport([communeWith(quarters)], span, OPTIONS).figures;
      const fromDays = energyReport([communeWith(days)], span, OPTIONS).figures;
      expect(fromDays).toEqual(fromQuarters);
    }
    expect(energyReport([communeWith(days)], period('2027-10-01', '2027-10-31'), OPTIONS).figures).toMatchObject({
      complete: false,
      missingQuarters: 96,
      resets: 1,
    });
  });

  it('gives March 2027 (23-hour 28th, one off-peak hour lost) 496 peak and 247 off-peak kWh for a 1 kW load', () => {
    const quarters = quartersOf(meterSeries('2027-02-28T22:45:00Z', '2027-03-31T22:00:00Z', 1));
    const days = meterDays(quarters, OFF_PEAK, SITE.timeZone);
    const spring = days.find((day) => day.start === Date.parse('2027-03-27T23:00:00Z'));
    expect(spring).toEqual({
      start: Date.parse('2027-03-27T23:00:00Z'),
      end: Date.parse('2027-03-28T22:00:00Z'),
      peakIncrease: 16,
      offPeakIncrease: 7,
      quarters: 92,
      resets: 0,
    });
    expect(energyReport([communeWith(days)], period('2027-03-01', '2027-03-31'), OPTIONS).figures).toMatchObject({
      kwh: 743,
      peakKwh: 496,
      offPeakKwh: 247,
      complete: true,
    });
  });

  it('are idempotent: the same days from the quarters in one run or two, their increase that of the day rollups', () => {
    const quarters = quartersOf(irregularMeter('2027-09-30T21:45:00Z', '2027-10-31T23:00:00Z'));
    const once = meterDays(quarters, OFF_PEAK, SITE.timeZone);
    const cut = quarters.findIndex((quarter) => quarter.start >= Date.parse('2027-10-15T22:00:00Z'));
    const twice = [
      ...meterDays(quarters.slice(0, cut), OFF_PEAK, SITE.timeZone),
      ...meterDays(quarters.slice(cut), OFF_PEAK, SITE.timeZone),
    ];
    expect(twice).toEqual(once);
    expect(meterDays(quarters, OFF_PEAK, SITE.timeZone)).toEqual(once);
    const rollups = mergeRollups(quarters, 'day', SITE.timeZone);
    expect(once.map((day) => [day.start, day.end, day.quarters, day.resets])).toEqual(
      rollups.map((day) => [day.start, day.end, day.quarters, day.resets]),
    );
    once.forEach((day, index) =>
      expect(day.peakIncrease + day.offPeakIncrease).toBeCloseTo(rollups[index]?.increase ?? NaN, 9),
    );
  });

  it('give the same days whatever the time zone of the machine', () => {
    const quarters = quartersOf(irregularMeter('2027-09-30T21:45:00Z', '2027-10-31T23:00:00Z'));
    const reference = meterDays(quarters, OFF_PEAK, SITE.timeZone);
    for (const zone of ['Pacific/Kiritimati', 'America/New_York']) {
      expect(withHostTimeZone(zone, () => meterDays(quarters, OFF_PEAK, SITE.timeZone))).toEqual(reference);
    }
  });

  it('are keyed by the time zone and the off-peak windows they were split with', () => {
    expect(meterDayKey(OFF_PEAK, 'Europe/Paris')).toBe('Europe/Paris 22:00-06:00');
    expect(meterDayKey([], 'Europe/Paris')).toBe('Europe/Paris');
    expect(
      meterDayKey(
        [
          { from: { hour: 1, minute: 30 }, to: { hour: 7, minute: 30 } },
          { from: { hour: 12, minute: 0 }, to: { hour: 14, minute: 0 } },
        ],
        'America/Cayenne',
      ),
    ).toBe('America/Cayenne 01:30-07:30 12:00-14:00');
  });
});
