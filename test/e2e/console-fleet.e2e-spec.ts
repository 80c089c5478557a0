import type { BrowserContext, Page } from 'playwright-core';
import { communesOfDepartment } from '../../apps/central/src/tenants/commune-directory';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { BrowserHarness, DESKTOP, seriousViolations, waitForText, waitVisible } from '../support/browser-harness';
import { ProcessHarness, request, waitFor } from '../support/process-harness';
import { PROFILES_DIR, ProtocolGateway } from '../support/protocol-gateway';

const ADMIN = { login: 'admin@useda', password: 'demo-admin-useda' };
/** The syndicate's size in this test: the Parc renders only the rows in view of a thousand. */
const COMMUNES = 1000;
/** Long enough for a gateway's disconnection to reach the browser on a loaded machine. */
const LIVE_TIMEOUT = 30_000;

interface FleetRow {
  insee: string;
  name: string;
  gateways: { id: string; online: boolean }[];
}

/**
 * The Parc with a thousand communes in Debian's Chromium against the real built apps (issue 12, budgets): the demo
 * syndicate grown to 1,000 communes of the Aisne and the Oise, a protocol-level gateway in the first commune by name
 * (in view when the page opens) and one in the last (the 1,000th row). The grid renders a screenful, yet the last
 * gateway is reached by scrolling, by the keyboard and by the search, and a gateway going offline shows live.
 */
