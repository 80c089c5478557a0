/**
 * `npm run bench:fleet`: the syndicate's pages with a fleet of 1,000 gateways, as users run them. Central from dist/ in
 * its own process on SQLite (test/bench/central-process.ts), 1,000 protocol-level demo gateways of
 * `npm start -- --fleet` (tools/demo-fleet.ts: each in a commune of its own, over the Aisne and its neighbours, each
 * reporting a site with coordinates), all online and all with street lighting; the console in Debian's Chromium
 * (playwright-core), logged in as the syndicate's admin, unthrottled, 1280×800. Prints, each beside a baseline
 * measured in the same run and with the load average:
 * - Parc, first render: from navigation until the grid announces its 1,000 rows and shows those in view, cold (a new
 *   browser context each time), over `BENCH_LOADS` loads (default 5); and until its heading is shown (the console
 *   started, before the data). Baselines: `GET /api/fleet` by a bare script, and the same JSON fetched and rendered as
 *   a plain list of 1,000 rows by a minimal script in the page. `BENCH_PROFILE=1` adds one cold load under Chrome's
 *   profiler and prints where its time goes; `BENCH_TIMINGS=1` prints, for each cold load, when each request of the
 *   page started and ended and when its heading and rows were shown; `BENCH_PARC_ONLY=1` stops after the Parc.
 * - Parc, filter "hors ligne" and back to "tout le parc", and sort by INSEE code and back by name: from the change of
 *   the select until the next frame is painted (the rows in view changed), over `BENCH_ROUNDS` changes each (default 10).
 * - Carte: from navigation until its 1,000 sites are on the map (markers or clusters counting them all); then a pan
 *   (a drag across the map) and two zooms in by the zoom button: the time until the markers settle after each, and the
 *   longest frame meanwhile. Baseline: `GET /api/fleet/map` by a bare script.
 * - Diffusion: one template (`eclairage-voirie`) pushed to the 1,000 communes from the Modèles page ("Diffuser le
 *   modèle", all communes); from the click until the progress page shows `appliqué : 1000`, and how many times the
 *   page fetched the push meanwhile (live means once). Beside it: central's own time, from the same moment until its
 *   event stream announced the 1,000th `applied`, read by a bare script.
 * Budgets: first render ≤ 500 ms (p50), filter/sort ≤ 100 ms (p99), every zoom settles within 1 s with no frame over
 * 200 ms, the progress page shows the last acknowledgement within 1 s of central's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { startDemoFleet } from '../../tools/demo-fleet';
import { BrowserHarness, DESKTOP } from '../support/browser-harness';
import { request } from '../support/process-harness';
import { BENCH_PASSWORD, startCentralProcess } from './central-process';

const GATEWAYS = Number(process.env.BENCH_GATEWAYS ?? 1000);
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const WARM_UP = 2;
/** `BENCH_PROFILE=1`: one more cold load of the Parc under Chrome's profiler, its breakdown printed (see `profiled`). */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** `BENCH_TIMINGS=1`: where each cold load of the Parc spent its time (see `LOAD_TIMINGS`). */
const TIMINGS = process.env.BENCH_TIMINGS === '1';
/** `BENCH_PARC_ONLY=1`: the Parc's measures only, without the map and the push. */
const PARC_ONLY = process.env.BENCH_PARC_ONLY === '1';
const FIRST_RENDER_BUDGET_MS = 500;
const CHANGE_BUDGET_MS = 100;
const ZOOM_BUDGET_MS = 1000;
const FRAME_BUDGET_MS = 200;
const PUSH_LAG_BUDGET_MS = 1000;
const ADMIN = { login: 'admin@useda', password: BENCH_PASSWORD };
const LIGHTING = parse(
  readFileSync(join(__dirname, '..', '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml'), 'utf8'),
) as unknown;

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;
const load = () => `load ${loadavg()[0]?.toFixed(2) ?? '?'}`;

function verdict(value: number, budget: number, what: string): string {
  return value <= budget ? `  within budget (${what} ≤ ${budget} ms)` : `  OVER BUDGET (${what} > ${budget} ms)`;
}

