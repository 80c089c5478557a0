import { fr } from '../i18n/fr';
import { nextWallClock } from './zoned-time';

export interface QuickPick {
  readonly label: string;
  readonly until: Date;
}

const HOUR_MS = 3_600_000;

/** "Jusqu'à…" quick picks: in 1 h, in 2 h, and the next 23:00 and 02:00 on the site's clock. */
export function quickPicks(now: Date, timeZone: string): QuickPick[] {
  return [
    { label: fr.output.inOneHour, until: new Date(now.getTime() + HOUR_MS) },
    { label: fr.output.inTwoHours, until: new Date(now.getTime() + 2 * HOUR_MS) },
    { label: fr.output.at('23:00'), until: nextWallClock(now, 23, 0, timeZone) },
    { label: fr.output.at('02:00'), until: nextWallClock(now, 2, 0, timeZone) },
  ];
}
