import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxMessage } from '@beffroi/sync';
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
import { ProtocolGateway } from '../support/protocol-gateway';

const ADMIN = { login: 'admin@useda', password: 'demo-admin-useda' };
/** Soissons has no gateway of its own in the demo: the test's gateway is its only cabinet. */
const INSEE = '02722';
const METER = 'cabinet:meter.energy';
const CIRCUIT_1 = 'cabinet:circuit.1.command';
const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
/** Paris midnights around March 2025 and March 2024 (743 hours each: the clocks go forward on the 30th, the 31st). */
const MARCH_2025 = { start: Date.parse('2025-02-28T23:00:00Z'), end: Date.parse('2025-03-31T22:00:00Z'), kw: 1.5 };
const MARCH_2024 = { start: Date.parse('2024-02-29T23:00:00Z'), end: Date.parse('2024-03-31T22:00:00Z'), kw: 2 };
const TARIFF = {
  subscriptionPerMonth: 30,
  peakPricePerKwh: 0.2,
  offPeakPricePerKwh: 0.15,
  offPeak: [{ from: '22:00', to: '06:00' }],
};
const CO2 = { kgPerKwh: 0.06, source: 'Facteur de test', date: '2026-01-01' };
/** Long enough for central to take 4,000 readings and roll them up (every second here) on a loaded machine. */
const ROLLUP_TIMEOUT = 60_000;
/** The three apps started, the readings sent and rolled up, the browser started. */
const SETUP_TIMEOUT = 240_000;

interface Figures {
  complete: boolean;
  kwh: number;
  previousYearKwh: number;
  savingVsPreviousYearKwh: number;
  burningHours: number;
  switchOns: number;
  cost: { total: number };
  kgCo2e: number;
}

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const kwh = (value: number) => `${number.format(value)} kWh`;

/** A meter read every `step` ms over a month (and once before it), drawing a steady load. */
function readings(month: { start: number; end: number; kw: number }, index: number, step: number): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  for (let at = month.start - step; at < month.end; at += step) {
    const value = index + (month.kw * (at - month.start)) / HOUR;
    messages.push({
      class: 'telemetry',
      payload: { pointKey: METER, value, quality: { status: 'good' }, receivedAt: new Date(at).toISOString() },
    });
  }
  return messages;
}

function switching(at: string, value: boolean): OutboxMessage {
  return {
    class: 'switching',
    payload: { pointKey: CIRCUIT_1, value, source: 'schedule:eclairage', result: 'applied', at },
  };
}

/**
 * The Énergie page in Debian's Chromium against the real built apps (issue 16): a protocol-level gateway enrolled in
 * Soissons reports a meter read every quarter of an hour of March 2025 and every hour of March 2024 (dates the demo never touches, so nothing
 * depends on the hour of the run) through the real sync path, and one circuit lit twelve hours; central rolls them up
 * every second. The page's figures are checked against central's API, its downloads against central's files.
 */
