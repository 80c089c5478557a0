import type { CommandRequest } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { formatDateTime } from './format';

export interface QuickPick {
  readonly label: string;
  /** What the pick asks: `until` of a `switch` (a form the gateway resolves at the site) or an instant. */
  readonly until: string;
}

const HOUR_MS = 3_600_000;
const LOCAL_TIME = /^\d{2}:\d{2}$/;

/**
 * "Jusqu'à…" quick picks: in 1 h, in 2 h (instants from `now`), and 23:00, 02:00 and sunrise, which the gateway
 * resolves on the site's clock (its next occurrence, DST-correct) and sun.
 */
export function quickPicks(now: Date): QuickPick[] {
  return [
    { label: fr.output.inOneHour, until: new Date(now.getTime() + HOUR_MS).toISOString() },
    { label: fr.output.inTwoHours, until: new Date(now.getTime() + 2 * HOUR_MS).toISOString() },
    { label: fr.output.at('23:00'), until: '23:00' },
    { label: fr.output.at('02:00'), until: '02:00' },
    { label: fr.switchUntil.sunrise, until: 'sunrise' },
  ];
}

/** The command a pick (or the date-time picker) sends: an instant is an `override-until`, a form a `switch`. */
export function untilRequest(key: string, value: boolean, until: string): CommandRequest {
  return LOCAL_TIME.test(until) || until === 'sunrise' || until === 'next-transition'
    ? { action: 'switch', pointKey: key, value, until }
    : { action: 'override-until', pointKey: key, value, until };
}

/**
 * How long a switching lasts, in words: « jusqu'au prochain changement du programme », « jusqu'à 23:00 »,
 * « jusqu'au lever du soleil », « sans échéance », or the instant on the site's clock.
 */
export function untilWords(
  until: { until?: string | undefined; permanent?: true | undefined },
  timeZone: string,
): string {
  if (until.permanent === true) return fr.switchUntil.forms.permanent ?? '';
  const form = until.until ?? 'next-transition';
  const named = fr.switchUntil.forms[form];
  if (named !== undefined) return named;
  if (LOCAL_TIME.test(form)) return fr.switchUntil.atTime(form);
  return fr.switchUntil.atInstant(formatDateTime(form, timeZone));
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `23:00`: the wall-clock time of an instant on the site's clock. */
export function formatTime(instant: string | Date, timeZone: string): string {
  let format = timeFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    timeFormats.set(timeZone, format);
  }
  return format.format(typeof instant === 'string' ? new Date(instant) : instant);
}
