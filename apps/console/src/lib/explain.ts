import type { OutputExplanation } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { formatDateTime, formatValue } from './format';
import { untilWords } from './until';

/** The question the explanation answers, for the output's current value. */
export function whyQuestion(value: OutputExplanation['value'] | null | undefined): string {
  if (value === true) return fr.output.why;
  if (value === false) return fr.output.whyOff;
  return fr.output.whyValue;
}

/** Who set a slot, in words: `schedule:x` → programme « x », `command:<id>`, `technicien:<login>`. */
export function ownerText(owner: string): string {
  const at = owner.indexOf(':');
  const kind = at < 0 ? owner : owner.slice(0, at);
  const id = at < 0 ? '' : owner.slice(at + 1);
  if (kind === 'schedule') return fr.explain.owners.schedule(id);
  if (kind === 'command') return fr.explain.owners.command(id);
  if (kind === 'technicien' || kind === 'technician') return fr.explain.owners.technician(id);
  return owner;
}

function slotText(slot: { slot: number; name: string }): string {
  return fr.explain.slots[slot.name] ?? fr.explain.slot(slot.slot);
}

/**
 * "Pourquoi est-il allumé ?" in sentences: the value, which slot decides it and who set it, until when, what would
 * apply underneath, and what the equipment confirmed.
 */
export function explainInWords(explanation: OutputExplanation, timeZone: string): string[] {
  const { winner } = explanation;
  const lines = [fr.explain.value(formatValue(explanation.value))];
  lines.push(
    winner.owner === undefined
      ? fr.explain.winnerNoOwner(slotText(winner))
      : fr.explain.winner(slotText(winner), ownerText(winner.owner)),
  );
  lines.push(
    winner.expiresAt === undefined ? fr.explain.noEnd : fr.explain.until(formatDateTime(winner.expiresAt, timeZone)),
  );
  if (winner.until !== undefined) {
    const asked = winner.until === 'permanent' ? { permanent: true as const } : { until: winner.until };
    lines.push(fr.switchUntil.asked(untilWords(asked, timeZone)));
  }
  const [below] = explanation.underneath;
  lines.push(
    below === undefined
      ? fr.explain.nothingUnderneath
      : fr.explain.underneath(slotText(below), formatValue(below.value)),
  );
  if (explanation.reported !== null) {
    lines.push(
      fr.explain.reported(
        formatValue(explanation.reported.value),
        formatDateTime(explanation.reported.receivedAt, timeZone),
      ),
    );
  }
  return lines;
}