function line(
  what: string,
  samples: number[],
  baselines: [string, number[]][],
  budget?: { p: 'p50' | 'p99'; max: number },
): void {
  const s = percentiles(samples);
  const base = baselines
    .map(([name, b]) => `${name} p50 ${ms(percentiles(b).p50)} p99 ${ms(percentiles(b).p99)}`)
    .join('; ');
  console.log(
    `${what.padEnd(40)} p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}   [${base}]` +
      (budget === undefined ? '' : verdict(s[budget.p], budget.max, budget.p)) +
      `  (${load()})`,
  );
}

async function bare(url: string, token: string, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WARM_UP + rounds; i++) {
    const started = performance.now();
    const answer = await request(url, 'GET', undefined, token);
    if (answer.status !== 200) throw new Error(`${url}: HTTP ${answer.status}`);
    if (i >= WARM_UP) samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * Waits until `condition` (an expression of the page giving a number, or false while not yet) gives a number, polled
 * in the page every 10 ms, and returns that number. A promise evaluated as it is, not `waitForFunction`: that one
 * compiles its predicate in the page, which central's Content-Security-Policy (no 'unsafe-eval') forbids.
 */
async function inPage(page: Page, condition: string): Promise<number> {
  return Number(
    await page.evaluate(`new Promise((resolve, reject) => {
      const deadline = performance.now() + 60000;
      const check = () => {
        const value = ${condition};
        if (value !== false) resolve(value);
        else if (performance.now() > deadline) reject(new Error('not seen within 60 s: ' + ${JSON.stringify(condition)}));
        else setTimeout(check, 10);
      };
      check();
    })`),
  );
}

/**
 * Milliseconds from navigation start until the Parc shows its grid of `rows` rows (its `aria-rowcount`, the header row
 * included) with the rows in view laid out down to the bottom of the grid's viewport, read in the page. The grid
 * renders only the rows in view; the rest are reached by scrolling.
 */
const fleetShown = (rows: number) => `(() => {
  const grid = document.querySelector('[data-testid="fleet"][role="grid"]');
  if (grid === null || grid.getAttribute('aria-rowcount') !== '${rows + 1}') return false;
  const shown = grid.querySelectorAll('[role="row"][data-insee]');
  const last = shown[shown.length - 1];
  return last !== undefined && last.getBoundingClientRect().bottom >= grid.getBoundingClientRect().bottom
    ? performance.now()
    : false;
})()`;

/** Milliseconds from navigation start until the Parc's heading is shown: the console started, the page's chunk loaded. */
const PARC_TITLED = `(() => {
  const title = document.querySelector('h1');
  return title !== null && title.textContent.trim() === 'Parc du syndicat' ? performance.now() : false;
})()`;

/**
 * Where a cold load of the Parc went, read in the page once its rows are shown: for the HTML and each request (scripts,
 * stylesheets, API answers), when it was asked for and when its answer ended, in milliseconds from navigation, with
 * its size on the wire; and when the document's scripts had run (`DOMContentLoaded`).
 */
const LOAD_TIMINGS = `(() => {
  const short = (name) => new URL(name).pathname.replace(/-[A-Za-z0-9_-]{8}\\.(js|css)$/, '.$1');
  const navigation = performance.getEntriesByType('navigation')[0];
  const rows = [['document', navigation.requestStart, navigation.responseEnd, navigation.transferSize]];
  for (const entry of performance.getEntriesByType('resource'))
    rows.push([short(entry.name), entry.startTime, entry.responseEnd, entry.transferSize]);
  rows.push(['DOMContentLoaded', navigation.domContentLoadedEventStart, navigation.domContentLoadedEventEnd, 0]);
  return rows.map(([what, from, to, bytes]) => ({ what, from: Math.round(from), to: Math.round(to), bytes }));
})()`;

async function printTimings(page: Page, titled: number, shown: number): Promise<void> {
  const rows = await page.evaluate<{ what: string; from: number; to: number; bytes: number }[]>(LOAD_TIMINGS);
  const listed = rows.map(
    (row) => `${row.what} ${row.from}→${row.to}${row.bytes > 0 ? ` (${(row.bytes / 1024).toFixed(1)} kB)` : ''}`,
  );
  console.log(`  load: ${[...listed, `heading ${titled.toFixed(0)}`, `rows ${shown.toFixed(0)}`].join(', ')}`);
}

/** The baseline of the first render: the same JSON fetched and rendered as a bare list by a minimal script. */
const MINIMAL_RENDER = `(async () => {
  const token = JSON.parse(sessionStorage.getItem('beffroi.session')).token;
  const started = performance.now();
  const response = await fetch('/api/fleet', { headers: { authorization: 'Bearer ' + token } });
  const communes = await response.json();
  const list = document.createElement('ul');
  for (const commune of communes) {
    const row = document.createElement('li');
    const gateways = commune.gateways.map((g) => g.id + (g.online ? ' en ligne' : ' hors ligne')).join(', ');
    row.textContent = commune.name + ' ' + commune.insee + ' ' + gateways;
    list.append(row);
  }
  document.body.replaceChildren(list);
  document.body.offsetHeight;
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started))));
})()`;

/**
 * Sets the Parc's select labelled `label` to `value` and measures until the next frame is painted (Svelte updates the
 * DOM in a microtask, before that frame); fails if the rows shown, in their order, did not change.
 */
function change(page: Page, label: string, value: string): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const select = [...document.querySelectorAll('label')].find((l) => l.textContent.trim().startsWith(${JSON.stringify(label)}))?.querySelector('select');
    if (select === undefined || select === null) throw new Error('no select ' + ${JSON.stringify(label)});
    const order = () => [...document.querySelectorAll('[data-testid="fleet"] [role="row"][data-insee]')].map((row) => row.getAttribute('data-testid')).join();
    const before = order();
    const started = performance.now();
    select.value = ${JSON.stringify(value)};
    select.dispatchEvent(new Event('change', { bubbles: true }));
    requestAnimationFrame(() => setTimeout(() => {
      const elapsed = performance.now() - started;
      if (order() === before) reject(new Error('the table did not change for ' + ${JSON.stringify(value)}));
      else resolve(elapsed);
    }));
  })`);
}

/** Milliseconds from navigation start until every site is on the map: markers plus the counts of the clusters. */
const mapShown = (sites: number) => `(() => {
  const pane = document.querySelector('.leaflet-marker-pane');
  if (pane === null) return false;
  const markers = pane.querySelectorAll('.site-marker').length;
  const clustered = [...pane.querySelectorAll('.marker-cluster [aria-hidden="true"]')].reduce((n, c) => n + Number(c.textContent), 0);
  return markers + clustered === ${sites} ? performance.now() : false;
})()`;

/**
 * Runs `act` (a script given the map's element) and measures until the marker pane has been quiet for 300 ms outside
 * a zoom animation: the time to its last change, and the longest frame meanwhile.
 */
function settles(page: Page, act: string): Promise<{ settled: number; longestFrame: number }> {
  return page.evaluate(`new Promise((resolve) => {
    const map = document.querySelector('[data-testid="map"]');
    const pane = map.querySelector('.leaflet-marker-pane');
    const started = performance.now();
    let last = started;
    let longestFrame = 0;
    let frame = started;
    const observer = new MutationObserver(() => { last = performance.now(); });
    observer.observe(pane, { subtree: true, childList: true, attributes: true });
    const tick = (now) => {
      longestFrame = Math.max(longestFrame, now - frame);
      frame = now;
      if (!map.classList.contains('leaflet-zoom-anim') && now - last > 300) {
        observer.disconnect();
        resolve({ settled: last - started, longestFrame });
      } else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    (${act})(map);
  })`);
}

/** Central's event stream, read by a bare script: resolves when `count` targets of the push are announced applied. */
async function pushApplied(central: string, token: string, count: number, start: () => Promise<void>): Promise<number> {
  const abort = new AbortController();
  const response = await fetch(`${central}/api/events?access_token=${encodeURIComponent(token)}`, {
    signal: abort.signal,
  });
  if (!response.ok || response.body === null) throw new Error(`event stream: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const applied = new Set<string>();
  const started = performance.now();
  await start();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      buffer += decoder.decode(value as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const data = lines.find((l) => l.startsWith('data: '));
        if (!lines.includes('event: push') || data === undefined) continue;
        const event = JSON.parse(data.slice('data: '.length)) as { commune: string; status: string };
        if (event.status === 'applied') applied.add(event.commune);
        if (applied.size === count) return performance.now() - started;
      }
    }
  } finally {
    abort.abort();
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * One cold load of the Parc under Chrome's profiler: where its first render goes, from navigation until the rows are
 * shown. Prints the page's script, style and layout time (CDP `Performance.getMetrics`) and the functions of the
 * longest self time (a CPU profile sampled every 100 µs), each with its file and line.
 */
async function profiled(page: Page, url: string, shown: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(url, { waitUntil: 'commit' });
  await inPage(page, shown);
  const { profile } = await cdp.send('Profiler.stop');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
  console.log(
    `Parc first render profiled: script ${ms(metric('ScriptDuration'))}, style ${ms(metric('RecalcStyleDuration'))}, ` +
      `layout ${ms(metric('LayoutDuration'))}, all tasks ${ms(metric('TaskDuration'))}`,
  );
  const nodes = new Map((profile.nodes as ProfileNode[]).map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) return;
    const file = frame.url.split('/').at(-1) ?? '';
    const where = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
    files.set(file || frame.functionName, (files.get(file || frame.functionName) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  console.log(
    `  by file: ${[...files]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([file, spent]) => `${file} ${spent.toFixed(0)} ms`)
      .join(', ')}`,
  );
  for (const [where, spent] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${ms(spent)} self  ${where}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-fleet-'));
  const central = await startCentralProcess(dir);
  const started = performance.now();
  const fleet = await startDemoFleet(central.url, ADMIN, GATEWAYS, (message) => console.log(message), {
    uniform: true,
  });
  console.log(`fleet of ${GATEWAYS} gateways connected in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const browser = await BrowserHarness.start();
  try {
    const login = await request(`${central.url}/api/auth/login`, 'POST', ADMIN);
    const { token, account } = login.body as { token: string; account: unknown };
    const sessionScript = `sessionStorage.setItem('beffroi.session', ${JSON.stringify(JSON.stringify({ token, account }))})`;
    const fresh = async (): Promise<Page> => {
      const context = await browser.context(DESKTOP);
      await context.addInitScript(sessionScript);
      return context.newPage();
    };

    // 1. Parc.
    const apiFleet = await bare(`${central.url}/api/fleet`, token, LOADS);
    const titles: number[] = [];
    const firstRenders: number[] = [];
    const minimal: number[] = [];
    let fleetFetches = 0;
    for (let i = 0; i < 1 + LOADS; i++) {
      const page = await fresh();
      let counting = i > 0;
      page.on('request', (r) => {
        if (counting && new URL(r.url()).pathname === '/api/fleet') fleetFetches++;
      });
      await page.goto(`${central.url}/syndicat/parc`, { waitUntil: 'commit' });
      const titled = await inPage(page, PARC_TITLED);
      const shown = await inPage(page, fleetShown(GATEWAYS));
      if (i > 0) titles.push(titled);
      if (i > 0) firstRenders.push(shown);
      counting = false;
      if (i > 0 && TIMINGS) await printTimings(page, titled, shown);
      minimal.push(Number(await page.evaluate(MINIMAL_RENDER)));
      await page.context().close();
    }
    if (PROFILE) {
      const profiledPage = await fresh();
      await profiled(profiledPage, `${central.url}/syndicat/parc`, fleetShown(GATEWAYS));
      await profiledPage.context().close();
    }
    const page = await fresh();
    await page.goto(`${central.url}/syndicat/parc`);
    await inPage(page, fleetShown(GATEWAYS));
    const filters: number[] = [];
    const unfilters: number[] = [];
    const sorts: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const off = await change(page, 'Afficher', 'offline');
      const on = await change(page, 'Afficher', 'all');
      const byInsee = await change(page, 'Trier par', 'insee');
      const byName = await change(page, 'Trier par', 'name');
      if (i < WARM_UP) continue;
      filters.push(off);
      unfilters.push(on);
      sorts.push(byInsee, byName);
    }
    await page.context().close();
    console.log(
      `fleet benchmark: ${GATEWAYS} gateways, ${LOADS} cold loads, ${ROUNDS} changes each (after ${WARM_UP} warm-up), Chromium unthrottled 1280×800`,
    );
    line(
      'Parc first render (rows shown)',
      firstRenders,
      [
        ['GET /api/fleet bare', apiFleet],
        ['same JSON, minimal page', minimal],
      ],
      { p: 'p50', max: FIRST_RENDER_BUDGET_MS },
    );
    line('Parc heading shown (before its data)', titles, [['GET /api/fleet bare', apiFleet]]);
    console.log(`Parc fetched /api/fleet ${fleetFetches} time(s) in ${LOADS} loads until its rows were shown`);
    line('Parc filter "hors ligne" (→ 0 rows)', filters, [['GET /api/fleet bare', apiFleet]], {
      p: 'p99',
      max: CHANGE_BUDGET_MS,
    });
    line('Parc filter "tout le parc" (→ all rows)', unfilters, [['GET /api/fleet bare', apiFleet]], {
      p: 'p99',
      max: CHANGE_BUDGET_MS,
    });
    line('Parc sort (INSEE ↔ nom)', sorts, [['GET /api/fleet bare', apiFleet]], { p: 'p99', max: CHANGE_BUDGET_MS });
    if (PARC_ONLY) return;

    // 2. Carte.
    const apiMap = await bare(`${central.url}/api/fleet/map`, token, LOADS);
    const mapRenders: number[] = [];
    for (let i = 0; i < 1 + LOADS; i++) {
      const mapPage = await fresh();
      await mapPage.goto(`${central.url}/syndicat/carte`, { waitUntil: 'commit' });
      const shown = await inPage(mapPage, mapShown(GATEWAYS));
      if (i > 0) mapRenders.push(shown);
      await mapPage.context().close();
    }
    const mapPage = await fresh();
    await mapPage.goto(`${central.url}/syndicat/carte`);
    await inPage(mapPage, mapShown(GATEWAYS));
    const box = await mapPage.getByTestId('map').boundingBox();
    if (box === null) throw new Error('the map has no box');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // The driver drags while the page measures.
    const panning = settles(mapPage, '() => undefined');
    await mapPage.mouse.move(cx, cy);
    await mapPage.mouse.down();
    await mapPage.mouse.move(cx - 150, cy - 80, { steps: 10 });
    await mapPage.mouse.up();
    const pan = await panning;
    const zooms: { settled: number; longestFrame: number }[] = [];
    for (let i = 0; i < 2; i++)
      zooms.push(await settles(mapPage, `(map) => map.querySelector('.leaflet-control-zoom-in').click()`));
    await mapPage.context().close();

    // 3. Diffusion.
    const created = await request(
      `${central.url}/api/templates`,
      'POST',
      { id: 'voirie', name: 'Voirie', item: { kind: 'lighting', tag: 'eclairage-voirie', schedule: LIGHTING } },
      token,
    );
    if (created.status !== 201) throw new Error(`template: HTTP ${created.status}`);
    const pushPage = await fresh();
    let fetches = 0;
    pushPage.on('request', (r) => {
      if (/\/api\/pushes\/[^/]+$/.test(new URL(r.url()).pathname)) fetches++;
    });
    await pushPage.goto(`${central.url}/syndicat/modeles`);
    await pushPage.getByRole('button', { name: 'Diffuser', exact: true }).click();
    await pushPage.getByRole('radio', { name: 'toutes les communes du syndicat' }).check();
    let shownAfter = Promise.resolve(NaN);
    const centralTime = await pushApplied(central.url, token, GATEWAYS, async () => {
      shownAfter = pushPage.evaluate<number>(`new Promise((resolve) => {
        const started = performance.now();
        const done = () => /appliqué : ${GATEWAYS}\\b/.test(document.querySelector('[data-testid="push-summary"]')?.textContent ?? '');
        const observer = new MutationObserver(() => {
          if (done()) {
            observer.disconnect();
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started)));
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Diffuser le modèle').click();
      })`);
      await Promise.resolve();
    });
    const pageTime = await shownAfter;
    await pushPage.context().close();

    line('Carte: all sites on the map', mapRenders, [['GET /api/fleet/map bare', apiMap]]);
    for (const [what, s] of [['pan (drag)', pan], ...zooms.map((z, i) => [`zoom in ${i + 1}`, z] as const)] as const) {
      console.log(
        `Carte ${what.padEnd(34)} settled ${ms(s.settled)}  longest frame ${ms(s.longestFrame)}` +
          verdict(s.settled, ZOOM_BUDGET_MS, 'settled') +
          verdict(s.longestFrame, FRAME_BUDGET_MS, 'frame') +
          `  (${load()})`,
      );
    }
    console.log(
      `Diffusion to ${GATEWAYS}: page shows appliqué : ${GATEWAYS} after ${ms(pageTime)}; central's stream announced the last after ${ms(centralTime)}; the page fetched the push ${fetches} time(s)` +
        verdict(pageTime - centralTime, PUSH_LAG_BUDGET_MS, 'lag') +
        `  (${load()})`,
    );
  } finally {
    await browser.close();
    fleet.close();
    central.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