describe('the Parc of a thousand communes in a real browser', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext;
  let page: Page;
  let first: { commune: FleetRow; gateway: ProtocolGateway };
  let last: { commune: FleetRow; gateway: ProtocolGateway };
  const gateways: ProtocolGateway[] = [];
  const central = () => apps!.url('central');

  async function connectedGateway(admin: string, insee: string, gatewayId: string): Promise<ProtocolGateway> {
    const code = await request(`${central()}/api/communes/${insee}/enrolment-codes`, 'POST', undefined, admin);
    const enrolled = await request(`${central()}/api/enrolment`, 'POST', { code: code.body.code, gatewayId });
    expect(enrolled.status).toBe(201);
    const gateway = new ProtocolGateway(
      gatewayId,
      String(enrolled.body.credential),
      `${central().replace(/^http/, 'ws')}/api/sync`,
    );
    gateway.catalogue = buildCatalogue(
      [{ id: 'armoire', name: 'Armoire', profile: 'beffroi-sim-cabinet', tags: {} }],
      loadProfiles(PROFILES_DIR),
      [],
    );
    gateways.push(gateway);
    await gateway.connect();
    return gateway;
  }

  /** The grid's rows in the page now (rendered), as their `aria-rowindex`. */
  async function renderedRows(): Promise<number[]> {
    return page
      .locator('[data-testid="fleet"] [role="rowgroup"] + [role="rowgroup"] > [role="row"]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('aria-rowindex'))));
  }

  /** An attribute of the element that has the focus (evaluated in the page, which has a DOM; the test has none). */
  async function focused(attribute: string): Promise<unknown> {
    return page.evaluate(`document.activeElement?.getAttribute(${JSON.stringify(attribute)})`);
  }

  beforeAll(async () => {
    apps = await ProcessHarness.start();
    const admin = await apps.login(ADMIN.login, ADMIN.password);
    const joined = new Set(
      ((await request(`${central()}/api/fleet`, 'GET', undefined, admin)).body as FleetRow[]).map((c) => c.insee),
    );
    const more = ['02', '60']
      .flatMap((department) => communesOfDepartment(department))
      .map((c) => c.insee)
      .filter((insee) => !joined.has(insee))
      .slice(0, COMMUNES - joined.size);
    expect((await request(`${central()}/api/communes`, 'POST', { insee: more }, admin)).status).toBeLessThan(300);
    const fleet = (await request(`${central()}/api/fleet`, 'GET', undefined, admin)).body as FleetRow[];
    expect(fleet).toHaveLength(COMMUNES);
    // The Parc sorts by name the French way; the communes at either end must not share their name with another.
    const byName = new Intl.Collator('fr');
    const sorted = [...fleet].sort((a, b) => byName.compare(a.name, b.name));
    const alone = (c: FleetRow) => c.gateways.length === 0 && fleet.filter((o) => o.name === c.name).length === 1;
    const firstCommune = sorted.slice(0, 3).find(alone);
    const lastCommune = sorted.at(-1);
    if (firstCommune === undefined || lastCommune === undefined || !alone(lastCommune)) {
      throw new Error('the fleet needs a commune of a name of its own, without gateway, at either end');
    }
    first = { commune: firstCommune, gateway: await connectedGateway(admin, firstCommune.insee, 'gw-parc-premiere') };
    last = { commune: lastCommune, gateway: await connectedGateway(admin, lastCommune.insee, 'gw-parc-derniere') };
    await waitFor(
      'both test gateways are online in the fleet',
      async () => (await request(`${central()}/api/fleet`, 'GET', undefined, admin)).body as FleetRow[],
      (rows) =>
        [firstCommune.insee, lastCommune.insee].every(
          (insee) => rows.find((c) => c.insee === insee)?.gateways[0]?.online === true,
        ),
      { timeoutMs: LIVE_TIMEOUT, context: () => apps!.logTail('central') },
    );
    browser = await BrowserHarness.start();
  }, 180_000);

  afterAll(async () => {
    gateways.forEach((g) => g.close());
    await browser?.close();
    await apps?.close();
  });

  beforeEach(async () => {
    context = await browser!.context(DESKTOP);
    page = await context.newPage();
    await page.goto(`${central()}/`);
    await page.getByLabel('Identifiant').fill(ADMIN.login);
    await page.getByLabel('Mot de passe').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('link', { name: 'Parc' }).click();
    await page.waitForURL('**/syndicat/parc');
    await waitVisible(page.getByTestId(`fleet-${first.commune.insee}`));
  });

  afterEach(async () => {
    await context.close();
  });

  it('announces every row but renders only those in view, and passes axe', async () => {
    const grid = page.getByRole('grid', { name: 'Parc du syndicat' });
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(COMMUNES + 1));
    const rows = await renderedRows();
    expect(rows[0]).toBe(2);
    expect(rows.length).toBeLessThan(50);
    expect(await page.getByTestId(`fleet-${last.commune.insee}`).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('reaches the 1,000th commune and its gateway by scrolling to the bottom of the grid', async () => {
    await page.getByTestId('fleet').hover();
    const lastRow = page.getByTestId(`fleet-${last.commune.insee}`);
    for (let i = 0; i < 400 && (await lastRow.count()) === 0; i++) await page.mouse.wheel(0, 2000);
    await waitForText(lastRow, /en ligne depuis [\s\S]*gw-parc-derniere/);
    expect(await lastRow.getAttribute('aria-rowindex')).toBe(String(COMMUNES + 1));
    // The rows at the bottom, and the first row kept as the grid's tab stop: still not the thousand.
    const rows = await renderedRows();
    expect([rows[0], rows.at(-1)]).toEqual([2, COMMUNES + 1]);
    expect(rows.length).toBeLessThan(50);
  });

  it('reaches the 1,000th commune by the keyboard, and keeps the focused row when scrolled away', async () => {
    const firstRow = page.getByTestId(`fleet-${first.commune.insee}`);
    await firstRow.focus();
    await page.keyboard.press('ArrowDown');
    expect(await focused('aria-rowindex')).toBe('3');
    await page.keyboard.press('End');
    const lastRow = page.getByTestId(`fleet-${last.commune.insee}`);
    await waitForText(lastRow, /gw-parc-derniere/);
    expect(await focused('data-testid')).toBe(`fleet-${last.commune.insee}`);
    await page.keyboard.press('Home');
    expect(await focused('data-testid')).toBe(`fleet-${first.commune.insee}`);
    // Scrolled to the far end by the wheel, the focused first row stays in the page and keeps the focus.
    await page.getByTestId('fleet').hover();
    for (let i = 0; i < 400 && (await lastRow.count()) === 0; i++) await page.mouse.wheel(0, 2000);
    await waitVisible(lastRow);
    expect(await focused('data-testid')).toBe(`fleet-${first.commune.insee}`);
    await page.keyboard.press('ArrowDown');
    expect(await focused('aria-rowindex')).toBe('3');
  });

  it('finds the 1,000th commune by the search, its gateway included', async () => {
    await page.getByLabel('Rechercher une commune, un code INSEE ou une passerelle').fill('gw-parc-derniere');
    const lastRow = page.getByTestId(`fleet-${last.commune.insee}`);
    await waitForText(lastRow, /gw-parc-derniere/);
    expect(await page.getByRole('grid', { name: 'Parc du syndicat' }).getAttribute('aria-rowcount')).toBe('2');
    expect(await renderedRows()).toEqual([2]);
  });

  it('shows live a gateway of a row in view going offline', async () => {
    const firstRow = page.getByTestId(`fleet-${first.commune.insee}`);
    await waitForText(firstRow, /en ligne depuis [\s\S]*gw-parc-premiere/);
    first.gateway.close();
    await waitForText(firstRow, /hors ligne depuis [\s\S]*gw-parc-premiere/, LIVE_TIMEOUT);
  });
});
