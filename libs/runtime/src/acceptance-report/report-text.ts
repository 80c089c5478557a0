import type { AcceptanceReport } from '@beffroi/sync';

/** The words of the procès-verbal, shared by its HTML and its PDF. */
export const TITLE = 'Procès-verbal de recette — mise en service';

const STATE_FR: Record<string, string> = {
  passed: 'conforme',
  failed: 'non conforme',
  skipped: 'non réalisé',
  pending: 'non exécuté',
  running: 'interrompu',
  awaiting: 'interrompu',
};
const KIND_FR: Record<string, string> = {
  circuit: 'Départ',
  setpoint: 'Consigne',
  strike: 'Tintement',
  alarm: 'Alarme',
  restore: 'Restitution',
};
const LATENCY_FR: Record<string, string> = {
  on: 'marche',
  off: 'arrêt',
  readBack: 'relecture',
  strike: 'coup compté',
  seen: 'vue',
  restore: 'retour',
};
const RUN_FR: Record<string, string> = {
  passed: 'conforme',
  failed: 'non conforme',
  aborted: 'interrompu',
  running: 'en cours',
};

export const stateFr = (state: string) => STATE_FR[state] ?? state;
export const kindFr = (kind: string) => KIND_FR[kind] ?? kind;
export const runFr = (state: string) => RUN_FR[state] ?? state;

/** "conformes : 4, non conformes : 1, non réalisés : 1". */
export function summaryFr(summary: { passed: number; failed: number; skipped: number }): string {
  return `conformes : ${summary.passed}, non conformes : ${summary.failed}, non réalisés : ${summary.skipped}`;
}

export function latencyFr(latencyMs: Record<string, number>): string {
  const parts = Object.entries(latencyMs).map(([name, ms]) => `${LATENCY_FR[name] ?? name} ${ms} ms`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

/** An instant as a French date and time in the report's time zone: "3 décembre 2026 à 21:05:09". */
export function dateFr(iso: string, timeZone: string): string {
  const at = new Date(iso);
  const day = new Intl.DateTimeFormat('fr-FR', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${day} à ${time}`;
}

export function numberFr(value: number): string {
  return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 }).format(value).replace(/\u202f|\u00a0/g, ' ');
}

/** The clock check and round trip to central, or "central injoignable" said plainly. */
export function centralFr(report: AcceptanceReport): string[] {
  const { central } = report;
  if (!central.reachable) return [`Central injoignable lors de la recette (${central.status}).`];
  return [
    central.clockOffsetMs === null
      ? 'Horloge : écart avec le central non encore mesuré.'
      : `Horloge : écart avec le central ${central.clockOffsetMs} ms (${Math.abs(central.clockOffsetMs) < 1000 ? 'conforme' : 'à corriger'}).`,
    central.roundTripMs === null
      ? 'Aller-retour vers le central : non mesuré.'
      : `Aller-retour vers le central : ${central.roundTripMs} ms.`,
  ];
}

/** Each site with its coordinates. */
export function sitesFr(report: AcceptanceReport): string[] {
  return report.sites.map(
    (site) => `${site.name} (${site.id}) — ${numberFr(site.latitude)}° N, ${numberFr(site.longitude)}° E`,
  );
}

/** The filled fields, label and value. */
export function fieldsFr(report: AcceptanceReport): [string, string][] {
  const { fields } = report;
  return [
    ["Résistance d'isolement", `${numberFr(fields.insulationResistanceMOhm)} mégohms`],
    ['Résistance de terre', `${numberFr(fields.earthResistanceOhm)} ohms`],
    ['Temps de déclenchement du différentiel', `${numberFr(fields.rcdTripTimeMs)} ms`],
    ['Observations', fields.remarks === '' ? 'néant' : fields.remarks],
  ];
}

export function equipmentFr(equipment: AcceptanceReport['buses'][number]['equipment'][number]): string {
  const identity = Object.values(equipment.identification).join(' / ');
  const unit = equipment.unit === null ? '' : `, esclave ${equipment.unit}`;
  return `${equipment.id}${unit} — ${[equipment.vendor, equipment.model].filter((part) => part !== null).join(' ')} (profil ${equipment.profile}${identity === '' ? '' : ` ; identification ${identity}`})`;
}
