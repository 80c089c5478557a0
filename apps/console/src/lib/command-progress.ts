import type { Command, CommandStatus } from '@beffroi/api';
import { fr } from '../i18n/fr';

const FINAL: readonly CommandStatus[] = ['applied', 'refused', 'failed', 'expired'];

/** Whether a command has reached its end: nothing will change it any more. */
export function isFinal(status: CommandStatus): boolean {
  return FINAL.includes(status);
}

/** `Forçage temporaire : appliquée` or `… : refusée (motif : …)`. */
export function progressText(command: Pick<Command, 'action' | 'status' | 'reason'>): string {
  const action = fr.command.action[command.action] ?? command.action;
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
