/**
 * `npm run bench:sun`: a year of sunrise, sunset and civil twilight for every current French commune (~35,000),
 * with the engine of libs/schedule on one and on two threads, against astronomy-engine (the reference) and suncalc
 * on a sample measured in the same run: seconds, and max/mean error against astronomy-engine.
 */
import { Body, Observer, SearchRiseSet } from 'astronomy-engine';
import { cpus } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import SunCalc from 'suncalc';
import {
  addDays,
  computeSunTimes,
  type LocalDate,
  localDate,
  localDaySpan,
  prepareSunSite,
  sunDay,
  sunDayTerms,
  type SunSite,
} from '@beffroi/schedule';

const YEAR = 2027;
const DAYS = 365;
const SAMPLE = Number(process.env.BENCH_SUN_SAMPLE ?? 100);

/** Overseas departments: prefecture coordinates and time zone; metropolitan communes get synthetic coordinates. */
const OVERSEAS: Record<string, { latitude: number; longitude: number; timeZone: string }> = {
  '971': { latitude: 15.9958, longitude: -61.7292, timeZone: 'America/Guadeloupe' },
  '972': { latitude: 14.6161, longitude: -61.0588, timeZone: 'America/Martinique' },
  '973': { latitude: 4.9372, longitude: -52.326, timeZone: 'America/Cayenne' },
  '974': { latitude: -20.8823, longitude: 55.4504, timeZone: 'Indian/Reunion' },
  '976': { latitude: -12.7806, longitude: 45.2279, timeZone: 'Indian/Mayotte' },
};

interface Commune {
  code: string;
  departement: string;
  type: string;
}

/** Deterministic coordinates inside metropolitan France's bounding box, from the INSEE code (the data has none). */
function syntheticSite(commune: Commune): SunSite {
  const overseas = OVERSEAS[commune.departement];
  if (overseas) return { ...overseas, altitude: 0 };
  let hash = 2166136261;
  for (const char of commune.code) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const u = (hash & 0xffff) / 0xffff;
  const v = (hash >>> 16) / 0xffff;
  return { latitude: 42.3 + u * 8.8, longitude: -4.8 + v * 13, altitude: 0, timeZone: 'Europe/Paris' };
}

function loadSites(): SunSite[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a 10 MB JSON data file, read once
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as Commune[];
  return communes.filter((c) => c.type === 'commune-actuelle').map(syntheticSite);
}

/** The engine's bulk path: per-day terms shared by every site, one local-day span per zone and day. */
function engineYear(sites: readonly SunSite[]): number {
  const prepared = sites.map((site) => prepareSunSite(site, 'usno'));
  let events = 0;
  for (let d = 0; d < DAYS; d++) {
    const date = addDays(localDate(YEAR, 1, 1), d);
    const terms = sunDayTerms(date);
    const spans = new Map<string, ReturnType<typeof localDaySpan>>();
    for (const site of prepared) {
      let span = spans.get(site.timeZone);
      if (!span) {
        span = localDaySpan(date, site.timeZone);
        spans.set(site.timeZone, span);
      }
      const times = computeSunTimes(site, terms, span);
      if (times.sunriseMs !== null) events++;
      if (times.sunsetMs !== null) events++;
    }
  }
  return events;
}

if (!isMainThread) {
  const started = performance.now();
  engineYear(workerData as SunSite[]);
  parentPort?.postMessage((performance.now() - started) / 1000);
}

function seconds(work: () => void): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

/** Each half of the communes on its own thread; returns the slower thread's computing time and the wall time. */
async function twoThreads(sites: readonly SunSite[]): Promise<{ compute: number; wall: number }> {
  const started = performance.now();
  const half = Math.ceil(sites.length / 2);
  const computes = await Promise.all(
    [sites.slice(0, half), sites.slice(half)].map(
      (part) =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: part });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  return { compute: Math.max(...computes), wall: (performance.now() - started) / 1000 };
}

interface Errors {
  max: number;
  sum: number;
  n: number;
}

function record(errors: Errors, actual: number | null | undefined, reference: number | undefined): void {
  if (actual === null || actual === undefined || reference === undefined || Number.isNaN(actual)) return;
  const error = Math.abs(actual - reference) / 1000;
  errors.max = Math.max(errors.max, error);
  errors.sum += error;
  errors.n++;
}

