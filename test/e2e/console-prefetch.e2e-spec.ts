import { BrowserHarness, DESKTOP, waitVisible } from '../support/browser-harness';
import { ProcessHarness } from '../support/process-harness';

const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const OVERVIEW = '/api/communes/02691/overview';

/**
 * "Ma commune"'s overview asked for by index.html's inline script, in Debian's Chromium against the real built apps:
 * central's Content-Security-Policy lets exactly that script run, and the console uses its answer instead of asking
 * again.
 */
describe("console: Ma commune's data asked for by the HTML", () => {
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

  it.each([
    ['/communes/02691', 'its address'],
    ['/', "/, the agent's own commune"],
  ])('asks for the overview once, from the inline script, when %s is opened with a session (%s)', async (path) => {
    if (apps === undefined || browser === undefined) throw new Error('the apps did not start');
    const central = apps.url('central');
    const login = await fetch(`${central}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: AGENT.login, password: AGENT.password }),
    });
    const session = JSON.stringify(await login.json());
    const context = await browser.context(DESKTOP);
    try {
      await context.addInitScript(`sessionStorage.setItem('beffroi.session', ${JSON.stringify(session)})`);
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) refused.push(message.text());
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const overviews: string[] = [];
      cdp.on('Network.requestWillBeSent', (event) => {
        if (new URL(event.request.url).pathname === OVERVIEW) {
          overviews.push(new URL(event.initiator.stack?.callFrames[0]?.url ?? event.initiator.url ?? '').pathname);
        }
      });
      await page.goto(`${central}${path}`);
      await waitVisible(page.getByTestId('circuit-4'));
      expect({ overviews, refused }).toEqual({ overviews: [path], refused: [] });
    } finally {
      await context.close();
    }
  });
});
