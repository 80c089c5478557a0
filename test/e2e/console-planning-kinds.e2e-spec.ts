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
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const PLANNING = '/communes/02691/planning';
const LIGHTING_PAGE = `${PLANNING}/${GATEWAY}/eclairage-hotel-de-ville`;
const HEATING_PAGE = `${PLANNING}/${GATEWAY}/chauffage-salle-des-fetes`;
const BELLS_PAGE = `${PLANNING}/${GATEWAY}/cloches-basilique`;
/** Long enough for central to plan a year and for a desired version to reach the gateway and come back. */
const LIVE_TIMEOUT = 30_000;
/** A journey waits for several plans and a round trip to the gateway, on a machine that may be busy. */
const JOURNEY_TIMEOUT = 180_000;

/** The date `YYYY-MM-DD` of the night that is `days` after tonight's at the demo site (Europe/Paris). */
function nightAfter(days: number): string {
  const [year, month, day, hour] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  })
    .formatToParts(new Date())
    .filter((part) => part.type !== 'literal')
    .map((part) => Number(part.value));
  const night = Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + days - ((hour ?? 0) < 12 ? 1 : 0));
  return new Date(night).toISOString().slice(0, 10);
}

/**
 * The Planning screen beyond lighting programmes, in Debian's Chromium against the real built apps: every kind of
 * calendar rule added and edited in place with the week updating before saving, and the heating and bell schedules
 * of the gateway's config edited, checked inline, saved and followed until the gateway runs them; axe on every page.
 */
