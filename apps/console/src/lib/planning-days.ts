import type { SchedulePreview } from '@beffroi/api';
import { fr } from '../i18n/fr';
import type { BellDocument } from './planning-bells';
import type { HeatingDocument } from './planning-heating';
import { causeWords, ruleWords } from './planning-words';
import { formatMeasure } from './format';
import { siteTime } from './planning-week';

const t = fr.planning;

/** One day of the heating or bell preview: its date and each change or ring in words, on the site's clock. */
export interface PreviewDay {
  readonly day: string;
  readonly label: string;
  readonly lines: readonly string[];
}

const dayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const dayLabel = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`));

function byDay(entries: readonly { day: string; line: string }[]): PreviewDay[] {
  const days = new Map<string, string[]>();
  for (const { day, line } of entries) days.set(day, [...(days.get(day) ?? []), line]);
  return [...days].map(([day, lines]) => ({ day, label: dayLabel(day), lines }));
}

/**
 * A heating preview day by day (noon to noon, like the engine): each change's time, level, the setpoint it asks for
 * and its cause — "16:00 confort (19 °C) — programme « soiree », à 16:00, règle 1 (le 16 janvier 2027)".
 */
export function heatingDays(preview: SchedulePreview, document: HeatingDocument): PreviewDay[] {
  return byDay(
    (preview.transitions ?? []).map((transition) => {
      const level = t.heating.levels[String(transition.value)] ?? String(transition.value);
      const setpoint =
        transition.setpoint === undefined ? '' : formatMeasure({ value: transition.setpoint, unit: '°C' });
      const time = siteTime(transition.at, preview.timeZone);
      return {
        day: transition.night,
        line: t.heating.transition(time, level, setpoint, causeWords(transition.cause, document)),
      };
    }),
  );
}

/** A bell preview day by day: each ring's time, its sequence by name, and the programme and rule or the event. */
export function bellDays(preview: SchedulePreview, document: BellDocument): PreviewDay[] {
  return byDay(
    (preview.rings ?? []).map((ring) => {
      const { cause } = ring;
      const rule =
        cause.rule === null || cause.rule === undefined ? undefined : document.calendar.rules[cause.rule.index];
      const why =
        cause.programmeId === undefined
          ? (cause.name ?? t.bellsEditor.events)
          : t.cause(
              cause.programmeId,
              t.bellsEditor.ring((cause.ringIndex ?? 0) + 1).toLowerCase(),
              cause.rule === null || cause.rule === undefined
                ? t.byDefault
                : t.byRule(cause.rule.index + 1, rule === undefined ? '' : ruleWords(rule)),
            );
      const sequence = document.sequences[ring.sequence]?.name ?? ring.sequence;
      return { day: ring.day, line: t.bellsEditor.ringLine(siteTime(ring.at, preview.timeZone), sequence, why) };
    }),
  );
}
