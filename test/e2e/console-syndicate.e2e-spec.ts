import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { parse } from 'yaml';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { BrowserHarness, DESKTOP, seriousViolations, waitForText, waitVisible } from '../support/browser-harness';
import { ProcessHarness, request, waitFor } from '../support/process-harness';
import { PROFILES_DIR, ProtocolGateway } from '../support/protocol-gateway';

const ADMIN = { login: 'admin@useda', password: 'demo-admin-useda' };
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const LIGHTING = parse(
  readFileSync(join(__dirname, '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml'), 'utf8'),
) as unknown;
/** Long enough for a push to reach a gateway, be applied and come back to the browser. */
const LIVE_TIMEOUT = 30_000;

/**
 * The syndicate's pages in Debian's Chromium (issue 12, item 5) against the real built apps: the demo's Saint-Quentin
 * gateway (real, its cabinet's outputs tagged in config/gateway.yaml), and two protocol-level gateways in Laon (its
 * street lighting tagged, but offline) and Soissons (no street lighting), seeded communes of the demo syndicate.
 */
describe('the syndicate admin in a real browser', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext;
  let page: Page;
  let laon: ProtocolGateway;
  let soissons: ProtocolGateway;
  const central = () => apps!.url('central');

  async function logIn(target: Page, who: { login: string; password: string }): Promise<void> {
    await target.getByLabel('Identifiant').fill(who.login);
    await target.getByLabel('Mot de passe').fill(who.password);
    await target.getByRole('button', { name: 'Se connecter' }).click();
  }

  async function expectAxeClean(target: Page, what: string): Promise<void> {
    expect({ page: what, violations: await seriousViolations(target) }).toEqual({ page: what, violations: [] });
  }

  async function protocolGateway(
    admin: string,
    insee: string,
    gatewayId: string,
    tags: Record<string, string[]>,
  ): Promise<ProtocolGateway> {
    const code = await request(`${central()}/api/communes/${insee}/enrolment-codes`, 'POST', undefined, admin);
    const enrolled = await request(`${central()}/api/enrolment`, 'POST', { code: code.body.code, gatewayId });
    expect(enrolled.status).toBe(201);
    const gateway = new ProtocolGateway(
      gatewayId,
      String(enrolled.body.credential),
      `${central().replace(/^http/, 'ws')}/api/sync`,
    );
    gateway.catalogue = buildCatalogue(
      [{ id: 'armoire', name: 'Armoire', profile: 'beffroi-sim-cabinet', tags }],
      loadProfiles(PROFILES_DIR),
      [],
    );
    await gateway.connect();
    return gateway;
  }

  beforeAll(async () => {
    apps = await ProcessHarness.start({ gatewayCentral: { reconnectMin: '100ms', reconnectMax: '1s' } });
    const admin = await apps.login(ADMIN.login, ADMIN.password);
    laon = await protocolGateway(admin, '02408', 'gw-laon-test', { 'circuit.1.command': ['eclairage-voirie'] });
    laon.close();
    soissons = await protocolGateway(admin, '02722', 'gw-soissons-test', { 'circuit.1.command': ['eclairage-stade'] });
    await waitFor(
      'the demo gateway reported its catalogue and Laon is offline',
      async () => (await request(`${central()}/api/fleet`, 'GET', undefined, admin)).body,
      (fleet: { insee: string; gateways: { online: boolean }[] }[]) =>
        fleet.find((c) => c.insee === '02691')?.gateways[0]?.online === true &&
        fleet.find((c) => c.insee === '02408')?.gateways[0]?.online === false,
      { timeoutMs: LIVE_TIMEOUT, context: () => apps!.logTail('gateway', 'central') },
    );
    browser = await BrowserHarness.start();
  });

  afterAll(async () => {
    laon.close();
    soissons.close();
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

  it('the syndicate admin creates a template on tag eclairage-voirie, previews it on one commune, pushes it to three communes where one gateway is offline and one has no output with the tag: each state appears live, the offline one turns appliqué when its gateway comes back', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, ADMIN);
    await page.getByRole('link', { name: 'Parc' }).click();
    await page.waitForURL('**/syndicat/parc');
    await waitForText(page.getByTestId('fleet-02408'), /hors ligne depuis/, LIVE_TIMEOUT);
    await expectAxeClean(page, 'parc');

    await page.getByRole('link', { name: 'Modèles' }).click();
    await page.waitForURL('**/syndicat/modeles');
    await page.getByLabel('Identifiant').fill('eclairage-syndical');
    await page.getByLabel('Nom').fill('Éclairage de voirie du syndicat');
    await page.getByLabel('Étiquette').fill('eclairage-voirie');
    await page.getByLabel('Programme (document JSON)').fill(JSON.stringify(LIGHTING));
    await page.getByRole('button', { name: 'Enregistrer le modèle' }).click();
    await waitVisible(page.getByTestId('template-eclairage-syndical'));
    await expectAxeClean(page, 'modèles');

    await page.getByTestId('template-eclairage-syndical').getByRole('button', { name: 'Diffuser' }).click();
    // Previews it on one commune: what it binds there, its week and its year at the site of those outputs.
    const preview = page.getByTestId('template-preview');
    await preview.getByLabel('Code INSEE de la commune').fill('02722');
    await preview.getByRole('button', { name: 'Prévisualiser' }).click();
    await waitForText(
      preview.getByTestId('preview-binding'),
      /gw-soissons-test.*aucune sortie avec l'étiquette eclairage-voirie dans cette commune/,
    );
    expect(await preview.getByTestId('week').count()).toBe(0);
    await preview.getByLabel('Code INSEE de la commune').fill('02691');
    await preview.getByRole('button', { name: 'Prévisualiser' }).click();
    await waitForText(
      preview.getByTestId('preview-binding'),
      /Sorties visées : .*cabinet-hotel-de-ville:circuit\.1\.command/,
    );
    await waitVisible(preview.getByTestId('week'));
    expect(await preview.getByTestId('week').locator('li.night').count()).toBe(7);
    await waitForText(preview.getByTestId('week'), /au coucher du soleil/);
    expect(await preview.getByTestId('year').locator('.strip .night').count()).toBe(365);
    await expectAxeClean(page, 'aperçu du modèle');

    await page.getByLabel('une liste de communes').check();
    await page.getByLabel(/Codes INSEE/).fill('02691 02408 02722');
    await page.getByRole('button', { name: 'Diffuser le modèle' }).click();
    await page.waitForURL('**/syndicat/diffusions/*');

    const status = (insee: string) => page.getByTestId(`target-${insee}`).getByTestId('status');
    await waitForText(status('02691'), 'appliqué', LIVE_TIMEOUT);
    await waitForText(status('02408'), 'hors ligne');
    await waitForText(status('02722'), 'aucune sortie');
    await waitForText(
      page.getByTestId('target-02722'),
      /aucune sortie avec l'étiquette eclairage-voirie dans cette commune/,
    );
    await waitForText(page.getByTestId('target-02691'), /cabinet-hotel-de-ville:circuit\.1\.command/);
    await expectAxeClean(page, 'diffusion');

    await laon.connect();
    await waitForText(status('02408'), 'appliqué', LIVE_TIMEOUT);
    expect(laon.desired.desired.schedules['eclairage-syndical']).toMatchObject({
      kind: 'lighting',
      slot: 'baseline',
      outputs: ['armoire:circuit.1.command'],
    });

    await page.getByRole('link', { name: 'Diffusions' }).click();
    await page.waitForURL('**/syndicat/diffusions');
    await waitForText(page.getByTestId('pushes'), /appliqué : 2/);

    await page.getByRole('link', { name: 'Modèles' }).click();
    await page.getByTestId('template-eclairage-syndical').getByRole('button', { name: 'Nouvelle version' }).click();
    await waitForText(page.getByRole('heading', { level: 2, name: /version 2/ }), /Éclairage de voirie du syndicat/);
    await page.getByLabel('Ce qui change').fill('extinction à 23 h');
    await page.getByRole('button', { name: 'Enregistrer le modèle' }).click();
    await waitForText(page.getByTestId('template-history'), /version 2.*extinction à 23 h.*version 1/);
    await waitForText(page.getByTestId('template-eclairage-syndical'), /version 2/);
  });

  it("takes the screenshot of a push's progress for the documentation when asked", async () => {
    const dir = process.env.BEFFROI_CONSOLE_SCREENSHOTS;
    await page.goto(`${central()}/`);
    await logIn(page, ADMIN);
    await waitVisible(page.getByRole('link', { name: 'Parc' }));
    await page.getByRole('link', { name: 'Diffusions' }).click();
    await page.getByRole('link', { name: 'Voir le détail' }).first().click();
    await page.waitForURL('**/syndicat/diffusions/*');
    await waitForText(page.getByTestId('target-02691').getByTestId('status'), 'appliqué', LIVE_TIMEOUT);
    await waitForText(page.getByTestId('target-02408').getByTestId('status'), 'appliqué', LIVE_TIMEOUT);
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'console-syndicate-push.png'), fullPage: true });
    }
  });

  it('the map shows one marker per placed site, clustered, the list beside it with the same sites, and a site with invalid coordinates listed as such', async () => {
    const admin = await apps!.login(ADMIN.login, ADMIN.password);
    const { sites } = (await request(`${central()}/api/fleet/map`, 'GET', undefined, admin)).body as {
      sites: { gatewayId: string; latitude: number | null }[];
    };
    const placed = sites.filter((s) => s.latitude !== null).length;
    expect(placed).toBeGreaterThanOrEqual(3);
    await page.goto(`${central()}/`);
    await logIn(page, ADMIN);
    await waitVisible(page.getByRole('link', { name: 'Parc' }));
    await page.getByRole('link', { name: 'Carte', exact: true }).click();
    await page.waitForURL('**/syndicat/carte');
    const map = page.getByRole('region', { name: 'Carte des sites du syndicat' });
    await waitVisible(map.locator('.marker-cluster').first());
    /** Every placed site is on the map once: alone, or counted in a cluster. */
    const onMap = async () => {
      const alone = await map.locator('.leaflet-marker-icon.site-marker').count();
      const clustered = await map.locator('.marker-cluster [aria-hidden="true"]').allTextContents();
      return alone + clustered.reduce((sum, n) => sum + Number(n), 0);
    };
    await waitFor('every placed site on the map once', onMap, (n: number) => n === placed, { timeoutMs: 10_000 });
    expect(await page.getByTestId('map-site').count()).toBe(sites.length);
    await waitForText(page.getByTestId('map-counts'), new RegExp(`${sites.length} sites, ${placed} sur la carte`));
    await waitForText(page.getByTestId('map-site').filter({ hasText: 'gw-soissons-test' }), /coordonnées invalides/);
    await waitForText(
      page.getByTestId('map-site').filter({ hasText: 'Basilique de Saint-Quentin' }),
      /49,8477, 3,2885/,
    );
    await expectAxeClean(page, 'carte');

    // Zooming into a cluster shows its sites one by one, still each once.
    const before = await map.locator('.leaflet-marker-icon.site-marker').count();
    await map.locator('.marker-cluster').first().click();
    await waitFor(
      'the cluster opened into its sites',
      async () => map.locator('.leaflet-marker-icon.site-marker').count(),
      (alone: number) => alone > before,
      { timeoutMs: 10_000 },
    );
    await waitFor('every site still once on the map', onMap, (n: number) => n === placed, { timeoutMs: 10_000 });
  });

  it('the syndicate admin creates, disables and re-enables an account and resets its password, then creates an enrolment code for a commune, shown once with what to type on the gateway', async () => {
    const NEW = { login: 'secretaire@02408', password: 'Clocher-de-Laon-2026!' };
    const logsIn = async (password: string) =>
      (await request(`${central()}/api/auth/login`, 'POST', { login: NEW.login, password })).status;
    await page.goto(`${central()}/`);
    await logIn(page, ADMIN);
    await page.getByRole('link', { name: 'Comptes', exact: true }).click();
    await page.waitForURL('**/syndicat/comptes');
    await waitForText(page.getByTestId('roles'), /Lecture seule.*voit les équipements, les programmes et les alarmes/);
    await page.getByLabel('Identifiant', { exact: true }).fill(NEW.login);
    await page.getByLabel('Nom', { exact: true }).fill('Secrétaire de mairie de Laon');
    await page.getByRole('combobox', { name: /^Rôle/ }).selectOption({ label: 'Agent de la commune' });
    await page.getByLabel(/Rattachement/).fill('02408');
    await page.getByLabel(/Mot de passe initial/).fill(NEW.password);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    const row = page.getByTestId(`account-${NEW.login}`);
    await waitForText(row.getByTestId('account-state'), 'actif');
    expect(await logsIn(NEW.password)).toBe(200);
    await expectAxeClean(page, 'comptes');

    await row.getByRole('button', { name: `Désactiver ${NEW.login}` }).click();
    await waitForText(row.getByTestId('account-state'), /désactivé le/);
    expect(await logsIn(NEW.password)).not.toBe(200);
    await row.getByRole('button', { name: `Réactiver ${NEW.login}` }).click();
    await waitForText(row.getByTestId('account-state'), 'actif');

    await row.getByRole('button', { name: `Nouveau mot de passe pour ${NEW.login}` }).click();
    await page.getByLabel(/Nouveau mot de passe pour secretaire@02408/).fill('Beffroi-de-Laon-2027?');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await waitVisible(page.getByText(/Mot de passe de secretaire@02408 changé/));
    expect(await logsIn('Beffroi-de-Laon-2027?')).toBe(200);

    await page.getByRole('link', { name: 'Enrôlement', exact: true }).click();
    await page.waitForURL('**/syndicat/enrolement');
    await page.getByLabel('Code INSEE de la commune').fill('02722');
    await page.getByRole('button', { name: 'Créer un code d’enrôlement' }).click();
    const code = (await page.getByTestId('code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}$/);
    await waitForText(page.getByTestId('enrolment-config'), new RegExp(`enrolmentCode: ${code}$`));
    await waitForText(page.getByTestId('enrolment-code'), /ce code ne sera plus affiché/);
    await expectAxeClean(page, 'enrôlement');
    const enrolled = await request(`${central()}/api/enrolment`, 'POST', { code, gatewayId: 'gw-soissons-stade' });
    expect(enrolled.status).toBe(201);
    await page.reload();
    await waitVisible(page.getByLabel('Code INSEE de la commune'));
    expect(await page.getByTestId('code').count()).toBe(0);
  });

  it('a page the admin opens while the console is still looking up their home commune is not taken away by the landing', async () => {
    // An account without a commune of its own lands on the first commune of central's list, which takes a round trip;
    // the person may click elsewhere meanwhile (on a slow line, or with a thousand communes to list).
    let answerCommunes: () => void = () => undefined;
    const communesHeld = new Promise<void>((resolve) => (answerCommunes = resolve));
    await page.route(`${central()}/api/communes`, async (route) => {
      await communesHeld;
      await route.continue();
    });
    await page.goto(`${central()}/`);
    await logIn(page, ADMIN);
    await page.getByRole('link', { name: 'Parc' }).click();
    await page.waitForURL('**/syndicat/parc');
    const communes = page.waitForResponse(`${central()}/api/communes`);
    answerCommunes();
    await (await communes).finished();
    // The console acts on the list in the tasks that follow its arrival: let the page run them before looking.
    await page.evaluate(() => new Promise((done) => setTimeout(done, 100)));
    expect(new URL(page.url()).pathname).toBe('/syndicat/parc');
    await waitForText(page.getByRole('heading', { level: 1 }), 'Parc du syndicat');
  });

  it('a commune account cannot reach the syndicate pages', async () => {
    await page.goto(`${central()}/`);
    await logIn(page, AGENT);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin', LIVE_TIMEOUT);
    expect(await page.getByRole('link', { name: 'Parc' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Modèles' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Comptes' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Enrôlement' }).count()).toBe(0);
    for (const path of [
      '/syndicat/parc',
      '/syndicat/carte',
      '/syndicat/modeles',
      '/syndicat/diffusions',
      '/syndicat/comptes',
      '/syndicat/enrolement',
    ]) {
      await page.goto(`${central()}${path}`);
      await waitForText(page.getByTestId('message-title'), 'Accès refusé');
    }
    await expectAxeClean(page, 'accès refusé');
  });
});
