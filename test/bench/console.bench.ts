/**
 * `npm run bench:console`: the console in Debian's Chromium (playwright-core over CDP) against the real built apps
 * (simulator, central and gateway from dist/, the configs of `npm start`). Prints, each beside a baseline measured in
 * the same run:
 * - "Ma commune usable": from navigation until the page shows circuit 4's feedback, cold (a new browser context each
 *   time), with the CPU throttled 4× (Emulation.setCPUThrottlingRate) and Chrome's "Slow 4G" network
 *   (Network.emulateNetworkConditions: 562.5 ms latency, 180 kB/s down, 84 kB/s up); also unthrottled. Baseline: the
 *   same API call the page makes (`GET /api/communes/:insee/overview`: commune, catalogues, alarms), by a bare script.
 * - click "Allumer/Éteindre jusqu'au prochain changement du programme" on circuit 1 → `appliquée` shown on the output
 *   page, unthrottled, p50/p99 over `BENCH_ROUNDS` clicks (default 50). Baseline: the same command posted by a bare
 *   script until central announces it applied on its event stream.
 * The cabinet's contactor answers its feedback contact after `BENCH_FEEDBACK_DELAY` (default 20ms, as in
 * command-latency.bench.ts; the demo config's 200ms is a slow contactor, not the software).
 * Budgets: usable ≤ 1.5 s throttled (p50), click → appliquée p99 ≤ 300 ms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { BrowserHarness, DESKTOP } from '../support/browser-harness';
import { ProcessHarness, request } from '../support/process-harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
/** `BENCH_TIMINGS=1`: also prints where each throttled load spent its time (the page's resource timings). */
const TIMINGS = process.env.BENCH_TIMINGS === '1';
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const WARM_UP = 3;
const GATEWAY = 'gw-saint-quentin-centre';
const INSEE = '02691';
/**
 * Circuit 1: the demo's lighting programme drives it, so "Allumer jusqu'au prochain changement du programme" (a
 * `switch` without `until`) has an end; on an output without programme the gateway refuses such a switch.
 */
const POINT = 'cabinet-hotel-de-ville:circuit.1.command';
const USABLE_BUDGET_MS = 1500;
const CLICK_BUDGET_MS = 300;
/** Chrome DevTools' "Slow 4G" as it applies it (Lighthouse's 150 ms RTT × 3.75, 1.6 Mbps and 750 kbps × 0.9). */
const FEEDBACK_DELAY = process.env.BENCH_FEEDBACK_DELAY ?? '20ms';
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;

function line(what: string, samples: number[], baseline: number[], budget?: { p: 'p50' | 'p99'; max: number }): void {
  const s = percentiles(samples);
  const b = percentiles(baseline);
  const verdict =
    budget === undefined
      ? ''
      : s[budget.p] <= budget.max
        ? `  within budget (${budget.p} ≤ ${budget.max} ms)`
        : `  OVER BUDGET (${budget.p} > ${budget.max} ms)`;
  console.log(
    `${what.padEnd(44)} p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}   baseline p50 ${ms(b.p50)}  p99 ${ms(b.p99)}${verdict}`,
  );
}

/** Central's event stream, read by a bare script: resolves when a command is announced applied (or final). */
async function commandApplied(central: string, token: string, send: () => Promise<string>): Promise<number> {
  const abort = new AbortController();
  const response = await fetch(`${central}/api/events?access_token=${encodeURIComponent(token)}`, {
    signal: abort.signal,
  });
  if (!response.ok || response.body === null) throw new Error(`event stream: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const started = performance.now();
  const id = await send();
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
        if (!lines.includes('event: command') || data === undefined) continue;
        const event = JSON.parse(data.slice('data: '.length)) as { id: string; status: string };
        if (event.id === id && event.status !== 'queued' && event.status !== 'sent') {
          if (event.status !== 'applied') throw new Error(`command ${id}: ${event.status}`);
          return performance.now() - started;
        }
      }
    }
  } finally {
    abort.abort();
  }
}

/** The API call "Ma commune" makes before it is usable (commune, catalogues and alarms in one), by a bare script. */
async function bareCommune(central: string, token: string): Promise<number> {
  const started = performance.now();
  const overview = await request(`${central}/api/communes/${INSEE}/overview`, 'GET', undefined, token);
  if (overview.status !== 200) throw new Error(`overview: HTTP ${overview.status}`);
  return performance.now() - started;
}

/**
 * Milliseconds from navigation start until circuit 4's feedback is shown (the page is usable), read in the page. A
 * promise evaluated as it is, not `waitForFunction`: that one compiles its predicate in the page, which central's
 * Content-Security-Policy (no 'unsafe-eval') forbids.
 */
const USABLE_AT = `new Promise((resolve) => {
  const check = () => {
    const feedback = document.querySelector('[data-testid="circuit-4"] [data-testid="feedback"]');
    if (feedback !== null && feedback.textContent.trim() !== 'inconnu') resolve(performance.now());
    else setTimeout(check, 10);
  };
  check();
})`;

async function usable(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  return Number(await page.evaluate(USABLE_AT));
}

/**
 * Where a load spent its time, read in the page once it is usable: when each request started and its response ended
 * (the HTML, each script, stylesheet and API answer, with its size on the wire) and when the document's script had run
 * (`DOMContentLoaded`). A request's start shows when the page's main thread got to it: the overview is asked for by
 * the inline script as soon as the browser has read the page's first bytes, which a busy main thread delays.
 */
const LOAD_TIMINGS = `(() => {
  const short = (name) => new URL(name).pathname.replace(/-[A-Za-z0-9_-]{8}\\.(js|css)$/, '.$1');
  const navigation = performance.getEntriesByType('navigation')[0];
  const rows = [['document', undefined, navigation.responseEnd, navigation.transferSize]];
  for (const entry of performance.getEntriesByType('resource')) {
    rows.push([short(entry.name), entry.startTime, entry.responseEnd, entry.transferSize]);
  }
  rows.push(['DOMContentLoaded', undefined, navigation.domContentLoadedEventEnd, 0]);
  return rows.map(([what, from, at, bytes]) => ({ what, from: from === undefined ? undefined : Math.round(from), at: Math.round(at), bytes }));
})()`;

async function printTimings(page: Page, usableAt: number): Promise<void> {
  const rows = await page.evaluate<{ what: string; from?: number; at: number; bytes: number }[]>(LOAD_TIMINGS);
  const listed = rows.map(
    (row) =>
      `${row.what} ${row.from === undefined ? '' : `${row.from}→`}${row.at}${row.bytes > 0 ? ` (${(row.bytes / 1024).toFixed(1)} kB)` : ''}`,
  );
  console.log(`  load: ${[...listed, `usable ${usableAt.toFixed(0)}`].join(', ')}`);
}

/**
 * Clicks the button of the output page whose text starts with `label` and measures, in the page, until a new command
 * row says `applied` (a MutationObserver, so the time is the page's own, without the driver's round trips).
 */
function clickUntilApplied(page: Page, label: string): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const list = () => document.querySelectorAll('[data-testid="progress"] > li');
    const before = list().length;
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim().startsWith(${JSON.stringify(label)}));
    if (button === undefined) throw new Error('no button ' + ${JSON.stringify(label)});
    const started = performance.now();
    const observer = new MutationObserver(() => {
      const rows = list();
      const status = rows.length > before ? rows[0].getAttribute('data-status') : null;
      if (status === 'applied') {
        observer.disconnect();
        resolve(performance.now() - started);
      } else if (status === 'refused' || status === 'failed' || status === 'expired') {
        observer.disconnect();
        reject(new Error('command ' + status + ': ' + rows[0].textContent));
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    button.click();
  })`);
}

