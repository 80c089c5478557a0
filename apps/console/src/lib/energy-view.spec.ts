import type { EnergyFiguresDto, SyndicateEnergyReport } from '@beffroi/api';
import {
  costAndCo2,
  currentMonth,
  formatEuros,
  formatKwh,
  formatPeriod,
  kwhWithSource,
  monthBars,
  periodParams,
  savings,
  sortCommunes,
} from './energy-view';

const figures = (extra: Partial<EnergyFiguresDto>): EnergyFiguresDto => ({
  kwh: 1486,
  source: 'metered',
  peakKwh: 992,
  offPeakKwh: 494,
  complete: true,
  missingQuarters: 0,
  resets: 0,
  installedWatts: null,
  burningHours: 18.25,
  switchOns: 2,
  cost: { subscription: 30, energy: 272.5, total: 302.5 },
  kgCo2e: 89.16,
  duskToDawnKwh: null,
  savingVsDuskToDawnKwh: null,
  previousYearKwh: 1857.5,
  previousYearSource: 'metered',
  savingVsPreviousYearKwh: 371.5,
  ...extra,
});

/** French numbers group thousands with a narrow no-break space. */
const n = (text: string) => text.replace(/(\d) (\d)/g, '$1\u202f$2');

describe("the Énergie page's period", () => {
  it("starts on the site's current month, not the machine's", () => {
    // 23:30 UTC on 31 March is already April in Paris.
    expect(currentMonth(new Date('2027-03-31T22:30:00Z'), 'Europe/Paris')).toBe('2027-04');
    expect(currentMonth(new Date('2027-03-31T22:30:00Z'), 'UTC')).toBe('2027-03');
  });

  it('asks central for a month, a whole year or any days, and refuses what central would', () => {
    expect(periodParams({ kind: 'month', month: '2027-03' })?.toString()).toBe('month=2027-03');
    expect(periodParams({ kind: 'year', year: '2026' })?.toString()).toBe('from=2026-01-01&to=2026-12-31');
    expect(periodParams({ kind: 'custom', from: '2027-03-01', to: '2027-03-15' })?.toString()).toBe(
      'from=2027-03-01&to=2027-03-15',
    );
    expect(periodParams({ kind: 'month', month: '2027-13' })).toBeUndefined();
    expect(periodParams({ kind: 'custom', from: '2027-03-15', to: '2027-03-01' })).toBeUndefined();
    expect(periodParams({ kind: 'custom', from: '', to: '2027-03-01' })).toBeUndefined();
    expect(periodParams({ kind: 'custom', from: '2026-01-01', to: '2027-01-02' })).toBeUndefined();
  });

  it("says the period in French, its local days as they are whatever the browser's time zone", () => {
    expect(formatPeriod({ from: '2027-03-01', to: '2027-03-31', month: '2027-03' })).toBe('mars 2027');
    expect(formatPeriod({ from: '2027-03-01', to: '2027-03-15', month: null })).toBe('du 01/03/2027 au 15/03/2027');
  });
});

describe("the Énergie page's figures", () => {
  it('writes kWh and euros the French way, an unknown figure as such and never 0', () => {
    expect(formatKwh(1486)).toBe(n('1 486 kWh'));
    expect(formatKwh(null)).toBe('non calculable');
    expect(formatEuros(302.5)).toBe('302,50\u00a0€');
    expect(kwhWithSource(12.5, 'estimated')).toBe('12,5 kWh (estimé)');
  });

  it('says the cost and kgCO2e of unknown kWh are unknown, not 0', () => {
    expect(costAndCo2(figures({}))).toEqual({ cost: '302,50\u00a0€', kgCo2e: '89,16' });
    expect(
      costAndCo2(figures({ kwh: null, source: 'none', cost: { subscription: 0, energy: 0, total: 0 }, kgCo2e: 0 })),
    ).toEqual({
      cost: 'non calculable',
      kgCo2e: 'non calculable',
    });
  });

  it('gives each saving with what it is compared to, or why it cannot be computed', () => {
    expect(savings(figures({}))).toEqual({
      year: n('371,5 kWh (1 857,5 kWh (mesuré) un an plus tôt)'),
      dusk: 'non calculable (puissance installée des départs inconnue)',
    });
    expect(
      savings(
        figures({
          previousYearKwh: null,
          previousYearSource: 'none',
          savingVsPreviousYearKwh: null,
          duskToDawnKwh: 490.4,
          savingVsDuskToDawnKwh: 366.4,
        }),
      ),
    ).toEqual({
      year: 'non calculable (aucun relevé du compteur un an plus tôt)',
      dusk: '366,4 kWh (490,4 kWh si l’éclairage avait brûlé du crépuscule à l’aube)',
    });
  });

  it('draws each month beside the same days a year earlier, an unknown month as a gap', () => {
    expect(
      monthBars([
        { month: '2027-03', kwh: 1486, source: 'metered', previousYearKwh: 1857.5, previousYearSource: 'metered' },
        { month: '2027-04', kwh: null, source: 'none', previousYearKwh: null, previousYearSource: 'none' },
      ]),
    ).toEqual({ labels: ['mars 2027', 'avril 2027'], current: [1486, null], previous: [1857.5, null] });
  });
});

describe("the syndicate's table", () => {
  const commune = (name: string, kwh: number | null, total: number): SyndicateEnergyReport['communes'][number] => ({
    insee: name,
    name,
    timeZone: 'Europe/Paris',
    figures: figures({ kwh, cost: { subscription: 0, energy: total, total } }),
  });
  const communes = [
    commune('Soissons', 40, 8),
    commune('Laon', null, 0),
    commune('Amiens', 40, 8),
    commune('Ham', 90, 18),
  ];

  it('sorts by a figure either way, unknown figures last, equal ones by name', () => {
    const names = (column: Parameters<typeof sortCommunes>[1], direction: 'ascending' | 'descending') =>
      sortCommunes(communes, column, direction).map((c) => c.name);
    expect(names('kwh', 'descending')).toEqual(['Ham', 'Amiens', 'Soissons', 'Laon']);
    expect(names('kwh', 'ascending')).toEqual(['Amiens', 'Soissons', 'Ham', 'Laon']);
    expect(names('cost', 'descending')).toEqual(['Ham', 'Amiens', 'Soissons', 'Laon']);
    expect(names('name', 'ascending')).toEqual(['Amiens', 'Ham', 'Laon', 'Soissons']);
    expect(names('name', 'descending')).toEqual(['Soissons', 'Laon', 'Ham', 'Amiens']);
  });
});
