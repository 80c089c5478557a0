import type { Explanation } from '@beffroi/domain';
import type { OutboxMessage } from '@beffroi/sync';
import type { Switching } from '../control/switching-log.service';

/** The longest reason or alarm text a report carries (libs/sync `reasonText`). */
const MAX_TEXT = 500;
const MAX_NAME = 200;

/** Text fitted to a report field: trimmed, cut with an ellipsis when too long; undefined when empty. */
export function reportText(text: string | null | undefined, max = MAX_TEXT): string | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

/** The command id of a switching's cause `command:<id>`, if it came from a central command. */
export function commandIdOf(cause: string): string | undefined {
  const match = /^command:([A-Za-z0-9_-]{1,64})$/.exec(cause);
  return match?.[1];
}

/** What a switching record says, without the local write it may refer to. */
export type SwitchingFacts = Omit<Switching, 'writeId'>;

/** A recorded switching as central receives it (class `switching`). */
export function switchingMessage(switching: SwitchingFacts): OutboxMessage {
  const commandId = commandIdOf(switching.cause);
  const reason = reportText(switching.reason);
  return {
    class: 'switching',
    payload: {
      pointKey: switching.key,
      value: switching.value,
      ...(switching.slot === null ? {} : { slot: switching.slot }),
      source: reportText(switching.cause, MAX_NAME) ?? 'unknown',
      ...(commandId === undefined ? {} : { commandId }),
      result: switching.result,
      ...(reason === undefined ? {} : { reason }),
      at: switching.at.toISOString(),
    },
  };
}

/** "Why is it in this state?" for one output (class `output`), sent whenever its priority array changes. */
export function outputMessage(key: string, explanation: Explanation, at: Date): OutboxMessage {
  const owner = (text: string | undefined) => {
    const fitted = reportText(text, MAX_NAME);
    return fitted === undefined ? {} : { owner: fitted };
  };
  const { winner } = explanation;
  return {
    class: 'output',
    payload: {
      pointKey: key,
      value: explanation.value,
      winner: {
        slot: winner.slot,
        name: winner.name,
        ...owner(winner.owner),
        ...(winner.expiresAt === undefined ? {} : { expiresAt: winner.expiresAt }),
        ...(winner.until === undefined ? {} : { until: winner.until }),
        ...(winner.setAt === undefined ? {} : { setAt: winner.setAt }),
      },
      underneath: explanation.underneath.map((entry) => ({
        slot: entry.slot,
        name: entry.name,
        value: entry.value,
        ...owner(entry.owner),
        ...(entry.expiresAt === undefined ? {} : { expiresAt: entry.expiresAt }),
        ...(entry.until === undefined ? {} : { until: entry.until }),
      })),
      at: at.toISOString(),
    },
  };
}

export type AlarmSeverity = 'info' | 'warning' | 'critical';

/** An alarm raised or cleared on the gateway (class `alarm`); `key` is a point key or a gateway-level name. */
export function alarmMessage(
  key: string,
  state: 'raised' | 'cleared',
  severity: AlarmSeverity,
  message: string,
  at: Date,
): OutboxMessage {
  return {
    class: 'alarm',
    payload: {
      key: reportText(key, MAX_NAME) ?? 'gateway',
      state,
      severity,
      message: reportText(message) ?? state,
      at: at.toISOString(),
    },
  };
}
