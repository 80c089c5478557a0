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
const SCHEDULE = 'eclairage-hotel-de-ville';
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const READER = { login: 'lecteur@02691', password: 'demo-lecteur-02691' };
const PLANNING = '/communes/02691/planning';
const SCHEDULE_PAGE = `${PLANNING}/${GATEWAY}/${SCHEDULE}`;
/** Long enough for central to plan a year and for a desired version to reach the gateway and come back. */
const LIVE_TIMEOUT = 30_000;
/** A journey waits for several plans of a year and a round trip to the gateway, on a machine that may be busy. */
const JOURNEY_TIMEOUT = 180_000;

/** The date `YYYY-MM-DD` of the night that is `days` after tonight's at the demo site (Europe/Paris). */
function nightAfter(days: number): string {
  const now = new Date();
  const [year, month, day, hour] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  })
    .formatToParts(now)
    .filter((part) => part.type !== 'literal')
    .map((part) => Number(part.value));
  const night = Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + days - ((hour ?? 0) < 12 ? 1 : 0));
  return new Date(night).toISOString().slice(0, 10);
}

/**
 * The Planning screen in Debian's Chromium against the real built apps (simulator, central and gateway from dist/):
 * the lighting schedule of the gateway's own config edited, previewed by central with the gateway's engine, saved,
 * and followed until the gateway runs it; axe on every page.
 */
