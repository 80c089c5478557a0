import { BrowserHarness, DESKTOP, waitVisible } from '../support/browser-harness';
import { ProcessHarness } from '../support/process-harness';

const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const ADMIN = { login: 'admin@useda', password: 'demo-admin-useda' };
const OVERVIEW = '/api/communes/02691/overview';

/**
 * "Ma commune"'s overview, and the Parc's fleet with the Parc's files, asked for by index.html's inline script, in
 * Debian's Chromium against the real built apps: central's Content-Security-Policy lets exactly that script run, and
 * the console uses what it asked for instead of asking again.
 */
describe("console: the first screen's data asked for by the HTML", () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;

  beforeAll(async () => {
    apps = await ProcessHarness.start({});
    browser = await BrowserHarness.start();
  });

  afterAll(async () => {
    await browser?.close();
    await apps?.close();
  });

  /** A page of the console opened with the session of `account` already in the tab. */
  async function opened(account: { login: string; password: string }) {
    if (apps === undefined || browser === undefined) throw new Error('the apps did not start');
    const central = apps.url('central');
    const login = await fetch(`${central}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    const session = JSON.stringify(await login.json());
    const context = await browser.context(DESKTOP);
    await context.addInitScript(`sessionStorage.setItem('beffroi.session', ${JSON.stringify(session)})`);
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) refused.push(message.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    /** Each request of `paths` (by pathname): the script that made it, by its address's path. */
    const requests: [string, string][] = [];
    cdp.on('Network.requestWillBeSent', (event) => {
      const initiator = event.initiator.stack?.callFrames[0]?.url ?? event.initiator.url ?? '';
      requests.push([new URL(event.request.url).pathname, initiator === '' ? '' : new URL(initiator).pathname]);
    });
    return { central, context, page, refused, requests };
  }

  it.each([
    ['/communes/02691', 'its address'],
    ['/', "/, the agent's own commune"],
  ])('asks for the overview once, from the inline script, when %s is opened with a session (%s)', async (path) => {
    const { central, context, page, refused, requests } = await opened(AGENT);
    try {
      await page.goto(`${central}${path}`);
      await waitVisible(page.getByTestId('circuit-4'));
      const overviews = requests.filter(([asked]) => asked === OVERVIEW).map(([, by]) => by);
      expect({ overviews, refused }).toEqual({ overviews: [path], refused: [] });
    } finally {
      await context.close();
    }
  });

  it("asks for the fleet and the Parc's own files once each, from the inline script, on the Parc", async () => {
    const { central, context, page, refused, requests } = await opened(ADMIN);
    try {
      await page.goto(`${central}/syndicat/parc`);
      await waitVisible(page.getByTestId('fleet-02691'));
      const short = (path: string) => path.replace(/-[\w-]{8}\./, '.');
      const parc = requests.filter(([asked]) => asked === '/api/fleet' || /^\/assets\/(Fleet|index)-/.test(asked));
      // The inline script inserts the files' links before it asks for the fleet; the entry module, which runs once
      // the page is read, would ask for the page's chunk only after the fleet.
      expect({ parc: parc.map(([asked]) => short(asked)), refused }).toEqual({
        parc: [
          '/assets/Fleet.js',
          '/assets/index.js',
          '/assets/Fleet.css',
          '/api/fleet',
          // The router's own link to the page's stylesheet, answered by the preloaded file.
          '/assets/Fleet.css',
        ],
        refused: [],
      });
      expect(parc.filter(([asked]) => asked === '/api/fleet').map(([, by]) => by)).toEqual(['/syndicat/parc']);
    } finally {
      await context.close();
    }
  });
});
