import type { Command, CommandStatus } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { DEFAULT_TIME_ZONE } from './format';
import { untilWords } from './until';

const FINAL: readonly CommandStatus[] = ['applied', 'refused', 'failed', 'expired'];

/** Whether a command has reached its end: nothing will change it any more. */
export function isFinal(status: CommandStatus): boolean {
  return FINAL.includes(status);
}

/**
 * `Forçage temporaire : appliquée`, `Commutation jusqu'à 23:00 : appliquée` (a switch says how long it lasts, as
 * asked) or `… : refusée (motif : …)`.
 */
export function progressText(
  command: Pick<Command, 'action' | 'status' | 'reason'> & Partial<Pick<Command, 'until' | 'permanent'>>,
  timeZone = DEFAULT_TIME_ZONE,
): string {
  const named = fr.command.action[command.action] ?? command.action;
  const lasts = command.action === 'switch' && (command.until !== undefined || command.permanent === true);
  const action = lasts ? `${named} ${untilWords(command, timeZone)}` : named;
  const reason = command.reason === null || command.reason === '' ? '' : ` (${fr.command.reason(command.reason)})`;
  return `${action} : ${fr.command[command.status]}${reason}`;
}

/** A live update of a command's status, kept only if it moves it on (a late `sent` never hides `applied`). */
export function advance<T extends Pick<Command, 'status' | 'reason'>>(
  command: T,
  update: { status: CommandStatus; reason?: string | null | undefined },
): T {
  if (isFinal(command.status)) return command;
  return { ...command, status: update.status, reason: update.reason ?? command.reason };
}
