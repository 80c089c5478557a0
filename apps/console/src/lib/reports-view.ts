import type { CommissioningReportSummary, Commune } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { DEFAULT_TIME_ZONE } from './format';

/** One procès-verbal of the Recettes page, in words. */
export interface ReportLine {
  readonly id: string;
  readonly gatewayId: string;
  /** `4 décembre 2026 à 18:03`, on the clock of the gateway's first site. */
  readonly made: string;
  readonly sites: string;
  readonly equipment: string;
  readonly engineer: string;
  /** `essais non conformes`; the run's state itself when central one day sends another. */
  readonly result: string;
  readonly passed: boolean;
  /** `7 conformes, 1 non conforme, 3 non réalisés`. */
  readonly summary: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** `4 décembre 2026 à 18:03`: the day of a procès-verbal with its year, which a list that spans years needs. */
function formatMade(instant: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone });
    formats.set(timeZone, format);
  }
  return format.format(new Date(instant));
}

/** The time zone of each gateway of the commune (its first site's), for the dates of its procès-verbaux. */
export function gatewayTimeZones(commune: Commune): ReadonlyMap<string, string> {
  return new Map(
    commune.gateways.map((gateway) => [gateway.id, gateway.health?.sites?.[0]?.timeZone ?? DEFAULT_TIME_ZONE]),
  );
}

/** The procès-verbaux of one gateway (all of them without one), in words, in central's order (newest first). */
export function reportLines(
  reports: readonly CommissioningReportSummary[],
  gatewayId: string | undefined,
  timeZones: ReadonlyMap<string, string>,
): ReportLine[] {
  const t = fr.reports;
  return reports
    .filter((report) => gatewayId === undefined || report.gatewayId === gatewayId)
    .map((report) => ({
      id: report.id,
      gatewayId: report.gatewayId,
      made: formatMade(report.createdAt, timeZones.get(report.gatewayId) ?? DEFAULT_TIME_ZONE),
      sites: report.sites,
      equipment: report.equipment.join(', '),
      engineer: report.engineer,
      result: t.results[report.result] ?? report.result,
      passed: report.result === 'passed',
      summary: t.summary(report.summary.passed, report.summary.failed, report.summary.skipped),
    }));
}

/**
 * The gateways the filter offers, sorted: those of the commune, those that sent a procès-verbal, and the one the address
 * names (`shown`, `''` for none) even if it has neither, so that its empty list can be left from the filter itself.
 */
export function reportGateways(
  reports: readonly CommissioningReportSummary[],
  commune: Commune | undefined,
  shown: string,
): string[] {
  const ids = new Set([...(commune?.gateways ?? []).map((gateway) => gateway.id), ...reports.map((r) => r.gatewayId)]);
  if (shown !== '') ids.add(shown);
  return [...ids].sort((a, b) => a.localeCompare(b));
}
