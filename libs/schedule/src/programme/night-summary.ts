import { programmeFor } from '../calendar/calendar';
import type { SunSite } from '../sun/sun';
import { addDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time/local-date';
import { type LintCode, lintSchedule, type LintOptions } from './lint';
import { isOn, nightStart, type SunLookup, sunLookup, type SwitchValue } from './programme';
import { planTransitions, type Schedule, type ScheduleContext, stateAt } from './schedule';

const MS_PER_MINUTE = 60_000;

/**
 * One night (D 12:00 to D+1 12:00 local) of a lighting schedule at a site, in figures: how long the lamps burn, how
 * long it is dark (the dusk-to-dawn counterfactual: a lamp switched on at sunset and off at sunrise), and what the
 * lint finds that night — what a year strip colours and an energy report compares.
 */
export interface NightSummary {
  readonly night: LocalDate;
  /** The programme the calendar chose, or null when it cannot tell (school holidays beyond the data). */
  readonly programmeId: string | null;
  /** Sunset of D and sunrise of D+1 (ISO instants), null when the Sun does not set or rise. */
  readonly sunset: string | null;
  readonly sunrise: string | null;
  /** Minutes the lamps are on within the night (any value that lights: `true`, a level above 0). */
  readonly burnMinutes: number;
  /** Minutes weighted by the dimming level (a level of 50 for an hour counts 30; `true` counts as 100). */
  readonly fullPowerMinutes: number;
  /** Minutes between sunset and sunrise within the night: what a dusk-to-dawn clock would burn. */
  readonly darkMinutes: number;
  /** How many times the lamps switch on during the night. */
  readonly switchOns: number;
  /** What the lint finds on this night (lit in daylight, a short burn, a DST gap…), each code once. */
  readonly findings: readonly LintCode[];
}

/**
 * The nights `firstNight`..`lastNight` (both included) of `schedule` at `site`, computed by the engine the gateway
 * runs, so a year strip or an energy estimate equals what runs. Pure; the result does not depend on the machine's
 * time zone.
 */
export function summarizeNights(
  schedule: Schedule,
  site: SunSite,
  firstNight: LocalDate,
  lastNight: LocalDate,
  context: ScheduleContext = {},
  options: LintOptions = {},
): NightSummary[] {
  const { timeZone } = site;
  const from = nightStart(firstNight, timeZone);
  const to = nightStart(addDays(lastNight, 1), timeZone);
  const plan = planTransitions(schedule, site, from, to, context);
  const findings = new Map<string, Set<LintCode>>();
  for (const finding of lintSchedule(schedule, site, firstNight, lastNight, context, options)) {
    for (const night of finding.nights) {
      const key = formatLocalDate(night);
      findings.set(key, (findings.get(key) ?? new Set<LintCode>()).add(finding.code));
    }
  }
  const sun = sunLookup(site, context.horizon ?? 'usno');
  let value: SwitchValue | undefined = stateAt(schedule, site, new Date(from.getTime() - 1), context)?.value;
  let next = 0;
  const summaries: NightSummary[] = [];
  for (let night = firstNight; compareLocalDates(night, lastNight) <= 0; night = addDays(night, 1)) {
    const start = nightStart(night, timeZone).getTime();
    const end = nightStart(addDays(night, 1), timeZone).getTime();
    let at = start;
    let burn = 0;
    let fullPower = 0;
    let switchOns = 0;
    const account = (until: number) => {
      if (value !== undefined && isOn(value)) {
        burn += until - at;
        fullPower += ((until - at) * (typeof value === 'number' ? Math.min(100, value) : 100)) / 100;
      }
      at = until;
    };
    for (let transition = plan.transitions[next]; transition !== undefined; transition = plan.transitions[++next]) {
      const ms = transition.at.getTime();
      if (ms >= end) break;
      account(ms);
      if (isOn(transition.value) && (value === undefined || !isOn(value))) switchOns++;
      value = transition.value;
    }
    account(end);
    const choice = programmeFor(schedule.calendar, night, context);
    const dark = darkness(sun, night, start, end);
    summaries.push({
      night,
      programmeId: 'programmeId' in choice ? choice.programmeId : null,
      sunset: dark.sunsetMs === null ? null : new Date(dark.sunsetMs).toISOString(),
      sunrise: dark.sunriseMs === null ? null : new Date(dark.sunriseMs).toISOString(),
      burnMinutes: burn / MS_PER_MINUTE,
      fullPowerMinutes: fullPower / MS_PER_MINUTE,
      darkMinutes: dark.minutes,
      switchOns,
      findings: [...(findings.get(formatLocalDate(night)) ?? [])].sort(),
    });
  }
  return summaries;
}

/**
 * Sunset of D, sunrise of D+1, and the minutes of `[start, end)` with the Sun down: the rises and sets of both days
 * in time order toggle day and night (polar days included, where the Sun may set after midnight or not at all); before
 * the first of them, the Sun is down if the last event before `start` is a set, or if day D has no rise nor set and
 * the Sun stays down that day.
 */
export function darkness(sun: SunLookup, night: LocalDate, start: number, end: number) {
  const evening = sun(night);
  const morning = sun(addDays(night, 1));
  const events = [evening, morning]
    .flatMap((day) => [
      ...(day.sunriseMs === null ? [] : [{ at: day.sunriseMs, down: false }]),
      ...(day.sunsetMs === null ? [] : [{ at: day.sunsetMs, down: true }]),
    ])
    .sort((a, b) => a.at - b.at);
  const before = events.filter((event) => event.at <= start).at(-1);
  let down = before?.down ?? (events.length === 0 ? evening.status === 'alwaysDown' : !events[0]?.down);
  let at = start;
  let dark = 0;
  for (const event of events) {
    if (event.at <= start) continue;
    const until = Math.min(event.at, end);
    if (down) dark += until - at;
    at = until;
    down = event.down;
    if (at >= end) break;
  }
  if (down && at < end) dark += end - at;
  return { sunsetMs: evening.sunsetMs, sunriseMs: morning.sunriseMs, minutes: dark / MS_PER_MINUTE };
}
