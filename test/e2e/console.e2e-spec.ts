import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  BrowserHarness,
  DESKTOP,
  PHONE,
  seriousViolations,
  waitForText,
  waitGone,
  waitVisible,
} from '../support/browser-harness';
import { ProcessHarness, request, waitFor } from '../support/process-harness';

const GATEWAY = 'gw-saint-quentin-centre';
const CABINET = 'cabinet-hotel-de-ville';
const CIRCUIT_4 = `${CABINET}:circuit.4.command`;
/** Driven by the demo's lighting programme (config/gateway.yaml). */
const CIRCUIT_1 = `${CABINET}:circuit.1.command`;
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const READER = { login: 'lecteur@02691', password: 'demo-lecteur-02691' };
/** A commune of the same syndicate, outside the agent's tenant. */
const OTHER_COMMUNE = '02408';
/** Long enough for a process start, a switching and its report to reach the browser. */
const LIVE_TIMEOUT = 30_000;

/**
 * The console in Debian's Chromium against the real built apps (simulator, central and gateway from dist/): the
 * journeys of the people it is for, with axe on every page.
 */
describe('console in a real browser', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext;
  let page: Page;
  const central = () => apps!.url('central');
  const outputPath = (key: string) => `/communes/02691/passerelles/${GATEWAY}/sorties/${encodeURIComponent(key)}`;

  async function logIn(target: Page, who: { login: string; password: string }): Promise<void> {
    await target.getByLabel('Identifiant').fill(who.login);
    await target.getByLabel('Mot de passe').fill(who.password);
    await target.getByRole('button', { name: 'Se connecter' }).click();
  }

  async function expectAxeClean(target: Page, what: string): Promise<void> {
    expect({ page: what, violations: await seriousViolations(target) }).toEqual({ page: what, violations: [] });
  }

  beforeAll(async () => {
    apps = await ProcessHarness.start({
      gateway: (config) => {
        config.control = { ...(config.control as object), minimumOnOff: '0s' };
      },
      gatewayCentral: { reconnectMin: '100ms', reconnectMax: '1s' },
    });
    const admin = await apps.login('admin@useda', 'demo-admin-useda');
    const added = await request(`${central()}/api/communes`, 'POST', { insee: [OTHER_COMMUNE] }, admin);
    expect(added.status).toBe(201);
    const agent = await apps.login(AGENT.login, AGENT.password);
    await waitFor(
      'circuit 4 reported with a good value',
      async () => (await request(`${central()}/api/gateways/${GATEWAY}/points`, 'GET', undefined, agent)).body,
      (equipment: { points: { key: string; quality: { status: string } }[] }[]) =>
        equipment.some((e) => e.points.some((p) => p.key === CIRCUIT_4 && p.quality.status === 'good')),
      { timeoutMs: LIVE_TIMEOUT, context: () => apps!.logTail('gateway', 'central') },
    );
    browser = await BrowserHarness.start();
  });

  afterAll(async () => {
    await browser?.close();
    await apps?.close();
  });

  beforeEach(async () => {
    context = await browser!.context(DESKTOP);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  it('is served by central at / with the API still under /api: hashed assets immutable, index.html not cached', async () => {
    const index = await fetch(`${central()}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    // The entry script is in the page itself (a module allowed by its hash); the chunks it loads later are files.
    expect(html).not.toMatch(/<script\b[^>]*\ssrc=/);
    const asset = /import\("(\/assets\/[^"]+\.js)"\)/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${central()}${asset ?? ''}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const deepLink = await fetch(`${central()}/communes/02691/alarmes`);
    expect({ status: deepLink.status, html: (await deepLink.text()) === html }).toEqual({ status: 200, html: true });
    const unknownApi = await fetch(`${central()}/api/no-such-route`);
    expect({ status: unknownApi.status, type: unknownApi.headers.get('content-type') }).toEqual({
      status: 404,
      type: expect.stringContaining('application/json'),
    });
  });

  it('the agent switches circuit 4 on until a time, sees the feedback turn on without reloading, reads why, releases it', async () => {
    await page.goto(`${central()}/`);
    await expectAxeClean(page, 'connexion');
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    await expectAxeClean(page, 'ma commune');
    await page.getByTestId('circuit-4').getByRole('link', { name: 'Départ 4' }).click();
    await page.waitForURL(`**${outputPath(CIRCUIT_4)}`);
    await waitForText(page.getByTestId('feedback-value'), 'éteint', LIVE_TIMEOUT);
    await expectAxeClean(page, 'une sortie');
    await page.evaluate('window.beffroiSameDocument = true');

    await page.getByRole('button', { name: 'Jusqu’à… dans 2 h' }).click();

    await waitForText(page.getByTestId('progress').locator('li'), /Forçage temporaire : appliquée/, LIVE_TIMEOUT);
    await waitForText(page.getByTestId('feedback-value'), 'allumé', LIVE_TIMEOUT);
    await waitVisible(page.getByRole('heading', { name: 'Pourquoi est-il allumé ?' }), LIVE_TIMEOUT);
    const why = await waitForText(
      page.getByTestId('why'),
      (text) => text.includes('Décidée par une commande manuelle'),
      LIVE_TIMEOUT,
    );
    expect(why).toContain('Jusqu’au');
    expect(await page.evaluate('window.beffroiSameDocument')).toBe(true);

    await page.getByRole('button', { name: 'Relâcher (rendre la main au programme)' }).click();
    await waitForText(page.getByTestId('progress').locator('li'), /Retour au programme : appliquée/, LIVE_TIMEOUT);
    await waitForText(page.getByTestId('why'), (text) => !text.includes('une commande manuelle'), LIVE_TIMEOUT);

    await page.getByRole('link', { name: 'Alarmes', exact: true }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), 'Alarmes');
    await expectAxeClean(page, 'alarmes');
  });

  it('says until when "allumer" would last before any switching, as the gateway then resolves it', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    await page.goto(`${central()}${outputPath(CIRCUIT_1)}`);
    // Circuit 1 is driven by the programme « eclairage-hotel-de-ville »: the next change is known before a command.
    const switchOn = page.getByRole('button', {
      name: /^Allumer jusqu’à \d{2}:\d{2}, prochain changement du programme$/,
    });
    const label = await waitForText(switchOn, /\d{2}:\d{2}/, LIVE_TIMEOUT);
    await expectAxeClean(page, 'une sortie avant toute commande');
    const shown = /(\d{2}:\d{2})/.exec(label)?.[1];

    await switchOn.click();
    await waitForText(page.getByTestId('progress').locator('li'), /: appliquée/, LIVE_TIMEOUT);
    const agent = await apps!.login(AGENT.login, AGENT.password);
    const explained = (
      await request(
        `${central()}/api/gateways/${GATEWAY}/outputs/${encodeURIComponent(CIRCUIT_1)}`,
        'GET',
        undefined,
        agent,
      )
    ).body as { winner: { until?: string; expiresAt?: string } };
    const resolved = new Intl.DateTimeFormat('fr-FR', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Europe/Paris',
    }).format(new Date(explained.winner.expiresAt ?? 0));
    expect({ until: explained.winner.until, shown }).toEqual({ until: 'next-transition', shown: resolved });

    await page.getByRole('button', { name: 'Relâcher (rendre la main au programme)' }).click();
    await waitForText(
      page.getByTestId('progress').locator('li').first(),
      /Retour au programme : appliquée/,
      LIVE_TIMEOUT,
    );
  });

  it('shows a read-only account the same pages without any action control', async () => {
    await page.goto(`${central()}${outputPath(CIRCUIT_4)}`);
    await logIn(page, READER);
    await page.waitForURL(`**${outputPath(CIRCUIT_4)}`);
    await waitVisible(page.getByText('Votre compte est en lecture seule'));
    await waitForText(page.getByTestId('command-value'), (text) => text !== 'inconnu', LIVE_TIMEOUT);
    expect(await page.getByTestId('actions').count()).toBe(0);
    expect(await page.locator('main button').count()).toBe(0);
    await page.getByRole('link', { name: 'Alarmes', exact: true }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), 'Alarmes');
    await waitVisible(page.getByTestId('alarms-active'));
    expect(await page.locator('main button').count()).toBe(0);
  });

  it('answers "accès refusé" to an agent who types the address of another commune', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    await page.goto(`${central()}/communes/${OTHER_COMMUNE}`);
    await waitForText(page.getByTestId('message-title'), 'Accès refusé');
    await expectAxeClean(page, 'accès refusé');
  });

  it('sends an expired session to the login, then back to the page the person was on', async () => {
    await page.goto(`${central()}${outputPath(CIRCUIT_4)}`);
    // The output page's last request; the session must end once the page has loaded, not while it is loading (a 401
    // then would send the page to the login by itself, racing the reload below).
    const loaded = page.waitForResponse((response) => response.url().includes('/switchings'));
    await logIn(page, AGENT);
    await page.waitForURL(`**${outputPath(CIRCUIT_4)}`);
    await loaded;
    const token = String(await page.evaluate('JSON.parse(sessionStorage.getItem("beffroi.session")).token'));
    expect((await request(`${central()}/api/auth/logout`, 'POST', undefined, token)).status).toBe(204);
    await page.reload();
    await waitVisible(page.getByText('Votre session a expiré'));
    expect(new URL(page.url()).pathname).toBe('/connexion');
    await logIn(page, AGENT);
    await page.waitForURL(`**${outputPath(CIRCUIT_4)}`);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Armoire hotel de ville — Circuit 4');
  });

  it('makes the whole journey on a 375×812 phone', async () => {
    const phone = await browser!.context(PHONE);
    try {
      const small = await phone.newPage();
      await small.goto(`${central()}/`);
      await expectAxeClean(small, 'connexion (téléphone)');
      await logIn(small, AGENT);
      await waitForText(small.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
      await expectAxeClean(small, 'ma commune (téléphone)');
      expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await small.getByTestId('circuit-4').getByRole('link', { name: 'Départ 4' }).click();
      await waitVisible(small.getByRole('button', { name: 'Allumer jusqu’au prochain changement du programme' }));
      await expectAxeClean(small, 'une sortie (téléphone)');
      expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      // Circuit 4 has no programme: "switch now" needs an end, here the 1 h quick pick.
      await small.getByRole('button', { name: 'Jusqu’à… dans 1 h' }).click();
      await waitForText(small.getByTestId('progress').locator('li'), /Forçage temporaire : appliquée/, LIVE_TIMEOUT);
      await small.getByRole('button', { name: 'Relâcher (rendre la main au programme)' }).click();
      await waitForText(small.getByTestId('progress').locator('li'), /Retour au programme : appliquée/, LIVE_TIMEOUT);
      await small.getByRole('link', { name: 'Alarmes', exact: true }).click();
      await waitForText(small.getByRole('heading', { level: 1 }), 'Alarmes');
      await expectAxeClean(small, 'alarmes (téléphone)');
    } finally {
      await phone.close();
    }
  });

  it('takes the screenshots of "Ma commune" for the documentation when asked', async () => {
    const dir = process.env.BEFFROI_CONSOLE_SCREENSHOTS;
    for (const [name, viewport] of [
      ['console-desktop.png', DESKTOP],
      ['console-phone.png', PHONE],
    ] as const) {
      const shot = await browser!.context(viewport);
      try {
        const view = await shot.newPage();
        await view.goto(`${central()}/`);
        await logIn(view, AGENT);
        await waitForText(view.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
        // What the documentation shows is the commune running: the gateway online, every equipment reachable and
        // every circuit with the state its cabinet reports.
        await waitFor(
          'the gateway online, every equipment reachable and every circuit with its state',
          async () => ({
            gateways: await view.getByTestId('gateway-state').allInnerTexts(),
            unreachable: await view.getByText('Équipement injoignable').count(),
            circuits: await view.locator('[data-testid^="circuit-"] [data-testid="feedback"]').allInnerTexts(),
          }),
          ({ gateways, unreachable, circuits }) =>
            gateways.length > 0 &&
            gateways.every((text) => text.trim() === 'en ligne') &&
            unreachable === 0 &&
            circuits.length >= 4 &&
            circuits.every((text) => text.trim() !== 'inconnu'),
          { timeoutMs: LIVE_TIMEOUT, context: () => apps!.logTail('gateway', 'central') },
        );
        if (dir !== undefined) {
          mkdirSync(dir, { recursive: true });
          await view.screenshot({ path: join(dir, name), fullPage: viewport === DESKTOP });
        }
      } finally {
        await shot.close();
      }
    }
  });

  it('shows "connexion perdue" while central is down, then catches up by itself once it is back', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    expect(await page.getByText('Porte ouverte').count()).toBe(0);

    await apps!.kill('central');
    await waitVisible(page.getByTestId('connection-lost'), LIVE_TIMEOUT);
    const opened = await request(`${apps!.url('simulator')}/devices/${CABINET}/inputs`, 'POST', { doorOpen: true });
    expect(opened.status).toBeLessThan(300);
    await apps!.restart('central');

    await waitGone(page.getByTestId('connection-lost'), LIVE_TIMEOUT);
    await waitVisible(page.getByText('Porte ouverte'), LIVE_TIMEOUT);
  });
});
