import type { CommuneEnergyReport, EnergyFiguresDto } from '@beffroi/api';
import PDFDocument from 'pdfkit';
import { SOURCE_FR } from './energy-csv';

/** One month of the chart: its kWh and those of the same days a year earlier (null: not known). */
export interface MonthBar {
  /** `2027-03`. */
  readonly month: string;
  readonly kwh: number | null;
  readonly previousYearKwh: number | null;
}

const MONTHS_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;
const INK = '#1f2937';
const THIS_YEAR = '#1d4ed8';
const LAST_YEAR = '#9ca3af';

/** The table's columns: title, width (points) and cell. */
const COLUMNS: readonly { title: string; width: number; cell: (figures: EnergyFiguresDto) => string }[] = [
  { title: 'Source', width: 55, cell: (f) => SOURCE_FR[f.source] },
  { title: 'kWh', width: 60, cell: (f) => (f.kwh === null ? '—' : fr(f.kwh, 0)) },
  { title: 'Heures', width: 45, cell: (f) => fr(f.burningHours, 0) },
  { title: 'Allumages', width: 62, cell: (f) => fr(f.switchOns, 0) },
  { title: 'Coût (€)', width: 60, cell: (f) => fr(f.cost.total, 2) },
  { title: 'kgCO2e', width: 55, cell: (f) => fr(f.kgCo2e, 1) },
];

/**
 * A commune's energy report as a PDF for the conseil municipal, in French: the commune and the period, a table of its
 * cabinets with their total, the cost, the kgCO2e with the factor's source, the savings, and a bar chart of kWh per
 * month against the previous year drawn with pdfkit's vector API (no image). A figure that is not known is written
 * as such, never as 0.
 */
export function communeEnergyPdf(report: CommuneEnergyReport, months: readonly MonthBar[]): Promise<Buffer> {
  const { commune } = report;
  const document = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'fr-FR',
    info: { Title: `Consommation d'énergie — ${commune.name} — ${periodFr(report.period)}`, Author: 'Beffroi' },
  });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });

  document.fillColor(INK).font('Helvetica-Bold').fontSize(18);
  document.text("Éclairage public : consommation d'énergie");
  document.font('Helvetica').fontSize(12).moveDown(0.3);
  document.text(`Commune de ${commune.name} (${commune.insee})`);
  document.text(`Période : ${periodFr(report.period)}`);
  document.moveDown();

  table(document, commune.name, commune.cabinets, commune.figures);
  document.moveDown();

  const { figures } = commune;
  document.font('Helvetica').fontSize(10);
  const lines = [
    `Consommation : ${kwhFr(figures.kwh)} (${SOURCE_FR[figures.source]}), dont ${fr(figures.peakKwh, 0)} kWh en ` +
      `heures pleines et ${fr(figures.offPeakKwh, 0)} kWh en heures creuses.`,
    `Coût : ${fr(figures.cost.total, 2)} € (abonnement ${fr(figures.cost.subscription, 2)} €, énergie ` +
      `${fr(figures.cost.energy, 2)} €).`,
    `Émissions : ${fr(figures.kgCo2e, 1)} kgCO2e, facteur ${fr(report.co2.kgPerKwh, 3)} kgCO2e/kWh ` +
      `(source : ${report.co2.source}, ${dateFr(report.co2.date)}).`,
    `Économie sur un an : ${savingFr(figures.savingVsPreviousYearKwh)}` +
      (figures.previousYearKwh === null
        ? ' (consommation inconnue un an plus tôt).'
        : ` (${kwhFr(figures.previousYearKwh)} un an plus tôt).`),
    `Économie par rapport au crépuscule à l'aube : ${savingFr(figures.savingVsDuskToDawnKwh)}` +
      (figures.duskToDawnKwh === null ? ' (puissance installée des départs inconnue).' : '.'),
  ];
  if (!figures.complete) lines.push('Attention : des relevés manquent sur la période, les totaux sont incomplets.');
  for (const line of lines) document.text(line, { width: WIDTH }).moveDown(0.3);
  document.moveDown();

  chart(document, months);
  document.end();
  return done;
}

