import type { NightSummary } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { formatLocalDate } from './planning-words';

const t = fr.planning;

/** How a night of the year strip is coloured: fine, or its worst anomaly. */
export type NightTone = 'ok' | 'daylight' | 'short' | 'dst' | 'unknown' | 'warning';

/** Minutes burning beyond the dark of the night before a night counts as lit in daylight. */
export const DAYLIGHT_MARGIN_MINUTES = 30;

/** The lint codes of the year strip and the tone of each, worst first. */
const TONE_OF: readonly (readonly [string, NightTone])[] = [
  ['onAfterSunrise', 'daylight'],
  ['litInDaylight', 'daylight'],
  ['programmeUnknown', 'unknown'],
  ['shortBurn', 'short'],
  ['dstGap', 'dst'],
  ['dstOverlap', 'dst'],
  ['overtaken', 'warning'],
  ['noSunEvent', 'warning'],
  ['outsideNight', 'warning'],
];

/** One night of the strip. */
export interface YearNight {
  readonly night: string;
  /** Hours burning, rounded to a tenth. */
  readonly hours: number;
  /** Height of its bar, 0..1 of a full day. */
  readonly height: number;
  readonly tone: NightTone;
  /** The night in words (date, hours, anomalies), for its label. */
  readonly text: string;
  readonly codes: readonly string[];
}

/** One anomaly of the period: what, on how many nights, from which to which. */
export interface YearFinding {
  readonly code: string;
  readonly tone: NightTone;
  readonly text: string;
  readonly nights: string;
}

/**
 * The lint's codes of a night, plus `litInDaylight` when the lamps burn well beyond the dark of the night (a fixed
 * "off" at 09:00 in June): the summer lights-on-all-day the lint does not see by itself.
 */
export function nightCodes(night: NightSummary): string[] {
  const daylight = night.burnMinutes > night.darkMinutes + DAYLIGHT_MARGIN_MINUTES;
  return daylight && !night.findings.includes('litInDaylight')
    ? [...night.findings, 'litInDaylight']
    : [...night.findings];
}

function toneOf(codes: readonly string[]): NightTone {
  return TONE_OF.find(([code]) => codes.includes(code))?.[1] ?? 'ok';
}

const hoursFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** The year strip: each night's burning hours, coloured by its worst anomaly. */
export function yearStrip(nights: readonly NightSummary[]): YearNight[] {
  return nights.map((night) => {
    const codes = nightCodes(night);
    const hours = Math.round(night.burnMinutes / 6) / 10;
    const words = codes.map((code) => t.codes[code] ?? code).join(', ');
    return {
      night: night.night,
      hours,
      height: Math.min(1, night.burnMinutes / (24 * 60)),
      tone: toneOf(codes),
      text: t.yearNight(formatLocalDate(night.night), hoursFormat.format(hours), words),
      codes,
    };
  });
}

/** Each anomaly of the period once, worst first, with how many nights and the first and last of them. */
export function yearFindings(nights: readonly NightSummary[]): YearFinding[] {
  const byCode = new Map<string, string[]>();
  for (const night of nights) {
    for (const code of nightCodes(night)) byCode.set(code, [...(byCode.get(code) ?? []), night.night]);
  }
  const rank = (code: string) => {
    const index = TONE_OF.findIndex(([known]) => known === code);
    return index === -1 ? TONE_OF.length : index;
  };
  return [...byCode.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([code, dates]) => ({
      code,
      tone: toneOf([code]),
      text: t.codes[code] ?? code,
      nights: t.findingNights(dates.length, formatLocalDate(dates[0] ?? ''), formatLocalDate(dates.at(-1) ?? '')),
    }));
}

/** Hours burning and hours of dark over the period, in words. */
export function yearTotals(nights: readonly NightSummary[]): string {
  const sum = (pick: (night: NightSummary) => number) => nights.reduce((total, night) => total + pick(night), 0) / 60;
  return t.totals(
    hoursFormat.format(Math.round(sum((night) => night.burnMinutes))),
    hoursFormat.format(Math.round(sum((night) => night.darkMinutes))),
  );
}
