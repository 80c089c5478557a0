import {
  addDays,
  formatIsoWithOffset,
  formatLocalDate,
  isValidTimeZone,
  type LocalDate,
  parseLocalDate,
  type SunHorizon,
  sunDay,
} from '@beffroi/schedule';
import { CliUsageError, numberOption, parseOptions, required } from './cli-args';

const HORIZONS: readonly SunHorizon[] = ['usno', 'imcce'];

/**
 * `beffroi sun --lat 49.8467 --lon 3.2874 --tz Europe/Paris --from 2027-01-01 --days 365 [--horizon usno|imcce]
 * [--altitude 80]`: one JSON object per local day with sunrise, sunset and civil twilight in the zone's offset.
 */
export function sunCommand(argv: readonly string[], print: (line: string) => void): void {
  const options = parseOptions(argv, ['lat', 'lon', 'tz', 'from', 'days', 'horizon', 'altitude']);
  const latitude = numberOption(options, 'lat', -90, 90);
  const longitude = numberOption(options, 'lon', -180, 180);
  const timeZone = required(options, 'tz');
  if (!isValidTimeZone(timeZone))
    throw new CliUsageError(`--tz: expected an IANA time zone such as Europe/Paris, got "${timeZone}"`);
  const fromText = required(options, 'from');
  let from: LocalDate;
  try {
    from = parseLocalDate(fromText);
  } catch {
    throw new CliUsageError(`--from: expected a date YYYY-MM-DD, got "${fromText}"`);
  }
  const days = numberOption(options, 'days', 1, 36_600, 1);
  if (!Number.isInteger(days))
    throw new CliUsageError(`--days: expected a whole number of days, got "${String(days)}"`);
  const altitude = numberOption(options, 'altitude', -500, 9000, 0);
  const horizon = (options.get('horizon') ?? 'usno') as SunHorizon;
  if (!HORIZONS.includes(horizon)) throw new CliUsageError(`--horizon: expected usno | imcce, got "${horizon}"`);

  const site = { latitude, longitude, altitude, timeZone };
  const iso = (instant: Date | null) => (instant === null ? null : formatIsoWithOffset(instant, timeZone));
  for (let i = 0; i < days; i++) {
    const day = sunDay(site, addDays(from, i), horizon);
    print(
      JSON.stringify({
        date: formatLocalDate(day.date),
        sunrise: iso(day.sunrise),
        sunset: iso(day.sunset),
        civilDawn: iso(day.civilDawn),
        civilDusk: iso(day.civilDusk),
        status: day.status,
      }),
    );
  }
}