async function main(): Promise<void> {
  const simulatorYaml = readFileSync(join(__dirname, '..', '..', '..', 'config', 'simulator.yaml'), 'utf8');
  const harness = await ProcessHarness.start({
    files: { 'simulator.yaml': simulatorYaml.replace(/feedbackDelay: \S+/, `feedbackDelay: ${FEEDBACK_DELAY}`) },
    gateway: (config) => {
      config.control = { ...(config.control as object), minimumOnOff: '0s' };
    },
  });
  const browser = await BrowserHarness.start();
  try {
    const central = harness.url('central');
    const login = await request(`${central}/api/auth/login`, 'POST', {
      login: 'agent@02691',
      password: 'demo-agent-02691',
    });
    const { token, account } = login.body as { token: string; account: unknown };
    for (;;) {
      const status = (await request(`${central}/api/gateways/${GATEWAY}/equipment`, 'GET', undefined, token)).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sessionScript = `sessionStorage.setItem('beffroi.session', ${JSON.stringify(JSON.stringify({ token, account }))})`;
    const communeUrl = `${central}/communes/${INSEE}`;

    const loads = async (throttled: boolean): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const context = await browser.context(DESKTOP);
        await context.addInitScript(sessionScript);
        const page = await context.newPage();
        if (throttled) {
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        }
        const at = await usable(page, communeUrl);
        if (throttled && TIMINGS) await printTimings(page, at);
        samples.push(at);
        await context.close();
      }
      return samples;
    };
    const bare: number[] = [];
    for (let i = 0; i < WARM_UP + LOADS; i++) {
      const elapsed = await bareCommune(central, token);
      if (i >= WARM_UP) bare.push(elapsed);
    }
    await loads(false);
    const unthrottled = await loads(false);
    const throttled = await loads(true);

    const context = await browser.context(DESKTOP);
    await context.addInitScript(sessionScript);
    const page = await context.newPage();
    await page.goto(`${central}/communes/${INSEE}/passerelles/${GATEWAY}/sorties/${encodeURIComponent(POINT)}`);
    await page.getByRole('button', { name: /^Allumer jusqu’/ }).waitFor();
    const clicks: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const elapsed = await clickUntilApplied(page, i % 2 === 0 ? 'Allumer jusqu’' : 'Éteindre jusqu’');
      if (i >= WARM_UP) clicks.push(elapsed);
    }
    await context.close();
    const direct: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const elapsed = await commandApplied(central, token, async () => {
        const sent = await request(
          `${central}/api/gateways/${GATEWAY}/commands`,
          'POST',
          { action: 'switch', pointKey: POINT, value: i % 2 === 0 },
          token,
        );
        return (sent.body as { id: string }).id;
      });
      if (i >= WARM_UP) direct.push(elapsed);
    }

    console.log(
      `console benchmark: ${LOADS} cold loads each, ${ROUNDS} clicks (after ${WARM_UP} warm-up), feedback delay ${FEEDBACK_DELAY}`,
    );
    line('Ma commune usable, CPU 4× + Slow 4G', throttled, bare, { p: 'p50', max: USABLE_BUDGET_MS });
    line('Ma commune usable, unthrottled', unthrottled, bare);
    line('click → appliquée shown, unthrottled', clicks, direct, { p: 'p99', max: CLICK_BUDGET_MS });
  } finally {
    await browser.close();
    await harness.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