describe('the Planning screen in a real browser', () => {
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

  async function openSchedule(target: Page, who: { login: string; password: string }): Promise<void> {
    await target.goto(`${central()}${SCHEDULE_PAGE}`);
    await logIn(target, who);
    await target.waitForURL(`**${SCHEDULE_PAGE}`);
    await waitForText(target.getByRole('heading', { level: 1 }), `Programme ${SCHEDULE}`);
    await waitForText(target.getByTestId('week'), (text) => text.includes('éteint — programme'), LIVE_TIMEOUT);
  }

  async function nightCut(target: Page, from: string, to: string): Promise<void> {
    const programme = target.getByTestId('programme-nuit');
    await programme.getByLabel('Éteindre à').fill(from);
    await programme.getByLabel('Rallumer à').fill(to);
    await programme.getByRole('button', { name: 'Appliquer la coupure' }).click();
  }

  beforeAll(async () => {
    apps = await ProcessHarness.start({ gatewayCentral: { reconnectMin: '100ms', reconnectMax: '1s' } });
    const agent = await apps.login(AGENT.login, AGENT.password);
    await waitFor(
      'the gateway reported its schedules and its sites',
      async () => ({
        schedules: (await request(`${central()}/api/gateways/${GATEWAY}/schedules`, 'GET', undefined, agent)).body,
        gateway: (await request(`${central()}/api/gateways/${GATEWAY}`, 'GET', undefined, agent)).body,
      }),
      (seen: { schedules: { catalogueReported?: boolean }; gateway: { health?: { sites?: unknown[] } | null } }) =>
        seen.schedules.catalogueReported === true && (seen.gateway.health?.sites?.length ?? 0) > 0,
      { timeoutMs: LIVE_TIMEOUT, context: () => apps!.logTail('gateway', 'central') },
    );
    browser = await BrowserHarness.start();
  }, JOURNEY_TIMEOUT);

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

  it(
    'lists the schedules of the gateway, those of its own config included',
    async () => {
      await page.goto(`${central()}${PLANNING}`);
      await logIn(page, AGENT);
      await page.waitForURL(`**${PLANNING}`);
      await waitForText(page.getByRole('heading', { level: 1 }), 'Planning');
      const list = page.getByTestId(`schedules-${GATEWAY}`);
      await waitVisible(list);
      const row = list.getByTestId(`schedule-${SCHEDULE}-config`);
      expect(await row.textContent()).toContain('configuration de la passerelle');
      expect(await list.textContent()).toContain('cloches-basilique');
      await expectAxeClean(page, 'planning');
      await row.getByRole('link', { name: `Voir et modifier : ${SCHEDULE}` }).click();
      await page.waitForURL(`**${SCHEDULE_PAGE}`);
      await waitForText(page.getByTestId('schedule-status'), 'exécuté par la passerelle');
    },
    JOURNEY_TIMEOUT,
  );

  it(
    "the agent adds a night cut 23:00–05:00, sees the week timeline change before saving, saves, sees 'appliqué' once the gateway runs it",
    async () => {
      await openSchedule(page, AGENT);
      const week = page.getByTestId('week');
      expect(await week.textContent()).toContain('05:30 allumé');
      expect(await page.getByTestId('precedence').textContent()).toContain('Règle 1 (prioritaire)');
      await expectAxeClean(page, 'un programme');

      await nightCut(page, '23:00', '05:00');

      await waitForText(week, (text) => text.includes('05:00 allumé') && !text.includes('05:30 allumé'), LIVE_TIMEOUT);
      await waitVisible(page.getByTestId('week-draft'));
      expect(await page.getByTestId('unsaved').textContent()).toContain('Modifications non enregistrées');

      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await waitForText(page.getByTestId('schedule-status'), 'appliqué par la passerelle', LIVE_TIMEOUT);
      const agent = await apps!.login(AGENT.login, AGENT.password);
      const runs = (await request(`${central()}/api/gateways/${GATEWAY}/schedules`, 'GET', undefined, agent)).body as {
        schedules: { id: string; source: string; state?: string; document: { programmes: Record<string, unknown> } }[];
      };
      const desired = runs.schedules.find((s) => s.id === SCHEDULE && s.source === 'central');
      expect(desired?.state).toBe('applied');
      expect(desired?.document.programmes.nuit).toEqual({
        points: [
          { sun: 'sunset', offsetMinutes: 15, value: true },
          { at: '23:00', value: false },
          { at: '05:00', value: true },
          { sun: 'sunrise', value: false },
        ],
      });
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'adds an exception for one date, lit until 01:00, without editing the rest of the document',
    async () => {
      const date = nightAfter(2);
      await openSchedule(page, AGENT);
      const exception = page.getByTestId('exception');
      await exception.getByLabel('Date (nuit du)').fill(date);
      await exception.getByLabel('Allumé jusqu’à').fill('01:00');
      await exception.getByRole('button', { name: 'Ajouter l’exception' }).click();

      const precedence = page.getByTestId('precedence');
      await waitForText(precedence.locator('li').first(), (text) => text.includes(`exception-${date}`));
      await waitForText(
        page.locator(`[data-night="${date}"]`),
        (text) => text.includes(`01:00 éteint — programme « exception-${date} », à 01:00, règle 1`),
        LIVE_TIMEOUT,
      );
      expect(await page.locator(`[data-night="${nightAfter(1)}"]`).textContent()).toContain('23:00 éteint');

      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await waitForText(page.getByTestId('schedule-status'), 'appliqué par la passerelle', LIVE_TIMEOUT);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'shows a finding on the year strip for a document that lights in summer daylight',
    async () => {
      await openSchedule(page, AGENT);
      await waitForText(page.getByTestId('year-findings'), (text) => text.length > 0, LIVE_TIMEOUT);
      expect(await page.getByTestId('year-findings').textContent()).not.toContain('après le lever du soleil');

      await nightCut(page, '23:00', '06:30');

      await waitForText(
        page.getByTestId('year-findings'),
        (text) => text.includes('Allumé après le lever du soleil (en plein jour)'),
        LIVE_TIMEOUT,
      );
      expect(await page.getByTestId('year').locator('.tone-daylight').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('lint').textContent()).toContain('Allumé après le lever du soleil');
      const relight = page.getByTestId('programme-nuit').locator('li').filter({ hasText: 'Point 3 — à 06:30' });
      expect(await relight.textContent()).toContain('Allumé après le lever du soleil');
      await expectAxeClean(page, 'un programme, avec ses anomalies');
      await page.getByRole('button', { name: 'Annuler les modifications' }).click();
      await waitForText(page.getByTestId('year-findings'), (text) => !text.includes('après le lever'), LIVE_TIMEOUT);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'shows a read-only account the planning without any editing control',
    async () => {
      await openSchedule(page, READER);
      await waitVisible(page.getByText('Votre compte est en lecture seule'));
      expect(await page.getByRole('button', { name: 'Enregistrer' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Appliquer la coupure' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Ajouter l’exception' }).count()).toBe(0);
      expect(await page.locator('main input, main select').count()).toBe(0);
      await waitVisible(page.getByTestId('year'), LIVE_TIMEOUT);
      await expectAxeClean(page, 'un programme (lecture seule)');
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'makes the journey on a 375×812 phone',
    async () => {
      const phone = await browser!.context(PHONE);
      try {
        const small = await phone.newPage();
        await small.goto(`${central()}/`);
        await logIn(small, AGENT);
        await waitForText(small.getByRole('heading', { level: 1 }), 'Ma commune : Saint-Quentin');
        await small.getByRole('link', { name: 'Planning' }).click();
        await waitVisible(small.getByTestId(`schedules-${GATEWAY}`));
        await expectAxeClean(small, 'planning (téléphone)');
        expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
        await small.getByRole('link', { name: `Voir et modifier : ${SCHEDULE}` }).click();
        await waitForText(small.getByTestId('week'), (text) => text.includes('23:00 éteint'), LIVE_TIMEOUT);
        await nightCut(small, '22:30', '05:00');
        await waitForText(small.getByTestId('week'), (text) => text.includes('22:30 éteint'), LIVE_TIMEOUT);
        await waitVisible(small.getByTestId('year'), LIVE_TIMEOUT);
        await expectAxeClean(small, 'un programme (téléphone)');
        expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
        await small.getByRole('button', { name: 'Enregistrer' }).click();
        await waitForText(small.getByTestId('schedule-status'), 'appliqué par la passerelle', LIVE_TIMEOUT);
      } finally {
        await phone.close();
      }
    },
    JOURNEY_TIMEOUT,
  );

  it(
    "goes back to the config's version: the gateway runs its own schedule again",
    async () => {
      await openSchedule(page, AGENT);
      await waitForText(page.getByTestId('schedule-status'), 'appliqué par la passerelle', LIVE_TIMEOUT);
      await page.getByRole('button', { name: 'Revenir à la version de la configuration' }).click();
      await waitForText(page.getByTestId('schedule-status'), 'exécuté par la passerelle', LIVE_TIMEOUT);
      await waitForText(page.getByTestId('week'), (text) => text.includes('05:30 allumé'), LIVE_TIMEOUT);
      const agent = await apps!.login(AGENT.login, AGENT.password);
      const runs = (await request(`${central()}/api/gateways/${GATEWAY}/schedules`, 'GET', undefined, agent)).body as {
        schedules: { id: string; source: string; replacedBy?: string | null }[];
      };
      expect(runs.schedules.filter((s) => s.id === SCHEDULE)).toEqual([
        expect.objectContaining({ source: 'config', replacedBy: null }),
      ]);
    },
    JOURNEY_TIMEOUT,
  );
});