describe('the Planning screen: calendar rules, heating and bells in a real browser', () => {
  let apps: ProcessHarness | undefined;
  let browser: BrowserHarness | undefined;
  let context: BrowserContext;
  let page: Page;
  const central = () => apps!.url('central');

  async function logIn(target: Page): Promise<void> {
    await target.getByLabel('Identifiant').fill(AGENT.login);
    await target.getByLabel('Mot de passe').fill(AGENT.password);
    await target.getByRole('button', { name: 'Se connecter' }).click();
  }

  async function expectAxeClean(target: Page, what: string): Promise<void> {
    expect({ page: what, violations: await seriousViolations(target) }).toEqual({ page: what, violations: [] });
  }

  async function open(target: Page, path: string, title: string): Promise<void> {
    await target.goto(`${central()}${path}`);
    await logIn(target);
    await target.waitForURL(`**${path}`);
    await waitForText(target.getByRole('heading', { level: 1 }), `Programme ${title}`);
  }

  /** Types a value into an input that commits on change (leaving the field). */
  async function enter(target: Page | ReturnType<Page['getByTestId']>, label: string, value: string): Promise<void> {
    const input = target.getByLabel(label, { exact: true });
    await input.fill(value);
    await input.press('Tab');
  }

  async function desiredDocument(scheduleId: string): Promise<{ state?: string; document: Record<string, unknown> }> {
    const agent = await apps!.login(AGENT.login, AGENT.password);
    const runs = (await request(`${central()}/api/gateways/${GATEWAY}/schedules`, 'GET', undefined, agent)).body as {
      schedules: { id: string; source: string; state?: string; document: Record<string, unknown> }[];
    };
    const found = runs.schedules.find((s) => s.id === scheduleId && s.source === 'central');
    if (found === undefined) throw new Error(`no desired schedule ${scheduleId}`);
    return found;
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
    'adds a weekdays rule, which the page could not add before, sees every night of the week follow it before saving, then edits it in place into one date',
    async () => {
      await open(page, LIGHTING_PAGE, 'eclairage-hotel-de-ville');
      const week = page.getByTestId('week');
      await waitForText(week, (text) => text.includes('23:00 éteint'), LIVE_TIMEOUT);
      const form = page.getByTestId('rule-form');
      await form.getByLabel('Type de règle').selectOption('weekdays');
      for (const day of ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche']) {
        await form.getByLabel(day, { exact: true }).check();
      }
      await form.getByLabel('Programme', { exact: true }).selectOption('toute-la-nuit');
      await expectAxeClean(page, 'un programme, la règle des jours de la semaine');
      await form.getByRole('button', { name: 'Ajouter une règle' }).click();

      const precedence = page.getByTestId('precedence');
      await waitForText(precedence.locator('li').nth(2), (text) =>
        text.includes('les lundis, mardis, mercredis, jeudis, vendredis, samedis, dimanches'),
      );
      await waitForText(week, (text) => !text.includes('23:00 éteint'), LIVE_TIMEOUT);
      expect(await page.locator(`[data-night="${nightAfter(1)}"]`).textContent()).toContain(
        'programme « toute-la-nuit »',
      );
      await waitVisible(page.getByTestId('week-draft'));

      await page.getByRole('button', { name: 'Modifier la règle 3' }).click();
      expect(await form.getByLabel('Type de règle').inputValue()).toBe('weekdays');
      await form.getByLabel('Type de règle').selectOption('dates');
      await form.getByLabel('Dates (AAAA-MM-JJ, séparées par des virgules)').fill('14/07');
      await form.getByRole('button', { name: 'Remplacer la règle 3' }).click();
      await waitForText(form.getByRole('alert'), 'Indiquez des dates réelles au format AAAA-MM-JJ.');
      await form.getByLabel('Dates (AAAA-MM-JJ, séparées par des virgules)').fill(nightAfter(1));
      await form.getByRole('button', { name: 'Remplacer la règle 3' }).click();

      await waitForText(
        precedence.locator('li').nth(2),
        (text) => text.includes('Règle 3') && !text.includes('lundis'),
      );
      expect(await precedence.locator('li').count()).toBe(4);
      await waitForText(
        page.locator(`[data-night="${nightAfter(2)}"]`),
        (text) => text.includes('23:00 éteint'),
        LIVE_TIMEOUT,
      );
      expect(await page.locator(`[data-night="${nightAfter(1)}"]`).textContent()).toContain('règle 3');
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'edits the heating schedule: the 19 °C rule flagged inline, a period moved and the eco setpoint lowered, saved and applied by the gateway',
    async () => {
      await open(page, HEATING_PAGE, 'chauffage-salle-des-fetes');
      await waitForText(page.getByTestId('schedule-status'), 'exécuté par la passerelle');
      await waitForText(page.getByTestId('days'), (text) => text.includes('hors gel (8 °C)'), LIVE_TIMEOUT);
      await expectAxeClean(page, 'un programme de chauffage');

      const setpoints = page.getByTestId('setpoints');
      await enter(setpoints, 'Consigne confort (°C)', '20');
      await waitForText(setpoints, (text) => text.includes('au-dessus des 19 °C autorisés'));
      await waitForText(
        page.getByTestId('lint'),
        (text) => text.includes('Consigne au-dessus de la limite légale'),
        LIVE_TIMEOUT,
      );
      await enter(setpoints, 'Consigne éco (°C)', '20.5');
      await waitForText(setpoints.getByRole('alert'), 'Les consignes descendent du confort à l’éco puis au hors gel.');
      await enter(setpoints, 'Consigne confort (°C)', '19');
      await enter(setpoints, 'Consigne éco (°C)', '15.5');
      await waitForText(page.getByTestId('lint'), (text) => !text.includes('limite légale'), LIVE_TIMEOUT);

      const club = page.getByTestId('programme-club');
      await enter(club, 'À partir de (Période 2)', '17:00');
      await waitForText(page.getByTestId('days'), (text) => text.includes('17:00 éco (15,5 °C)'), LIVE_TIMEOUT);
      await waitVisible(page.getByTestId('days-draft'));
      await expectAxeClean(page, 'un programme de chauffage modifié');

      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await waitForText(page.getByTestId('schedule-status'), 'appliqué par la passerelle', LIVE_TIMEOUT);
      const desired = await desiredDocument('chauffage-salle-des-fetes');
      expect(desired.state).toBe('applied');
      expect(desired.document.setpoints).toEqual({ comfort: 19, eco: 15.5, frost: 8 });
      expect((desired.document.programmes as Record<string, unknown>).club).toEqual({
        points: [
          { at: '12:00', value: 'comfort' },
          { at: '17:00', value: 'eco' },
          { at: '21:00', value: 'frost' },
        ],
      });
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'edits the bell schedule: an hourly ring ending before it starts is refused, the evening hours removed move the quiet hours before saving, then applied by the gateway',
    async () => {
      await open(page, BELLS_PAGE, 'cloches-basilique');
      const quiet = page.getByTestId('quiet-hours');
      await waitForText(quiet, (text) => text.includes('silence de 21:00 à 07:00'));
      await waitForText(page.getByTestId('days'), (text) => text.includes('Angélus'), LIVE_TIMEOUT);
      await expectAxeClean(page, 'un programme de cloches');

      const ordinaire = page.getByTestId('programme-ordinaire');
      await enter(ordinaire, 'Jusqu’à (Sonnerie 6)', '20:00');
      await waitForText(ordinaire.getByRole('alert'), 'La fin doit venir après le début, le même jour.');
      await ordinaire.getByRole('button', { name: 'Retirer la sonnerie 6' }).click();
      await waitForText(quiet, (text) => text.includes('silence de 19:05 à 07:00'));
      await waitVisible(page.getByTestId('unsaved'));

      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await waitForText(page.getByTestId('schedule-status'), 'appliqué par la passerelle', LIVE_TIMEOUT);
      const desired = await desiredDocument('cloches-basilique');
      const rings = (desired.document.programmes as Record<string, { rings: unknown[] }>).ordinaire?.rings;
      expect(rings).toHaveLength(5);
      expect(rings?.at(-1)).toEqual({ at: '19:05', sequence: 'angelus' });
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'makes the heating journey on a 375×812 phone',
    async () => {
      const phone = await browser!.context(PHONE);
      try {
        const small = await phone.newPage();
        await open(small, HEATING_PAGE, 'chauffage-salle-des-fetes');
        await waitForText(small.getByTestId('days'), (text) => text.includes('21:00 hors gel'), LIVE_TIMEOUT);
        await expectAxeClean(small, 'un programme de chauffage (téléphone)');
        expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
        await enter(small.getByTestId('programme-club'), 'À partir de (Période 3)', '21:30');
        await waitForText(small.getByTestId('days'), (text) => text.includes('21:30 hors gel'), LIVE_TIMEOUT);
        expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      } finally {
        await phone.close();
      }
    },
    JOURNEY_TIMEOUT,
  );
});
