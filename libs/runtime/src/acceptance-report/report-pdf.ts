import PDFDocument from 'pdfkit';
import type { AcceptanceReport } from '@beffroi/sync';
import {
  centralFr,
  dateFr,
  equipmentFr,
  fieldsFr,
  kindFr,
  latencyFr,
  runFr,
  sitesFr,
  stateFr,
  summaryFr,
  TITLE,
} from './report-text';

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;
const BOTTOM = 841.89 - MARGIN - 40;
const INK = '#1f2937';
const FAILED = '#b91c1c';
const GREY = '#4b5563';
/** The test table's columns: title and width (points); the finding goes on a line of its own below each row. */
const COLUMNS = [
  { title: 'Équipement', width: 75 },
  { title: 'Essai', width: 65 },
  { title: 'Point', width: 125 },
  { title: 'Résultat', width: 75 },
  { title: 'Latence', width: WIDTH - 340 },
] as const;

/**
 * The procès-verbal de recette as a PDF (A4, French), with pdfkit's standard fonts: the same sections as the HTML
 * page, the test table with each finding under its row, failed steps in red, and room for the signatures.
 */
export function acceptanceReportPdf(report: AcceptanceReport): Promise<Buffer> {
  const zone = report.timeZone;
  const document = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'fr-FR',
    info: {
      Title: `${TITLE} — ${report.commune.name}`,
      Author: 'Beffroi',
      CreationDate: new Date(report.createdAt),
    },
  });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  const heading = (text: string) => {
    if (document.y > BOTTOM - 40) document.addPage();
    document.moveDown(0.6).fillColor(INK).font('Helvetica-Bold').fontSize(12).text(text, MARGIN);
    document.font('Helvetica').fontSize(10).moveDown(0.2);
  };
  const line = (text: string) => {
    if (document.y > BOTTOM) document.addPage();
    document.fillColor(INK).font('Helvetica').fontSize(10).text(text, MARGIN, document.y, { width: WIDTH });
  };

  document.fillColor(INK).font('Helvetica-Bold').fontSize(16).text(TITLE);
  document.font('Helvetica').fontSize(11).moveDown(0.3);
  document.text(`Commune de ${report.commune.name} (${report.commune.insee})`);
  document.text(`Procès-verbal ${report.id}, établi le ${dateFr(report.createdAt, zone)}`);

  heading('Sites');
  sitesFr(report).forEach(line);
  heading('Passerelle');
  line(`Passerelle ${report.gateway.id}, version ${report.gateway.version} (Node ${report.gateway.node})`);
  heading('Plan des bus');
  for (const bus of report.buses) {
    line(`Bus ${bus.id} (${bus.protocol}, ${bus.target})`);
    for (const equipment of bus.equipment) line(`    ${equipmentFr(equipment)}`);
  }

  heading('Essais des sorties et des alarmes');
  const { run } = report;
  line(
    `Essai ${run.id} par ${run.startedBy}, du ${dateFr(run.startedAt, zone)}` +
      `${run.endedAt === undefined ? '' : ` au ${dateFr(run.endedAt, zone)}`} : ${runFr(run.state)} ` +
      `(${summaryFr(run.summary)}).`,
  );
  document.moveDown(0.4);
  row(
    document,
    COLUMNS.map((column) => column.title),
    true,
    INK,
  );
  for (const step of run.steps) {
    if (document.y > BOTTOM) document.addPage();
    const color = step.state === 'failed' ? FAILED : INK;
    row(
      document,
      [
        step.equipment,
        kindFr(step.kind),
        step.key.slice(step.equipment.length + 1),
        stateFr(step.state),
        latencyFr(step.latencyMs),
      ],
      false,
      color,
    );
    if (step.detail !== undefined) {
      document.fillColor(GREY).font('Helvetica').fontSize(8);
      document.text(step.detail, MARGIN + 10, document.y, { width: WIDTH - 10 });
      document.moveDown(0.3);
    }
  }

  heading('Programmation');
  line(`Empreinte des programmes : ${report.schedules.fingerprint}`);
  if (report.schedules.next24h.length === 0) line('Aucune commutation programmée dans les 24 heures.');
  for (const switching of report.schedules.next24h) {
    line(`${dateFr(switching.at, zone)} — ${switching.schedule} : ${switching.what}`);
  }
  heading('Liaison avec le central');
  centralFr(report).forEach(line);
  heading('Mesures');
  for (const [label, value] of fieldsFr(report)) line(`${label} : ${value}`);

  if (document.y > BOTTOM - 80) document.addPage();
  document.moveDown(1.5);
  const y = document.y;
  document.fillColor(INK).font('Helvetica').fontSize(10);
  document.text(`Le technicien : ${report.fields.engineer}`, MARGIN, y, { width: WIDTH / 2 - 10 });
  document.text(`Date : ${dateFr(report.createdAt, zone)}`, MARGIN, document.y, { width: WIDTH / 2 - 10 });
  document.text(`Pour la commune : ${report.fields.representative ?? ''}`, MARGIN + WIDTH / 2, y, {
    width: WIDTH / 2,
  });
  document.end();
  return done;
}

function row(document: PDFKit.PDFDocument, cells: readonly string[], bold: boolean, color: string): void {
  const y = document.y;
  document
    .fillColor(color)
    .font(bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(9);
  let x = MARGIN;
  COLUMNS.forEach((column, index) => {
    document.text(cells[index] ?? '', x, y, { width: column.width - 5, lineBreak: false, ellipsis: true });
    x += column.width;
  });
  document.x = MARGIN;
  document.y = y + 13;
}
