import type { BrowserContext, Page } from 'playwright-core';
import {
  BrowserHarness,
  DESKTOP,
  PHONE,
  seriousViolations,
  waitForText,
  waitVisible,
} from '../support/browser-harness';
import { ProcessHarness, request, waitFor } from '../support/process-harness';

const GATEWAY = 'gw-saint-quentin-centre';
const CABINET = 'cabinet-hotel-de-ville';
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
/** Long enough for a process start, a switching and its report to reach the browser. */
const LIVE_TIMEOUT = 30_000;
/** The hour strikes ring up to twelve blows three seconds apart before the command is applied. */
const RING_TIMEOUT = 60_000;

/** The local date `days` from now on the basilica's clock, `YYYY-MM-DD`. */
function parisDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/**
 * The console's pages of issue 11 in Debian's Chromium against the real built apps: the catalogue's names, a fault
 * raised live and acknowledged, the demonstration banner, Cloches (ring a sequence by name, plan a one-off ring), with
 * axe on each page and the journeys on a 375×812 phone.
 */
describe('console pages in a real browser', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext;
  let page: Page;
  const central = () => apps!.url('central');

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
    });
    const agent = await apps.login(AGENT.login, AGENT.password);
    await waitFor(
      'the gateway catalogue reported',
      async () => (await request(`${central()}/api/gateways/${GATEWAY}/equipment`, 'GET', undefined, agent)).status,
      (status: number) => status === 200,
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

  it('names equipment and circuits as the catalogue does, and shows the demonstration banner', async () => {
    await page.goto(`${central()}/`);
    await waitVisible(page.getByTestId('demo-banner'));
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    await waitVisible(page.getByRole('heading', { name: 'Armoire Hôtel de Ville' }));
    await waitVisible(page.getByRole('heading', { name: 'Cloches de la basilique' }));
    await waitVisible(page.getByRole('heading', { name: 'Chauffage salle des fêtes' }));
    await waitVisible(page.getByTestId('circuit-4').getByRole('link', { name: 'Départ 4' }));
    await waitForText(page.getByText(/°C/).first(), /\d °C|\d,\d °C/, LIVE_TIMEOUT);
    await expectAxeClean(page, 'ma commune');
  });

  it('shows a fault injected in the simulator (breaker tripped) live as an alarm, which the agent acknowledges', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    expect(await page.getByText('Disjoncteur déclenché').count()).toBe(0);

    const tripped = await request(`${apps!.url('simulator')}/devices/${CABINET}/inputs`, 'POST', {
      breakerTripped: true,
    });
    expect(tripped.status).toBeLessThan(300);
    await waitVisible(page.getByText('Disjoncteur déclenché', { exact: true }), LIVE_TIMEOUT);
    // After dusk the circuits commanded on lose their feedback too: one alarm or three, depending on the hour.
    await waitVisible(page.getByRole('link', { name: /\d+ alarmes? actives?/ }).first(), LIVE_TIMEOUT);

    await page.getByRole('link', { name: 'Alarmes', exact: true }).click();
    const alarm = page.getByRole('listitem').filter({ hasText: 'Disjoncteur déclenché, les départs' });
    await waitVisible(alarm, LIVE_TIMEOUT);
    await alarm.getByRole('button', { name: 'Acquitter' }).click();
    await waitVisible(page.getByText(/Acquittée par agent@02691/), LIVE_TIMEOUT);
    await expectAxeClean(page, 'alarmes');
    expect(
      (await request(`${apps!.url('simulator')}/devices/${CABINET}/inputs`, 'POST', { breakerTripped: false })).status,
    ).toBeLessThan(300);
  });

  it(
    'Cloches: rings a sequence by its name until it is applied, and plans a one-off glas',
    async () => {
      await page.goto(`${central()}/`);
      await logIn(page, AGENT);
      await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
      await page.getByRole('link', { name: 'Cloches' }).click();
      await waitForText(page.getByRole('heading', { level: 1 }), 'Cloches : Saint-Quentin');
      await waitForText(page.getByTestId('quiet-hours'), /silence de 21:00 à 07:00/);
      await expectAxeClean(page, 'cloches');

      await page.getByRole('button', { name: 'Sonner : Heure frappée' }).click();
      await waitForText(page.getByTestId('ring-progress'), /Heure frappée\s*Sonnerie : appliquée/, RING_TIMEOUT);

      await page.getByLabel('Sonnerie', { exact: true }).selectOption({ label: 'Glas' });
      const date = parisDate(20);
      await page.getByLabel('Date').fill(date);
      await page.getByLabel('Heure (heure du site)').fill('10:30');
      await page.getByLabel('Motif (facultatif)').fill('Obsèques de M. Leroy');
      await page.getByRole('button', { name: 'Programmer' }).click();
      await waitForText(page.getByTestId('planned'), /^Glas programmé le .+, 10:30\.$/);
      const shown = date.split('-').reverse().join('/');
      await waitForText(page.getByTestId('upcoming'), (text) =>
        new RegExp(`${shown} 10:30\\s*Glas\\s*Obsèques de M\\. Leroy`).test(text),
      );
    },
    RING_TIMEOUT * 2,
  );

  it('Chauffage: shows each zone, then changes its comfort setpoint until a time, applied and reported', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    await page.getByRole('link', { name: 'Chauffage' }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), 'Chauffage : Saint-Quentin');
    const zone = page.getByTestId('zone-zone.1');
    await waitForText(zone.getByRole('heading', { level: 2 }), 'Chauffage salle des fêtes — Zone 1');
    await waitForText(zone.getByTestId('temperature'), /°C$/, LIVE_TIMEOUT);
    await waitForText(
      zone.getByTestId('schedule'),
      /« chauffage-salle-des-fetes »[\s\S]*confort 19 °C · éco 16 °C · hors gel 8 °C/,
    );
    await expectAxeClean(page, 'chauffage');

    await zone.getByLabel('Consigne confort (°C)').fill('18.5');
    await zone.getByRole('button', { name: 'Appliquer cette consigne' }).click();
    await waitForText(page.getByTestId('heating-progress'), /Forçage temporaire : appliquée/, LIVE_TIMEOUT);
    await waitForText(zone.getByTestId('setpoints'), /confort 18,5 °C/, LIVE_TIMEOUT);
  });

  it("Historique: shows the agent's command with their name, in the site's time, page by page", async () => {
    const agent = await apps!.login(AGENT.login, AGENT.password);
    const sent = await request(
      `${central()}/api/gateways/${GATEWAY}/commands`,
      'POST',
      { action: 'switch', pointKey: `${CABINET}:circuit.3.command`, value: true },
      agent,
    );
    expect(sent.status).toBe(202);
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
    await page.getByRole('link', { name: 'Historique' }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), 'Historique : Saint-Quentin');
    const first = page.getByTestId('history').getByRole('listitem').first();
    await waitForText(first, (text) => text.includes('Armoire Hôtel de Ville — Départ 3 — commande contacteur'));
    await waitForText(first, (text) => text.includes('Qui : Agent de la mairie de Saint-Quentin (agent@02691)'));
    await expectAxeClean(page, 'historique');
    await page.getByRole('button', { name: 'Journal d’audit' }).click();
    await waitForText(page.getByRole('heading', { level: 2 }), 'Journal d’audit — Page 1');
    await waitVisible(page.getByText('Commande : commutation').first());
    await expectAxeClean(page, 'journal d’audit');
  });

  it('makes the Cloches, Chauffage and Historique journeys on a 375×812 phone', async () => {
    const phone = await browser!.context(PHONE);
    try {
      const small = await phone.newPage();
      await small.goto(`${central()}/`);
      await logIn(small, AGENT);
      await waitForText(small.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
      await small.getByRole('link', { name: 'Cloches' }).click();
      await waitForText(small.getByRole('heading', { level: 1 }), 'Cloches : Saint-Quentin');
      await waitVisible(small.getByRole('button', { name: 'Sonner : Glas' }));
      const overflow = await small.evaluate('document.documentElement.scrollWidth > window.innerWidth');
      expect(overflow).toBe(false);
      await expectAxeClean(small, 'cloches (téléphone)');
      await small.getByRole('link', { name: 'Chauffage' }).click();
      await waitForText(small.getByRole('heading', { level: 1 }), 'Chauffage : Saint-Quentin');
      await waitVisible(small.getByRole('button', { name: 'Appliquer ce mode' }).first());
      expect(await small.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
      await expectAxeClean(small, 'chauffage (téléphone)');
      await small.getByRole('link', { name: 'Historique' }).click();
      await waitForText(small.getByRole('heading', { level: 1 }), 'Historique : Saint-Quentin');
      await waitVisible(small.getByTestId('history'));
      expect(await small.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
      await expectAxeClean(small, 'historique (téléphone)');
    } finally {
      await phone.close();
    }
  });
});
