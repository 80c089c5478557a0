import { fr } from '../i18n/fr';

/** The time zone when a gateway has not reported its sites yet. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** `jeu. 3 déc., 23:00`: an instant in the site's own time zone. */
export function formatDateTime(instant: string | Date, timeZone: string): string {
  let format = dateTimeFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('fr-FR', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
    });
    dateTimeFormats.set(timeZone, format);
  }
  return format.format(typeof instant === 'string' ? new Date(instant) : instant);
}

let numberFormat: Intl.NumberFormat | undefined;

/**
 * `19,5`: a number the French way, by one formatter made on first use. Building an `Intl.NumberFormat` costs far more
 * than formatting with it: one per value made most of "Ma commune"'s render on a slow phone.
 */
function formatNumber(value: number): string {
  numberFormat ??= new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
  return numberFormat.format(value);
}

/** `19,5 °C`, `60 %`: a number the French way with the unit its profile gives. */
export function formatMeasure(measure: { readonly value: number; readonly unit: string | undefined }): string {
  const number = formatNumber(measure.value);
  return measure.unit === undefined ? number : `${number} ${measure.unit}`;
}

/** A reported value in words: on/off for a boolean, a heating mode in French, numbers the French way. */
export function formatValue(value: boolean | number | string | null | undefined): string {
  if (value === null || value === undefined) return fr.commune.unknown;
  if (typeof value === 'boolean') return value ? fr.commune.on : fr.commune.off;
  if (typeof value === 'number') return formatNumber(value);
  return fr.modes[value] ?? value;
}

/**
 * Makes the formatters "Ma commune" shows its values and last contacts with, before its overview is in. The first
 * `Intl.NumberFormat` and `Intl.DateTimeFormat` of a page cost 100 to 400 ms with the CPU slowed 4× (the browser reads
 * its French number and date data then), later uses almost nothing: made while the page waits for central's answer
 * (main.ts), they are no longer made in the middle of its render. The formatters made are this module's own, which the
 * render then uses.
 */
export function warmUpFormats(): void {
  formatNumber(0.5);
  formatDateTime(new Date(0), DEFAULT_TIME_ZONE);
}
