import type { Account, HistoryEntry, HistoryKind } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { formatDateTime, formatValue } from './format';
import { pointName, splitKey } from './names';

/** One line of the Historique page, in words. */
export interface HistoryLine {
  /** `jeu. 3 déc., 23:00` on the site's clock. */
  readonly when: string;
  /** `Armoire Hôtel de Ville — Départ 4 — commande contacteur`, or what an audit entry is about. */
  readonly subject: string;
  /** `Commutation : allumé`, `Programme « eclairage »`, `command.switch`… */
  readonly what: string;
  readonly result: string;
  /** `Agent Saint-Quentin (agent@02691)`; empty when no person did it. */
  readonly who: string;
  readonly reason: string | undefined;
}

/** The histories an account may read: the audit log only for the roles central gives it to (not read-only). */
export function historyKinds(account: Account): HistoryKind[] {
  return account.role === 'read-only' ? ['switchings', 'commands'] : ['switchings', 'commands', 'audit'];
}

/** A history line in words, its time on the site's clock. */
export function historyLine(kind: HistoryKind, entry: HistoryEntry, timeZone: string): HistoryLine {
  return {
    when: formatDateTime(entry.at, timeZone),
    subject: kind === 'audit' ? (entry.target ?? '') : subjectOf(entry),
    what: whatOf(kind, entry),
    result: kind === 'audit' ? entry.result : (resultOf(kind, entry.result) ?? entry.result),
    who: entry.by === null ? '' : entry.byName === null ? entry.by : `${entry.byName} (${entry.by})`,
    reason: entry.reason ?? undefined,
  };
}

function subjectOf(entry: HistoryEntry): string {
  const point = entry.pointName ?? (entry.pointKey === null ? '' : pointName(splitKey(entry.pointKey).pointId));
  const equipment = entry.equipmentName ?? (entry.pointKey === null ? '' : splitKey(entry.pointKey).equipmentId);
  return [equipment, point].filter((part) => part !== '').join(' — ');
}

function whatOf(kind: HistoryKind, entry: HistoryEntry): string {
  const value = entry.value === null ? '' : ` : ${valueText(entry)}`;
  if (kind === 'commands') return `${fr.command.action[entry.what] ?? entry.what}${value}`;
  if (kind === 'switchings') return `${sourceText(entry.what)}${value}`;
  return fr.history.auditActions[entry.what] ?? entry.what;
}

function valueText(entry: HistoryEntry): string {
  const text = formatValue(entry.value);
  return entry.unit === null || typeof entry.value !== 'number' ? text : `${text} ${entry.unit}`;
}

/** `schedule:eclairage` → `Programme « eclairage »`, `command:<id>` → `Commande`, `local-api` → `Commande locale`. */
function sourceText(source: string): string {
  const [kind = '', id = ''] = source.split(/:(.*)/s);
  if (kind === 'schedule') return fr.history.sources.schedule(id);
  if (kind === 'command') return fr.history.sources.command;
  if (kind === 'bells') return fr.history.sources.bells(id);
  return fr.history.sources.other[source] ?? source;
}

function resultOf(kind: HistoryKind, result: string): string | undefined {
  return kind === 'switchings' ? fr.switching.results[result] : fr.history.statuses[result];
}