function table(
  document: PDFKit.PDFDocument,
  communeName: string,
  cabinets: CommuneEnergyReport['commune']['cabinets'],
  total: EnergyFiguresDto,
): void {
  const nameWidth = WIDTH - COLUMNS.reduce((sum, column) => sum + column.width, 0);
  const row = (name: string, cells: readonly string[], bold: boolean) => {
    const y = document.y;
    document.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    document.text(name, MARGIN, y, { width: nameWidth - 5, lineBreak: false, ellipsis: true });
    let x = MARGIN + nameWidth;
    COLUMNS.forEach((column, index) => {
      document.text(cells[index] ?? '', x, y, { width: column.width - 5, align: 'right', lineBreak: false });
      x += column.width;
    });
    document.x = MARGIN;
    document.y = y + 16;
  };
  row(
    'Armoire',
    COLUMNS.map((column) => column.title),
    true,
  );
  for (const cabinet of cabinets) {
    row(
      cabinet.name,
      COLUMNS.map((column) => column.cell(cabinet.figures)),
      false,
    );
  }
  if (cabinets.length === 0) row('Aucune armoire avec compteur', [], false);
  document
    .moveTo(MARGIN, document.y - 3)
    .lineTo(MARGIN + WIDTH, document.y - 3)
    .strokeColor(INK)
    .lineWidth(0.5)
    .stroke();
  row(
    `Total ${communeName}`,
    COLUMNS.map((column) => column.cell(total)),
    true,
  );
}

/** Bars of kWh per month, the previous year's beside each, with their scale. */
function chart(document: PDFKit.PDFDocument, months: readonly MonthBar[]): void {
  document.font('Helvetica-Bold').fontSize(12).text("kWh par mois, comparés à l'année précédente", MARGIN, document.y);
  const top = document.y + 10;
  const height = 150;
  const bottom = top + height;
  const values = months.flatMap((month) => [month.kwh ?? 0, month.previousYearKwh ?? 0]);
  const max = Math.max(1, ...values);
  const slot = WIDTH / Math.max(1, months.length);
  const bar = Math.min(30, slot / 3);
  document
    .moveTo(MARGIN, bottom)
    .lineTo(MARGIN + WIDTH, bottom)
    .strokeColor(INK)
    .lineWidth(0.5)
    .stroke();
  document.font('Helvetica').fontSize(8).fillColor(INK);
  document.text(`${fr(max, 0)} kWh`, MARGIN, top - 10, { lineBreak: false });
  months.forEach((month, index) => {
    const x = MARGIN + index * slot + (slot - 2 * bar) / 2;
    const drawBar = (value: number | null, left: number, color: string) => {
      if (value === null) return;
      const h = (Math.max(0, value) / max) * height;
      document.rect(left, bottom - h, bar, h).fill(color);
    };
    drawBar(month.previousYearKwh, x, LAST_YEAR);
    drawBar(month.kwh, x + bar, THIS_YEAR);
    document.fillColor(INK).text(monthFr(month.month), MARGIN + index * slot, bottom + 4, {
      width: slot,
      align: 'center',
      lineBreak: false,
    });
  });
  const legend = bottom + 20;
  document.rect(MARGIN, legend, 8, 8).fill(THIS_YEAR);
  document.fillColor(INK).text('Période', MARGIN + 12, legend, { lineBreak: false });
  document.rect(MARGIN + 80, legend, 8, 8).fill(LAST_YEAR);
  document.fillColor(INK).text('Un an plus tôt', MARGIN + 92, legend, { lineBreak: false });
}

/** `1 486`, `272,50`: a space between thousands, a decimal comma. */
export function fr(value: number, decimals: number): string {
  const [whole = '0', fraction] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const sign = value < 0 && Number(value.toFixed(decimals)) !== 0 ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `,${fraction}`}`;
}

function kwhFr(kwh: number | null): string {
  return kwh === null ? 'inconnue' : `${fr(kwh, 0)} kWh`;
}

function savingFr(kwh: number | null): string {
  return kwh === null ? 'non calculable' : `${fr(kwh, 0)} kWh`;
}

/** `mars 2027`. */
function monthFr(month: string): string {
  const [year, number] = month.split('-');
  return `${MONTHS_FR[Number(number) - 1] ?? month} ${year ?? ''}`;
}

/** `01/03/2027`. */
function dateFr(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day ?? ''}/${month ?? ''}/${year ?? ''}`;
}

/** `mars 2027` for a month, `du 01/03/2027 au 15/03/2027` for a period. */
function periodFr(period: CommuneEnergyReport['period']): string {
  return period.month === null ? `du ${dateFr(period.from)} au ${dateFr(period.to)}` : monthFr(period.month);
}