/** astronomy-engine's sunrise and sunset (upper limb, refraction) for a local day, as epoch ms. */
function referenceDay(site: SunSite, date: LocalDate): { rise?: number; set?: number } {
  const span = localDaySpan(date, site.timeZone);
  const observer = new Observer(site.latitude, site.longitude, 0);
  const length = (span.end.getTime() - span.start.getTime()) / 86_400_000;
  const rise = SearchRiseSet(Body.Sun, observer, 1, span.start, length);
  const set = SearchRiseSet(Body.Sun, observer, -1, span.start, length);
  return {
    ...(rise ? { rise: rise.date.getTime() } : {}),
    ...(set ? { set: set.date.getTime() } : {}),
  };
}

async function main(): Promise<void> {
  const sites = loadSites();
  const step = Math.max(1, Math.floor(sites.length / SAMPLE));
  const sample = sites.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const dates = Array.from({ length: DAYS }, (_, d) => addDays(localDate(YEAR, 1, 1), d));

  let events = 0;
  const engineSeconds = seconds(() => (events = engineYear(sites)));
  const threaded = await twoThreads(sites);

  const references = new Map<string, { rise?: number; set?: number }>();
  const referenceSeconds = seconds(() =>
    sample.forEach((site, s) => dates.forEach((date, d) => references.set(`${s}/${d}`, referenceDay(site, date)))),
  );
  const engineErrors: Errors = { max: 0, sum: 0, n: 0 };
  const suncalcErrors: Errors = { max: 0, sum: 0, n: 0 };
  const noons = sample.map((site) =>
    dates.map((date) => new Date(localDaySpan(date, site.timeZone).start.getTime() + 12 * 3_600_000)),
  );
  const suncalcTimes: SunCalc.GetTimesResult[][] = [];
  const suncalcSeconds = seconds(() =>
    sample.forEach((site, s) =>
      suncalcTimes.push((noons[s] ?? []).map((noon) => SunCalc.getTimes(noon, site.latitude, site.longitude))),
    ),
  );
  suncalcTimes.forEach((days, s) =>
    days.forEach((times, d) => {
      const reference = references.get(`${s}/${d}`);
      record(suncalcErrors, times.sunrise.getTime(), reference?.rise);
      record(suncalcErrors, times.sunset.getTime(), reference?.set);
    }),
  );
  sample.forEach((site, s) =>
    dates.forEach((date, d) => {
      const day = sunDay(site, date, 'usno');
      const reference = references.get(`${s}/${d}`);
      record(engineErrors, day.sunrise?.getTime(), reference?.rise);
      record(engineErrors, day.sunset?.getTime(), reference?.set);
    }),
  );

  const scale = sites.length / sample.length;
  const rows = [
    {
      method: 'libs/schedule, 1 thread (measured, all communes)',
      seconds: engineSeconds.toFixed(2),
      'max error s': engineErrors.max.toFixed(1),
      'mean error s': (engineErrors.sum / engineErrors.n).toFixed(2),
    },
    {
      method: `libs/schedule, 2 threads (measured, all communes; ${cpus().length} cores; wall incl. start-up ${threaded.wall.toFixed(2)} s)`,
      seconds: threaded.compute.toFixed(2),
      'max error s': engineErrors.max.toFixed(1),
      'mean error s': (engineErrors.sum / engineErrors.n).toFixed(2),
    },
    {
      method: `astronomy-engine (${sample.length} communes measured, extrapolated)`,
      seconds: (referenceSeconds * scale).toFixed(0),
      'max error s': '0 (reference)',
      'mean error s': '0',
    },
    {
      method: `suncalc (${sample.length} communes measured, extrapolated)`,
      seconds: (suncalcSeconds * scale).toFixed(2),
      'max error s': suncalcErrors.max.toFixed(1),
      'mean error s': (suncalcErrors.sum / suncalcErrors.n).toFixed(2),
    },
  ];
  console.log(`\nSun bench: ${YEAR}, ${sites.length} communes × ${DAYS} days (${events} sunrises and sunsets)`);
  console.table(rows);
  console.log(
    `engine vs astronomy-engine: ${((referenceSeconds * scale) / engineSeconds).toFixed(0)}× faster on one thread; ` +
      `target ≤ 2 s on 2 cores: ${threaded.compute.toFixed(2)} s; error target ≤ 10 s: max ${engineErrors.max.toFixed(1)} s`,
  );
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