describe('the Énergie page in a real browser', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let gateway: ProtocolGateway | undefined;
  let context: BrowserContext;
  let page: Page;
  let admin: string;
  let downloads: string;
  const central = () => apps!.url('central');

  async function logIn(target: Page): Promise<void> {
    await target.getByLabel('Identifiant').fill(ADMIN.login);
    await target.getByLabel('Mot de passe').fill(ADMIN.password);
    await target.getByRole('button', { name: 'Se connecter' }).click();
  }

  async function expectAxeClean(target: Page, what: string): Promise<void> {
    expect({ page: what, violations: await seriousViolations(target) }).toEqual({ page: what, violations: [] });
  }

  /** Opens Soissons' Énergie page on March 2025, chosen with the keyboard in the period form. */
  async function openMarch(target: Page): Promise<void> {
    await target.goto(`${central()}/communes/${INSEE}/energie`);
    await logIn(target);
    await waitForText(target.getByRole('heading', { level: 1 }), 'Énergie : Soissons');
    const month = target.getByLabel('Mois à afficher');
    await month.fill('2025-03');
    await month.press('Enter');
    await waitForText(target.getByTestId('energy-period'), 'Période : mars 2025');
  }

  async function download(button: string): Promise<{ name: string; path: string }> {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ]);
    const path = join(downloads, file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), path };
  }

  async function fromCentral(path: string): Promise<Buffer> {
    const response = await fetch(`${central()}${path}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  beforeAll(async () => {
    downloads = mkdtempSync(join(tmpdir(), 'beffroi-energy-'));
    apps = await ProcessHarness.start({
      central: (config) => {
        // Raw samples of 2024 and 2025 are kept long enough to be rolled up.
        config.history = { rollupEvery: '1s', rawRetentionDays: 3650, tariff: TARIFF, co2: CO2 };
      },
    });
    admin = await apps.login(ADMIN.login, ADMIN.password);
    const code = await request(`${central()}/api/communes/${INSEE}/enrolment-codes`, 'POST', undefined, admin);
    const enrolled = await request(`${central()}/api/enrolment`, 'POST', {
      code: code.body.code,
      gatewayId: 'gw-soissons-energie',
    });
    expect(enrolled.status).toBe(201);
    gateway = new ProtocolGateway(
      'gw-soissons-energie',
      String(enrolled.body.credential),
      `${central().replace(/^http/, 'ws')}/api/sync`,
    );
    await gateway.connect();
    for (const message of [
      ...readings(MARCH_2024, 20_000, HOUR),
      ...readings(MARCH_2025, 30_000, QUARTER),
      // Off before March (its state is known from the first day), lit twelve hours on the night of the 10th.
      switching('2025-02-27T06:00:00.000Z', false),
      switching('2025-03-10T18:00:00.000Z', true),
      switching('2025-03-11T06:00:00.000Z', false),
    ]) {
      gateway.append(message);
    }
    gateway.flush();
    await gateway.drained(ROLLUP_TIMEOUT);
    await waitFor(
      'central rolled up March 2025 and March 2024',
      async () =>
        (await request(`${central()}/api/communes/${INSEE}/energy?month=2025-03`, 'GET', undefined, admin)).body,
      (report: { commune: { figures: Figures } }) =>
        report.commune.figures.kwh === 743 * MARCH_2025.kw &&
        report.commune.figures.previousYearKwh === 743 * MARCH_2024.kw,
      { timeoutMs: ROLLUP_TIMEOUT, context: () => apps!.logTail('central') },
    );
    browser = await BrowserHarness.start();
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    gateway?.close();
    await browser?.close();
    await apps?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  beforeEach(async () => {
    context = await browser!.context(DESKTOP);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  it("shows the month's figures as central's report gives them, each kWh with its source, and is axe clean", async () => {
    const report = (await request(`${central()}/api/communes/${INSEE}/energy?month=2025-03`, 'GET', undefined, admin))
      .body as { commune: { figures: Figures; cabinets: { outputs: { pointKey: string; figures: Figures }[] }[] } };
    const { figures } = report.commune;
    await openMarch(page);
    await waitForText(page.getByTestId('energy-kwh'), (text) => text.includes(`${kwh(figures.kwh)} (mesuré)`));
    expect(figures.complete).toBe(true);
    expect(await page.getByRole('note').count()).toBe(0);
    expect(await page.getByTestId('energy-cost').textContent()).toContain(euros.format(figures.cost.total));
    expect(await page.getByTestId('energy-hours').textContent()).toBe(`${number.format(figures.burningHours)} h`);
    expect(await page.getByTestId('energy-switch-ons').textContent()).toBe(String(figures.switchOns));
    expect(await page.getByTestId('energy-co2').textContent()).toMatch(
      /kgCO2e\s+facteur 0,06 kgCO2e\/kWh \(source : Facteur de test, 01\/01\/2026\)/,
    );
    expect(await page.getByTestId('energy-saving-year').textContent()).toBe(
      `${kwh(figures.savingVsPreviousYearKwh)} (${kwh(figures.previousYearKwh)} (mesuré) un an plus tôt)`,
    );
    expect(await page.getByTestId('energy-saving-dusk').textContent()).toMatch(/^non calculable \(/);
    // What the test sent: 1.5 kW for 743 hours against 2 kW a year earlier, one circuit lit twelve hours once.
    expect([figures.kwh, figures.previousYearKwh, figures.burningHours, figures.switchOns]).toEqual([
      1114.5, 1486, 12, 1,
    ]);
    const months = page.getByTestId('energy-months').locator('tbody tr');
    expect(await months.count()).toBe(1);
    expect((await months.first().locator('th, td').allTextContents()).map((text) => text.trim())).toEqual([
      'mars 2025',
      `${kwh(1114.5)} (mesuré)`,
      `${kwh(1486)} (mesuré)`,
    ]);
    const circuit = page.getByTestId('energy-output').filter({ hasText: 'Départ 1' });
    expect((await circuit.locator('td').allTextContents()).slice(1, 3)).toEqual(['12', '1']);
    await waitVisible(page.getByTestId('energy-months-chart').locator('canvas'));
    await waitVisible(page.getByTestId('energy-hours-chart').locator('canvas'));
    await expectAxeClean(page, 'énergie');
  });

  it('downloads the CSV and the PDF central makes for the period shown', async () => {
    await openMarch(page);
    await waitVisible(page.getByTestId('energy-summary'));
    const csv = await download('Télécharger le tableau (CSV)');
    expect(csv.name).toBe(`energie-${INSEE}-2025-03.csv`);
    const bytes = readFileSync(csv.path);
    expect(bytes.equals(await fromCentral(`/api/communes/${INSEE}/energy/csv?month=2025-03`))).toBe(true);
    expect(bytes.toString('utf8')).toContain('\r\nCommune;Soissons;;;mesuré;1114,5;');
    const pdf = await download('Télécharger le rapport pour le conseil municipal (PDF)');
    expect(pdf.name).toBe(`energie-${INSEE}-2025-03.pdf`);
    const text = execFileSync('pdftotext', ['-layout', pdf.path, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Commune de Soissons (${INSEE})`);
    expect(text).toContain('Période : mars 2025');
    expect(text).toMatch(/Consommation : 1 115 kWh \(mesuré\)/);
  });

  it("the syndicate's report lists Soissons with the same figures, sorts by a column from the keyboard, axe clean", async () => {
    await page.goto(`${central()}/`);
    await logIn(page);
    await page.getByRole('link', { name: 'Rapport énergie' }).click();
    await page.waitForURL('**/syndicat/energie');
    const month = page.getByLabel('Mois à afficher');
    await month.fill('2025-03');
    await month.press('Enter');
    await waitForText(page.getByTestId('energy-period'), 'Période : mars 2025');
    const soissons = page.getByTestId('energy-commune').filter({ hasText: 'Soissons' });
    await waitForText(soissons.locator('td').first(), `${kwh(1114.5)} (mesuré)`);
    // Sorted by kWh, largest first: Soissons, the only commune with readings in March 2025, leads.
    await waitForText(page.getByTestId('energy-commune').first().locator('th'), 'Soissons');
    const byName = page.getByRole('button', { name: /^Trier par Commune/ });
    await byName.focus();
    await page.keyboard.press('Enter');
    const names = (await page.getByTestId('energy-commune').locator('th').allTextContents()).map((n) => n.trim());
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fr')));
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Commune');
    await expectAxeClean(page, 'énergie du syndicat');
  });

  it('fits a 375 px phone without scrolling sideways', async () => {
    const phone = await browser!.context(PHONE);
    const small = await phone.newPage();
    try {
      await openMarch(small);
      await waitForText(small.getByTestId('energy-kwh'), (text) => text.includes(`${kwh(1114.5)} (mesuré)`));
      await waitVisible(small.getByTestId('energy-months-chart').locator('canvas'));
      // The elements that stick out on the right, named so a failure says which.
      const wider = await small.evaluate(
        `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth` +
          ` && !e.closest('.scroll')).map((e) => e.tagName + '.' + e.className).slice(0, 5)`,
      );
      expect(wider).toEqual([]);
      expect(await small.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
      await expectAxeClean(small, 'énergie (téléphone)');
    } finally {
      await phone.close();
    }
  });

  it('takes the screenshot of the Énergie page for the documentation when asked', async () => {
    const dir = process.env.BEFFROI_CONSOLE_SCREENSHOTS;
    await openMarch(page);
    await waitForText(page.getByTestId('energy-kwh'), (text) => text.includes(`${kwh(1114.5)} (mesuré)`));
    await waitVisible(page.getByTestId('energy-months-chart').locator('canvas'));
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'console-energy.png'), fullPage: true });
    }
  });
});
