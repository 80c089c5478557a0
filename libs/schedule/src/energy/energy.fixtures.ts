import { runInThisContext } from 'node:vm';
import type { Sample } from './rollup';

const QUARTER = 15 * 60_000;

/**
 * A cumulative kWh counter read every quarter of an hour over `[from, to)` (ISO instants), drawing `kw` all along and
 * starting at `index`: the reading at an instant is the index plus the energy drawn since `from`.
 */
export function meterSeries(from: string, to: string, kw: number, index = 0): Sample[] {
  const samples: Sample[] = [];
  const start = Date.parse(from);
  for (let at = start; at < Date.parse(to); at += QUARTER) {
    samples.push({ at, value: index + (kw * (at - start)) / 3_600_000 });
  }
  return samples;
}

/**
 * Jest hands each spec a copy of `process.env`: assigning `TZ` there never reaches Node's clock. The host process is
 * reached through the outer V8 context, where assigning `TZ` switches the time zone of every `Date` at once.
 */
const hostProcess = runInThisContext('process') as NodeJS.Process;

export function withHostTimeZone<T>(timeZone: string, compute: () => T): T {
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
