import type { BrowserContext, Page } from 'playwright-core';
import { BrowserHarness, DESKTOP, waitForText, waitVisible } from '../support/browser-harness';
import { ProcessHarness } from '../support/process-harness';

const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };

/** The commune's pages, each loaded on demand by the entry (a chunk of its own), by their address and heading. */
const PAGES = [
  ['/communes/02691', /^Ma commune/],
  ['/communes/02691/alarmes', /^Alarmes/],
  ['/communes/02691/planning', /^Planning/],
  ['/communes/02691/cloches', /^Cloches/],
  ['/communes/02691/chauffage', /^Chauffage/],
  ['/communes/02691/historique', /^Historique/],
] as const;

/** What a page asked for and what went wrong: failed requests, error answers, refusals by the policy, script errors. */
interface Watch {
  readonly requests: string[];
  readonly problems: string[];
}

function watch(page: Page): Watch {
  const seen: Watch = { requests: [], problems: [] };
  page.on('request', (request) => seen.requests.push(new URL(request.url()).pathname));
  page.on('requestfailed', (request) => {
    // A reload cuts what is still on its way (the live stream, the contract's chunk); a wrong address answers 404.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') seen.problems.push(`failed ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) seen.problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => seen.problems.push(`error ${error.message}`));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) seen.problems.push(message.text());
  });
  return seen;
}

/**
 * The entry script and its stylesheet inlined into the page's HTML, in Debian's Chromium against the real built apps:
 * the first screen needs no request after the page's own, central's Content-Security-Policy lets the inline module
 * run, and the pages it loads on demand are found from any address (an inline module resolves relative imports
 * against the page's address, not `/assets/`).
 */
describe('console: the entry script inlined into the HTML', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    apps = await ProcessHarness.start({});
    browser = await BrowserHarness.start();
    const login = await fetch(`${apps.url('central')}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(AGENT),
    });
    const session = JSON.stringify(await login.json());
    context = await browser.context(DESKTOP);
    await context.addInitScript(`sessionStorage.setItem('beffroi.session', ${JSON.stringify(session)})`);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await apps?.close();
  });

  const central = () => {
    if (apps === undefined) throw new Error('the apps did not start');
    return apps.url('central');
  };
  const newPage = () => {
    if (context === undefined) throw new Error('the browser did not start');
    return context.newPage();
  };

  it('shows the login from the HTML answer alone: every file under /assets/ refused, the form is there', async () => {
    if (browser === undefined) throw new Error('the browser did not start');
    const signedOut = await browser.context(DESKTOP);
    try {
      const page = await signedOut.newPage();
      const assets: string[] = [];
      await page.route('**/assets/**', (route) => {
        assets.push(new URL(route.request().url()).pathname);
        return route.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${central()}/connexion`);
      await waitForText(page.locator('main h1'), 'Connexion');
      await waitVisible(page.getByRole('button', { name: 'Se connecter' }));
      expect(errors).toEqual([]);
      expect(assets.filter((path) => path.endsWith('.css'))).toEqual([]);
    } finally {
      await signedOut.close();
    }
  });

  it.each(PAGES)(
    'loads %s from its own address and after a reload, with its chunks from /assets/',
    async (path, title) => {
      const page = await newPage();
      try {
        const seen = watch(page);
        await page.goto(`${central()}${path}`);
        await waitForText(page.locator('main h1'), title);
        await page.reload();
        await waitForText(page.locator('main h1'), title);
        const scripts = seen.requests.filter((request) => request.endsWith('.js'));
        expect(seen.problems).toEqual([]);
        expect(scripts.filter((request) => !request.startsWith('/assets/'))).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});
