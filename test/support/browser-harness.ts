import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium: browser downloads are impossible here, and CI installs the package (.ci/run). */
export const CHROMIUM = process.env.BEFFROI_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine with no network but loopback: no sandbox (tests run as root), no GPU,
 * and none of the background connections (updates, sync, QUIC) that would only be refused.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 812 } as const;

/** A headless Debian Chromium driven by playwright-core (a fresh temporary profile per launch). */
export class BrowserHarness {
  private constructor(readonly browser: Browser) {}

  static async start(): Promise<BrowserHarness> {
    return new BrowserHarness(await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS }));
  }

  /** A new browser context (its own cookies and storage), French and in UTC like the processes under test. */
  async context(viewport: { width: number; height: number } = DESKTOP): Promise<BrowserContext> {
    return this.browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'UTC' });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** The serious and critical accessibility violations axe finds on the page, as `id: help (n nodes)` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

const DEFAULT_WAIT_MS = 10_000;

/** Waits until the (first) element's text passes `accept` (playwright-core has no web-first assertions). */
export async function waitForText(
  locator: Locator,
  accept: string | RegExp | ((text: string) => boolean),
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<string> {
  const passes =
    typeof accept === 'string'
      ? (text: string) => text.trim() === accept
      : accept instanceof RegExp
        ? (text: string) => accept.test(text)
        : accept;
  const deadline = Date.now() + timeoutMs;
  let last = '(no element)';
  for (;;) {
    if ((await locator.count()) > 0) {
      last = (await locator.first().textContent()) ?? '';
      if (passes(last)) return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`${locator.toString()}: text ${String(accept)} not seen after ${timeoutMs} ms; last "${last}"`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the element is shown. */
export async function waitVisible(locator: Locator, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until no such element is shown. */
export async function waitGone(locator: Locator, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.count()) > 0) {
    if (Date.now() > deadline) throw new Error(`${locator.toString()}: still shown after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
