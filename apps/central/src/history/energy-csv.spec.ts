import type { CommuneEnergyReport, EnergyFiguresDto } from '@beffroi/api';
import { communeEnergyCsv } from './energy-csv';

const figures: EnergyFiguresDto = {
  kwh: -12.5,
  source: 'metered',
  peakKwh: 0,
  offPeakKwh: 0,
  complete: false,
  missingQuarters: 4,
  resets: 1,
  installedWatts: null,
  burningHours: 0,
  switchOns: 0,
  cost: { subscription: 0, energy: 0, total: 0 },
  kgCo2e: 0,
  duskToDawnKwh: null,
  savingVsDuskToDawnKwh: null,
  previousYearKwh: null,
  previousYearSource: 'none',
  savingVsPreviousYearKwh: null,
};

function report(cabinetName: string): CommuneEnergyReport {
  return {
    period: { from: '2027-03-01', to: '2027-03-31', month: '2027-03' },
    co2: { kgPerKwh: 0.06, source: 'test', date: '2026-01-01' },
    tariff: { subscriptionPerMonth: 0, peakPricePerKwh: 0.2, offPeakPricePerKwh: 0.2, offPeak: [] },
    estimates: { available: false, reason: 'test' },
    commune: {
      insee: '02691',
      name: 'Saint-Quentin',
      timeZone: 'Europe/Paris',
      figures,
      cabinets: [{ gatewayId: 'gw', equipmentId: 'a', name: cabinetName, meterKey: 'a:meter', figures, outputs: [] }],
    },
  };
}

function cabinetCells(name: string): string {
  const rows = communeEnergyCsv(report(name)).slice(1).split('\r\n');
  return rows[2] ?? '';
}

describe('communeEnergyCsv', () => {
  it('quotes a name holding the separator or a quote, so cells stay in their columns', () => {
    expect(cabinetCells('Armoire; "gare"')).toMatch(/^Armoire;Saint-Quentin;"Armoire; ""gare""";;mesuré;-12,5;/);
  });

  it('keeps a name a spreadsheet would run as a formula as text', () => {
    expect(cabinetCells('=HYPERLINK("x")')).toMatch(/^Armoire;Saint-Quentin;"'=HYPERLINK\(""x""\)";/);
    expect(cabinetCells('@SUM(A1)')).toMatch(/^Armoire;Saint-Quentin;'@SUM\(A1\);/);
  });

  it('writes a negative figure as a number with a decimal comma, and the data as incomplete', () => {
    expect(cabinetCells('Nord').split(';').slice(4, 11)).toEqual(['mesuré', '-12,5', '0', '0', 'non', '4', '1']);
  });
});
