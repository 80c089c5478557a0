import { runInThisContext } from 'node:vm';
import { planRings } from './bells/bell-plan';
import { belfry } from './bells/bell-schedule.fixtures';
import { transitions } from './programme/schedule';
import { streetLighting } from './schedule.fixtures';
import { type SunSite, sunDay } from './sun/sun';
import { formatLocalDate, parseLocalDate } from './time/local-date';
import { formatIsoWithOffset, localDateOf, localDaySpan, offsetMinutesAt, resolveLocalTime } from './time/zoned-time';

/**
 * Jest hands each spec a copy of `process.env`: assigning `TZ` there never reaches Node's clock. The host process
 * is reached through the outer V8 context, where assigning `TZ` switches the time zone of every `Date` at once.
 */
const hostProcess = runInThisContext('process') as NodeJS.Process;

function withHostTimeZone<T>(timeZone: string, compute: () => T): T {
  const saved = hostProcess.env.TZ;
  hostProcess.env.TZ = timeZone;
  try {
    return compute();
  } finally {
    if (saved === undefined) {
      delete hostProcess.env.TZ;
    } else {
      hostProcess.env.TZ = saved;
    }
  }
}

const SITES: SunSite[] = [
  { latitude: 48.8566, longitude: 2.3522, timeZone: 'Europe/Paris' },
  { latitude: 1.87, longitude: -157.4, timeZone: 'Pacific/Kiritimati' },
  { latitude: 14.6161, longitude: -61.0588, timeZone: 'America/Martinique' },
  { latitude: 69.6, longitude: 18.9, timeZone: 'Europe/Oslo' },
];
const DATES = ['2027-03-28', '2027-05-17', '2027-10-31', '2027-12-31'].map(parseLocalDate);
/** The first second, noon and the last second of a local day. */
const WALL_TIMES: [number, number, number][] = [
  [0, 0, 0],
  [12, 0, 0],
  [23, 59, 59],
];
/** Both DST change weekends of 2027, for lighting transitions and bell rings. */
const DST_WEEKENDS: [Date, Date][] = [
  [new Date('2027-03-27T00:00:00Z'), new Date('2027-03-29T00:00:00Z')],
  [new Date('2027-10-30T00:00:00Z'), new Date('2027-11-01T00:00:00Z')],
];
const INSTANTS = ['2027-03-28T00:59:59Z', '2027-03-28T01:00:00Z', '2027-10-30T22:30:00Z', '2026-12-31T10:00:00Z'];

/** Everything the engine answers for a fixed set of questions, as text. */
function answers(): string[] {
  const lines: string[] = [];
  for (const site of SITES) {
    for (const date of DATES) {
      const span = localDaySpan(date, site.timeZone);
      lines.push(`${site.timeZone} ${formatLocalDate(date)} ${span.start.toISOString()} ${span.end.toISOString()}`);
      const instantsThatDay = WALL_TIMES.map(
        ([hour, minute, second]) => resolveLocalTime(date, hour, minute, second, site.timeZone).instant,
      );
      for (const when of [date, ...instantsThatDay]) {
        lines.push(JSON.stringify(sunDay(site, when, 'usno')));
      }
    }
    for (const instant of INSTANTS.map((text) => new Date(text))) {
      const local = formatIsoWithOffset(instant, site.timeZone);
      lines.push(
        `${local} ${offsetMinutesAt(instant, site.timeZone)} ${formatLocalDate(localDateOf(instant, site.timeZone))}`,
      );
    }
  }
  const lighting = streetLighting('05:30');
  const bells = belfry([
    { at: '02:30', sequence: 'angelus' },
    { every: 15, from: '00:00', to: '23:45', sequence: 'quart' },
  ]);
  for (const [from, to] of DST_WEEKENDS) {
    for (const site of SITES) {
      lines.push(JSON.stringify(transitions(lighting, site, from, to)));
      lines.push(JSON.stringify(planRings(bells, site.timeZone, from, to)));
    }
  }
  return lines;
}

describe('results never depend on the host time zone', () => {
  const baseline = withHostTimeZone('UTC', answers);

  // host zone, its offset as Date#getTimezoneOffset reports it on 2027-01-01 (proof that the switch took effect)
  it.each<[string, number]>([
    ['UTC', 0],
    ['Europe/Paris', -60],
    ['Pacific/Kiritimati', -840],
    ['America/Martinique', 240],
  ])('TZ=%s gives the same answers as TZ=UTC', (timeZone, hostOffset) => {
    const result = withHostTimeZone(timeZone, () => {
      expect(new Date('2027-01-01T00:00:00Z').getTimezoneOffset()).toBe(hostOffset);
      return answers();
    });
    expect(result).toEqual(baseline);
  });
});
