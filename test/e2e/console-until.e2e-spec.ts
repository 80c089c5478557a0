import type { BrowserContext, Page } from 'playwright-core';
import {
  BrowserHarness,
  DESKTOP,
  seriousViolations,
  waitForText,
  waitGone,
  waitVisible,
} from '../support/browser-harness';
import { ProcessHarness, request, waitFor } from '../support/process-harness';

const GATEWAY = 'gw-saint-quentin-centre';
const CABINET = 'cabinet-hotel-de-ville';
/** Driven by the lighting schedule of the shipped config. */
const CIRCUIT_1 = `${CABINET}:circuit.1.command`;
/** Driven by no schedule. */
const CIRCUIT_4 = `${CABINET}:circuit.4.command`;
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
/** Long enough for a process start, a switching and its report to reach the browser. */
const LIVE_TIMEOUT = 30_000;

/**
 * "Switch now" on the output page, in Debian's Chromium against the real built apps: until the next programme change
 * by default (and the page says until when), the quick picks the gateway resolves at the site, switching without end
 * only once confirmed, and the explain saying which form was asked.
 */
describe('console: switch now, and until when', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext;
  let page: Page;
  const central = () => apps!.url('central');
  const outputPath = (key: string) => `/communes/02691/passerelles/${GATEWAY}/sorties/${encodeURIComponent(key)}`;
  const progress = () => page.getByTestId('progress').locator('li');

  async function openOutput(key: string): Promise<void> {
    await page.goto(`${central()}${outputPath(key)}`);
    await page.getByLabel('Identifiant').fill(AGENT.login);
    await page.getByLabel('Mot de passe').fill(AGENT.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`**${outputPath(key)}`);
    await waitVisible(page.getByTestId('actions'), LIVE_TIMEOUT);
  }

  beforeAll(async () => {
    apps = await ProcessHarness.start({
      gateway: (config) => {
        config.control = { ...(config.control as object), minimumOnOff: '0s' };
      },
      gatewayCentral: { reconnectMin: '100ms', reconnectMax: '1s' },
    });
    const agent = await apps.login(AGENT.login, AGENT.password);
    await waitFor(
      'circuits 1 and 4 reported with a good value',
      async () => (await request(`${central()}/api/gateways/${GATEWAY}/points`, 'GET', undefined, agent)).body,
      (equipment: { points: { key: string; quality: { status: string } }[] }[]) =>
        [CIRCUIT_1, CIRCUIT_4].every((key) =>
          equipment.some((e) => e.points.some((p) => p.key === key && p.quality.status === 'good')),
        ),
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

  it('switches a circuit on until the next programme change, then names that time', async () => {
    await openOutput(CIRCUIT_1);
    // Before any command the button already names the time of the next change (the output page reads the programme).
    await page.getByRole('button', { name: /^Allumer jusqu’à \d{2}:\d{2}, prochain changement du programme$/ }).click();

    await waitForText(progress(), /Commutation jusqu’au prochain changement du programme : appliquée/, LIVE_TIMEOUT);
    const why = await waitForText(
      page.getByTestId('why'),
      (text) => text.includes('Demandé : jusqu’au prochain changement du programme.'),
      LIVE_TIMEOUT,
    );
    expect(why).toContain('Décidée par une commande manuelle');
    await waitVisible(
      page.getByRole('button', { name: /^Allumer jusqu’à \d{2}:\d{2}, prochain changement du programme$/ }),
    );
    expect({ violations: await seriousViolations(page) }).toEqual({ violations: [] });

    await page.getByRole('button', { name: 'Relâcher (rendre la main au programme)' }).click();
    await waitForText(progress(), /Retour au programme : appliquée/, LIVE_TIMEOUT);
  });

  it('refuses the default on a circuit no programme drives, and takes 23:00 or no end once confirmed', async () => {
    await openOutput(CIRCUIT_4);
    await page.getByRole('button', { name: 'Allumer jusqu’au prochain changement du programme' }).click();
    await waitForText(
      progress(),
      /Commutation jusqu’au prochain changement du programme : refusée \(motif : .*no programme changes this output/,
      LIVE_TIMEOUT,
    );

    await page.getByRole('button', { name: 'Jusqu’à… à 23:00' }).click();
    await waitForText(progress(), /Commutation jusqu’à 23:00 : appliquée/, LIVE_TIMEOUT);
    await waitForText(page.getByTestId('why'), (text) => text.includes('Demandé : jusqu’à 23:00.'), LIVE_TIMEOUT);
    await waitForText(page.getByTestId('feedback-value'), 'allumé', LIVE_TIMEOUT);

    await page.getByRole('button', { name: 'Éteindre sans échéance…' }).click();
    await waitVisible(page.getByTestId('confirm-permanent'));
    expect({ violations: await seriousViolations(page) }).toEqual({ violations: [] });
    await page.getByRole('button', { name: 'Annuler' }).click();
    await waitGone(page.getByTestId('confirm-permanent'));
    expect(await progress().count()).toBe(2);

    await page.getByRole('button', { name: 'Éteindre sans échéance…' }).click();
    await page.getByRole('button', { name: 'Confirmer : éteindre sans échéance' }).click();
    await waitForText(progress(), /Commutation sans échéance : appliquée/, LIVE_TIMEOUT);
    await waitForText(page.getByTestId('why'), (text) => text.includes('Demandé : sans échéance.'), LIVE_TIMEOUT);
    await waitForText(page.getByTestId('feedback-value'), 'éteint', LIVE_TIMEOUT);

    await page.getByRole('button', { name: 'Relâcher (rendre la main au programme)' }).click();
    await waitForText(progress(), /Retour au programme : appliquée/, LIVE_TIMEOUT);
  });
});
