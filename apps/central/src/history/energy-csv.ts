import type { CommuneEnergyReport, EnergyFiguresDto, SyndicateEnergyReport } from '@beffroi/api';

/** The words of a source in French, as the CSV and the PDF print it. */
export const SOURCE_FR: Readonly<Record<EnergyFiguresDto['source'], string>> = {
  metered: 'mesuré',
  estimated: 'estimé',
  mixed: 'mixte',
  none: 'inconnu',
};

/** One line of the table: its level, where it is, and its figures. */
interface Line {
  readonly level: 'Syndicat' | 'Commune' | 'Armoire' | 'Départ';
  readonly commune: string;
  readonly cabinet: string;
  readonly output: string;
  readonly figures: EnergyFiguresDto;
}

const COLUMNS: readonly { readonly title: string; readonly cell: (line: Line) => string }[] = [
  { title: 'Niveau', cell: (line) => line.level },
  { title: 'Commune', cell: (line) => line.commune },
  { title: 'Armoire', cell: (line) => line.cabinet },
  { title: 'Départ', cell: (line) => line.output },
  { title: 'Source des kWh', cell: (line) => SOURCE_FR[line.figures.source] },
  { title: 'kWh', cell: (line) => decimal(line.figures.kwh) },
  { title: 'kWh heures pleines', cell: (line) => decimal(line.figures.peakKwh) },
  { title: 'kWh heures creuses', cell: (line) => decimal(line.figures.offPeakKwh) },
  { title: 'Données complètes', cell: (line) => (line.figures.complete ? 'oui' : 'non') },
  { title: "Quarts d'heure sans relevé", cell: (line) => decimal(line.figures.missingQuarters) },
  { title: 'Remises à zéro du compteur', cell: (line) => decimal(line.figures.resets) },
  { title: 'Heures de fonctionnement', cell: (line) => decimal(line.figures.burningHours) },
  { title: 'Allumages', cell: (line) => decimal(line.figures.switchOns) },
  { title: 'Abonnement (€)', cell: (line) => decimal(line.figures.cost.subscription) },
  { title: 'Énergie (€)', cell: (line) => decimal(line.figures.cost.energy) },
  { title: 'Coût total (€)', cell: (line) => decimal(line.figures.cost.total) },
  { title: 'kgCO2e', cell: (line) => decimal(line.figures.kgCo2e) },
  { title: 'kWh un an plus tôt', cell: (line) => decimal(line.figures.previousYearKwh) },
  { title: 'Économie sur un an (kWh)', cell: (line) => decimal(line.figures.savingVsPreviousYearKwh) },
  { title: 'kWh du crépuscule à l’aube', cell: (line) => decimal(line.figures.duskToDawnKwh) },
  { title: 'Économie sur le crépuscule à l’aube (kWh)', cell: (line) => decimal(line.figures.savingVsDuskToDawnKwh) },
];

/**
 * A commune's energy report as a CSV file for French spreadsheets: UTF-8 with a byte order mark, `;` between cells,
 * a decimal comma, CRLF line ends, French column names; the commune's line, then each cabinet followed by its outputs.
 * An unknown figure is an empty cell, never 0.
 */
export function communeEnergyCsv(report: CommuneEnergyReport): string {
  const { commune } = report;
  const lines: Line[] = [
    { level: 'Commune', commune: commune.name, cabinet: '', output: '', figures: commune.figures },
  ];
  for (const cabinet of commune.cabinets) {
    lines.push({
      level: 'Armoire',
      commune: commune.name,
      cabinet: cabinet.name,
      output: '',
      figures: cabinet.figures,
    });
    for (const output of cabinet.outputs) {
      lines.push({
        level: 'Départ',
        commune: commune.name,
        cabinet: cabinet.name,
        output: output.name,
        figures: output.figures,
      });
    }
  }
  return csv(lines);
}

/** The report of the caller's tenant as CSV, one line per commune after the total (see {@link communeEnergyCsv}). */
export function syndicateEnergyCsv(report: SyndicateEnergyReport): string {
  return csv([
    { level: 'Syndicat', commune: '', cabinet: '', output: '', figures: report.figures },
    ...report.communes.map((commune) => ({
      level: 'Commune' as const,
      commune: commune.name,
      cabinet: '',
      output: '',
      figures: commune.figures,
    })),
  ]);
}

function csv(lines: readonly Line[]): string {
  const rows = [COLUMNS.map((column) => column.title), ...lines.map((line) => COLUMNS.map((c) => c.cell(line)))];
  return `\uFEFF${rows.map((row) => row.map(cell).join(';')).join('\r\n')}\r\n`;
}

/** A number with a decimal comma and no grouping; an unknown one is empty. */
function decimal(value: number | null): string {
  return value === null ? '' : String(value).replace('.', ',');
}

/**
 * A cell quoted when it holds `;`, a quote or a line end; a text a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@`) is prefixed with `'`, since names come from the gateways' configs.
 */
function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-\d/.test(text) ? `'${text}` : text;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
