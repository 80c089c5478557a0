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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/** The procès-verbal as a self-contained HTML page (printable; no script, no outside resource). */
export function acceptanceReportHtml(report: AcceptanceReport): string {
  const zone = report.timeZone;
  const rows = report.run.steps
    .map(
      (step) =>
        `<tr class="${step.state}"><td>${escape(step.equipment)}</td><td>${escape(kindFr(step.kind))}</td>` +
        `<td>${escape(step.name)}<br><small>${escape(step.key)}</small></td><td>${escape(stateFr(step.state))}</td>` +
        `<td>${escape(latencyFr(step.latencyMs))}</td><td>${escape(step.detail ?? '')}</td></tr>`,
    )
    .join('\n');
  const buses = report.buses
    .map(
      (bus) =>
        `<li>${escape(`Bus ${bus.id} (${bus.protocol}, ${bus.target})`)}<ul>` +
        bus.equipment.map((equipment) => `<li>${escape(equipmentFr(equipment))}</li>`).join('') +
        '</ul></li>',
    )
    .join('\n');
  const switchings =
    report.schedules.next24h.length === 0
      ? '<p>Aucune commutation programmée dans les 24 heures.</p>'
      : `<ul>${report.schedules.next24h
          .map((s) => `<li>${escape(`${dateFr(s.at, zone)} — ${s.schedule} : ${s.what}`)}</li>`)
          .join('')}</ul>`;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${escape(`${TITLE} — ${report.commune.name}`)}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #1f2937; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
td, th { border: 1px solid #9ca3af; padding: 0.3em; text-align: left; vertical-align: top; }
tr.failed td { background: #fee2e2; }
.signatures { display: flex; gap: 4em; margin-top: 2em; }
.signatures div { flex: 1; border-top: 1px solid #1f2937; padding-top: 0.5em; min-height: 5em; }
</style>
</head>
<body>
<h1>${escape(TITLE)}</h1>
<p>Commune de ${escape(report.commune.name)} (${escape(report.commune.insee)}) — procès-verbal ${escape(report.id)}, établi le ${escape(dateFr(report.createdAt, zone))}</p>
<h2>Sites</h2>
<ul>${sitesFr(report)
    .map((line) => `<li>${escape(line)}</li>`)
    .join('')}</ul>
<h2>Passerelle</h2>
<p>${escape(`Passerelle ${report.gateway.id}, version ${report.gateway.version} (Node ${report.gateway.node})`)}</p>
<h2>Plan des bus</h2>
<ul>
${buses}
</ul>
<h2>Essais des sorties et des alarmes</h2>
<p>${escape(`Essai ${report.run.id} par ${report.run.startedBy}, du ${dateFr(report.run.startedAt, zone)}${report.run.endedAt === undefined ? '' : ` au ${dateFr(report.run.endedAt, zone)}`} : ${runFr(report.run.state)} (${summaryFr(report.run.summary)}).`)}</p>
<table>
<thead><tr><th>Équipement</th><th>Essai</th><th>Point</th><th>Résultat</th><th>Latence</th><th>Constat</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Programmation</h2>
<p>Empreinte des programmes : ${escape(report.schedules.fingerprint)}</p>
${switchings}
<h2>Liaison avec le central</h2>
${centralFr(report)
  .map((line) => `<p>${escape(line)}</p>`)
  .join('\n')}
<h2>Mesures</h2>
<table>
${fieldsFr(report)
  .map(([label, value]) => `<tr><th>${escape(label)}</th><td>${escape(value)}</td></tr>`)
  .join('\n')}
</table>
<div class="signatures">
<div>Le technicien : ${escape(report.fields.engineer)}<br>Date : ${escape(dateFr(report.createdAt, zone))}</div>
<div>Pour la commune : ${escape(report.fields.representative ?? '')}</div>
</div>
</body>
</html>
`;
}
