import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import type { ReadyMessage } from '@beffroi/runtime';
import { RunConfigs } from '../../tools/run-configs';
import {
  BrowserHarness,
  DESKTOP,
  PHONE,
  seriousViolations,
  waitForText,
  waitGone,
  waitVisible,
} from '../support/browser-harness';
import { LOCAL_CREDENTIAL_ENV } from '../support/local-credential';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { waitFor } from '../support/wait-for';

const ROOT = resolve(__dirname, '..', '..');
const ADMIN = { login: 'admin@useda', password: 'demo-admin-useda' };
const AGENT = { login: 'agent@02691', password: 'demo-agent-02691' };
const READY_TIMEOUT_MS = 90_000;

interface Running {
  readonly app: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly ready: ReadyMessage;
}

/**
 * The commissioning journey in Debian's Chromium (issue 17, item 5) against processes from dist/: a simulator with a
 * street cabinet the gateway polls and, on a spare Modbus TCP endpoint, a new cabinet (unit 1) and a bell controller
 * (unit 3) the gateway does not know yet; the gateway serving its commissioning pages over HTTPS (its generated
 * certificate), not enrolled; and central, for the enrolment typed on the page.
 */
describe('commissioning a cabinet from the pages the gateway serves', () => {
  let dir: string;
  let runConfigs: RunConfigs;
  const running: Running[] = [];
  let browser: BrowserHarness | undefined;
  let gateway: string;
  let central: string;
  let ports: Record<string, number>;
  let simulatorControl: string;
  let centralConfig: string;
  /** A serial line (socat pty pair): the simulator's bell controller on one end, scanned from the page on the other. */
  let pty: PtyPair | undefined;
  const secret = () => process.env[LOCAL_CREDENTIAL_ENV] ?? '';
  const authorization = `Basic ${Buffer.from(`local:${secret()}`).toString('base64')}`;

  async function start(app: 'simulator' | 'central' | 'gateway', config: string): Promise<ReadyMessage> {
    const logFile = join(dir, `${app}.log`);
    const log = openSync(logFile, 'a');
    const child = fork(join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), ['--config', config], {
      cwd: ROOT,
      stdio: ['ignore', log, log, 'ipc'],
      env: { ...process.env, TZ: 'UTC' },
    });
    closeSync(log);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const ready = await new Promise<ReadyMessage>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`${app} not ready:\n${tail(logFile)}`)), READY_TIMEOUT_MS);
      child.once('message', (message: ReadyMessage) => {
        clearTimeout(timer);
        resolveReady(message);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${app} exited:\n${tail(logFile)}`));
      });
    });
    running.push({ app, child, exited, ready });
    return ready;
  }

  /** SIGKILL: central is gone at once, as when the cabinet's 4G link drops. */
  async function kill(app: string): Promise<void> {
    const index = running.findIndex((entry) => entry.app === app);
    const entry = running[index];
    if (entry === undefined) throw new Error(`${app} is not running`);
    running.splice(index, 1);
    entry.child.kill('SIGKILL');
    await entry.exited;
  }

  function tail(file: string): string {
    try {
      return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '(no output)';
    }
  }

  function writeYaml(name: string, config: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, stringify(config));
    return path;
  }

  /** A browser context that trusts the gateway's self-signed certificate, as the engineer did the first time. */
  async function context(viewport: { width: number; height: number }): Promise<BrowserContext> {
    return browser!.browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'UTC', ignoreHTTPSErrors: true });
  }

  async function logInLocally(page: Page, password: string): Promise<void> {
    await page.getByLabel('Secret local (utilisateur « local »)').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  /** A new page of `shot` at the commissioning page `path` (under `/mise-en-service/`), logged in locally there. */
  async function openLoggedIn(shot: BrowserContext, path: string): Promise<Page> {
    const page = await shot.newPage();
    await page.goto(`${gateway}/mise-en-service/${path}`);
    await logInLocally(page, secret());
    await page.waitForURL(`**/mise-en-service/${path}`);
    return page;
  }

  async function expectAxeClean(page: Page, what: string): Promise<void> {
    expect({ page: what, violations: await seriousViolations(page) }).toEqual({ page: what, violations: [] });
  }

  /** With `BEFFROI_CONSOLE_SCREENSHOTS` naming a folder, the documentation's screenshot `name` of the page as it is. */
  async function screenshot(page: Page, name: string): Promise<void> {
    const folder = process.env.BEFFROI_CONSOLE_SCREENSHOTS;
    if (folder === undefined) return;
    mkdirSync(folder, { recursive: true });
    await page.screenshot({ path: join(folder, name), fullPage: true });
  }

  const menu = (page: Page) => page.getByRole('navigation', { name: 'Navigation de la mise en service' });

  async function centralToken(account: { login: string; password: string }): Promise<string> {
    const login = await fetch(`${central}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    return ((await login.json()) as { token: string }).token;
  }

  /** The procès-verbaux central lists for Saint-Quentin, as the commune's agent sees them. */
  async function centralReports(): Promise<{ id: string; gatewayId: string; engineer: string }[]> {
    const answer = await fetch(`${central}/api/communes/02691/commissioning-reports`, {
      headers: { authorization: `Bearer ${await centralToken(AGENT)}` },
    });
    return (await answer.json()) as { id: string; gatewayId: string; engineer: string }[];
  }

  interface GatewaySync {
    state: string;
    outbox: { commissioningReport: number };
  }

  async function scanSpare(page: Page): Promise<void> {
    await menu(page).getByRole('link', { name: 'Scanner un bus' }).click();
    await page.waitForURL('**/mise-en-service/scan');
    await page.getByLabel('Modbus TCP').check();
    await page.getByLabel('Adresse IP ou nom').fill('127.0.0.1');
    await page.getByLabel('Port TCP').fill(String(ports.spare));
    await page.getByLabel('Unités', { exact: true }).fill('1-4');
    await page.getByRole('button', { name: 'Lancer le scan' }).click();
    await waitForText(page.getByTestId('scan-result').getByRole('heading', { level: 2 }), /^Scan terminé/, 30_000);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-commissioning-'));
    runConfigs = new RunConfigs({ configDir: join(ROOT, 'config'), ephemeral: true, keep: false }, ROOT);
    pty = await openPtyPair();
    const simulator = await start(
      'simulator',
      writeYaml('simulator.yaml', {
        control: { host: '127.0.0.1', port: 0 },
        modbus: [
          {
            id: 'street',
            transport: { type: 'tcp', host: '127.0.0.1', port: 0 },
            devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, circuits: 4 }],
          },
          {
            id: 'spare',
            transport: { type: 'tcp', host: '127.0.0.1', port: 0 },
            devices: [
              { id: 'new-cabinet', kind: 'lighting-cabinet', unit: 1, circuits: 4 },
              { id: 'new-bells', kind: 'bell-controller', unit: 3, bells: 3 },
            ],
          },
          {
            id: 'belfry',
            transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
            devices: [{ id: 'rtu-bells', kind: 'bell-controller', unit: 5 }],
          },
        ],
      }),
    );
    ports = simulator.ports ?? {};
    simulatorControl = `http://${simulator.http.host}:${simulator.http.port}`;
    centralConfig = runConfigs.central();
    const centralReady = await start('central', centralConfig);
    central = `http://${centralReady.http.host}:${centralReady.http.port}`;
    // Started again, central listens where the gateway's config says it is.
    const pinned = parse(readFileSync(centralConfig, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      centralConfig,
      stringify({ ...pinned, http: { ...(pinned.http as object), port: centralReady.http.port } }),
    );
    const gatewayReady = await start(
      'gateway',
      writeYaml('gateway.yaml', {
        gateway: { id: 'gw-mise-en-service' },
        commune: { insee: '02691', name: 'Saint-Quentin' },
        sites: [{ id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
        http: { host: '127.0.0.1', port: 0, tls: {} },
        storage: { path: join(dir, 'gateway.sqlite') },
        localAccess: { passwordEnv: LOCAL_CREDENTIAL_ENV },
        // The test sequence switches each circuit on and back off at once.
        control: { minimumOnOff: '0s' },
        profilesDir: join(ROOT, 'config', 'profiles'),
        central: {
          url: central,
          credentialFile: join(dir, 'gateway-credential'),
          reconnectMin: '100ms',
          reconnectMax: '1s',
        },
        buses: [
          {
            id: 'street',
            protocol: 'modbus-tcp',
            host: '127.0.0.1',
            port: ports.street,
            equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
          },
        ],
      }),
    );
    gateway = `https://127.0.0.1:${gatewayReady.http.port}`;
    browser = await BrowserHarness.start();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const { child, exited } of running.reverse()) {
      child.kill('SIGTERM');
      await exited;
    }
    await pty?.close();
    runConfigs.cleanUp();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the local API without a credential, and the pages send to their login, which refuses a wrong secret', async () => {
    const shot = await context(DESKTOP);
    try {
      const answer = await shot.request.get(`${gateway}/commissioning/scans`);
      expect([answer.status(), ((await answer.json()) as { code: string }).code]).toEqual([401, 'UNAUTHENTICATED']);

      const page = await shot.newPage();
      await page.goto(`${gateway}/`);
      await page.waitForURL('**/mise-en-service/connexion?retour=%2Fmise-en-service%2F');
      await waitForText(page.getByRole('heading', { level: 1 }), 'Connexion à la passerelle');
      await waitForText(page.getByText('gw-mise-en-service · Saint-Quentin (02691)'), /gw-mise-en-service/);
      await expectAxeClean(page, 'connexion');
      await logInLocally(page, 'not the secret');
      await waitForText(page.getByRole('alert'), /La passerelle refuse ces identifiants\./);
      await page.getByLabel('un jeton de terrain').check();
      await page.getByRole('textbox', { name: 'Jeton de terrain' }).fill('Wq3Zk');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await waitForText(page.getByRole('alert'), /n’est pas un jeton de terrain/);

      // A session the gateway no longer accepts (its secret changed): back to the login, saying why.
      const stale = JSON.stringify({
        via: 'local-credential',
        authorization: `Basic ${Buffer.from('local:old secret').toString('base64')}`,
        login: 'local',
      });
      await page.evaluate(`sessionStorage.setItem('beffroi.gateway-session', ${JSON.stringify(stale)})`);
      await page.goto(`${gateway}/mise-en-service/scan`);
      await page.getByLabel('Adresse IP ou nom').fill('127.0.0.1');
      await page.getByRole('button', { name: 'Lancer le scan' }).click();
      await page.waitForURL('**/mise-en-service/connexion?retour=%2Fmise-en-service%2Fscan&motif=expiree');
      await waitForText(page.getByRole('status'), /ne reconnaît plus vos identifiants/);
    } finally {
      await shot.close();
    }
  }, 120_000);

  it('logs in with the local credential, refuses a bus it polls in French, scans the spare endpoint and identifies a unit', async () => {
    const shot = await context(DESKTOP);
    try {
      const page = await shot.newPage();
      await page.goto(`${gateway}/mise-en-service/scan`);
      await page.waitForURL('**/mise-en-service/connexion?**');
      await logInLocally(page, secret());
      // Back where the engineer was going; the menu is the commissioning pages only.
      await page.waitForURL('**/mise-en-service/scan');
      expect(await menu(page).getByRole('link').allInnerTexts()).toEqual([
        'Mise en service',
        'Scanner un bus',
        'Raccorder',
        'Essais',
        'Procès-verbal',
      ]);

      await page.getByLabel('Modbus TCP').check();
      await page.getByLabel('Adresse IP ou nom').fill('127.0.0.1');
      await page.getByLabel('Port TCP').fill(String(ports.street));
      await page.getByRole('button', { name: 'Lancer le scan' }).click();
      await waitForText(page.getByRole('alert'), /un bus que la passerelle interroge déjà/);
      await waitForText(page.getByRole('alert'), /is bus street, which the gateway polls/);

      await scanSpare(page);
      await waitForText(page.getByTestId('scan-found'), '2 équipements trouvés');
      const cabinet = page.getByTestId('unit-1');
      await waitForText(cabinet, /Beffroi · SIM-AEP · révision .* · SIM-AEP-4/);
      await waitForText(page.getByTestId('unit-1-profile'), /\(beffroi-sim-cabinet\)/);
      await waitForText(page.getByTestId('unit-3-profile'), /\(beffroi-sim-bells\)/);
      await expectAxeClean(page, 'scan');

      await cabinet.getByRole('button', { name: 'Identifier' }).click();
      await waitForText(page.getByTestId('unit-1-identified'), /^Identifié à nouveau : Beffroi · SIM-AEP/);
      await screenshot(page, 'console-commissioning.png');
    } finally {
      await shot.close();
    }
  }, 120_000);

  it('works on a 375 px phone: the scan and its results fit the screen', async () => {
    const shot = await context(PHONE);
    try {
      const page = await openLoggedIn(shot, '');
      await scanSpare(page);
      await waitVisible(page.getByTestId('unit-3'));
      expect(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
      await expectAxeClean(page, 'scan (375 px)');
    } finally {
      await shot.close();
    }
  }, 120_000);

  it('binds a device the scan found: live check, binding, the equipment polled, the backup and history shown', async () => {
    const shot = await context(DESKTOP);
    try {
      const page = await openLoggedIn(shot, '');
      await scanSpare(page);
      await page
        .getByTestId('unit-1')
        .getByRole('link', { name: /^Raccorder/ })
        .click();
      await page.waitForURL('**/mise-en-service/raccorder?**');
      await waitForText(page.getByRole('heading', { level: 1 }), 'Raccorder un équipement');
      expect(await page.getByLabel('Profil').inputValue()).toBe('beffroi-sim-cabinet');
      expect(await page.getByLabel('Identifiant du nouveau bus').inputValue()).toBe(`tcp-127-0-0-1-${ports.spare}`);

      await page.getByRole('button', { name: 'Vérifier en direct' }).click();
      await waitForText(page.getByTestId('check-summary'), /Tous les points sont lus et plausibles/);
      await waitForText(page.getByTestId('check-circuit.1.command'), /conforme/);
      await expectAxeClean(page, 'raccorder');

      // A wrong id is said next to its field, before anything is sent.
      await page.getByLabel('Identifiant de l’équipement').fill('Armoire Neuve');
      await page.getByRole('button', { name: 'Raccorder', exact: true }).click();
      await waitForText(page.locator('#bind-id-error'), /Indiquez un identifiant/);
      // The gateway's own refusal (an id the config has already) is said next to the field it names.
      await page.getByLabel('Identifiant de l’équipement').fill('cabinet');
      await page.getByRole('button', { name: 'Raccorder', exact: true }).click();
      await waitForText(page.locator('#bind-id-error'), /cabinet/);

      await page.getByLabel('Identifiant de l’équipement').fill('armoire-neuve');
      await page.getByLabel('Nom', { exact: true }).fill('Armoire neuve');
      await page.getByLabel('Site').selectOption('mairie');
      await page.getByRole('button', { name: 'Raccorder', exact: true }).click();
      await waitForText(page.getByTestId('bound'), /Équipement armoire-neuve raccordé sur le bus tcp-127-0-0-1-/);
      await waitForText(page.getByTestId('bound'), /gateway\..*\.yaml/);
      await waitForText(page.getByTestId('equipment-armoire-neuve'), /en ligne/, 30_000);
      await waitForText(page.getByTestId('config-history'), /raccordement de armoire-neuve par local/);
      await expectAxeClean(page, 'raccorder (raccordé)');
      await screenshot(page, 'console-commissioning-raccorder.png');
    } finally {
      await shot.close();
    }
  }, 180_000);

  it('runs the test sequence under lock-out: the broken circuit fails, the prompts are answered, then the procès-verbal is made and its PDF downloaded', async () => {
    const shot = await context(DESKTOP);
    const inputs = (body: unknown) =>
      fetch(`${simulatorControl}/devices/cabinet/inputs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      // Circuit 3's auxiliary contact no longer follows its contactor.
      expect((await inputs({ stuckFeedback: [{ circuit: 3, value: false }] })).status).toBeLessThan(300);
      const page = await openLoggedIn(shot, 'essais');
      await page.getByLabel('Équipement à essayer').selectOption('cabinet');
      await page.getByRole('button', { name: 'Lancer les essais' }).click();
      // The first alarm check waits for someone at the cabinet; meanwhile the outputs are locked out in the engineer's name.
      await waitVisible(page.getByTestId('prompt'), 60_000);
      await waitForText(page.getByTestId('lockouts'), /consignée par local/);
      await expectAxeClean(page, 'essais');
      // Each alarm check in turn asks for someone at the cabinet: the engineer skips them.
      const prompt = page.getByTestId('prompt');
      for (let answered = 0; answered < 10; answered += 1) {
        await page.locator('[data-testid="prompt"], [data-testid="lifted"]').first().waitFor({ timeout: 60_000 });
        if (await page.getByTestId('lifted').isVisible()) break;
        const promptText = () =>
          page.evaluate<string>(`document.querySelector('[data-testid="prompt"]')?.textContent ?? ''`);
        const asked = await promptText();
        await prompt.getByRole('button', { name: 'Passer (non réalisable)' }).click();
        await waitFor('the next prompt or the end of the run', promptText, (text) => text !== asked, {
          timeoutMs: 60_000,
        });
      }
      await waitVisible(page.getByTestId('lifted'), 60_000);
      await waitForText(page.getByRole('heading', { level: 2, name: /Essais de cabinet/ }), /non conformes/);
      // The circuit's own step (not the restore step of the same output).
      const broken = page
        .locator('[data-testid^="step-"]')
        .filter({ hasText: 'cabinet:circuit.3.command' })
        .filter({ hasText: 'Départ' });
      await waitForText(broken.first(), /non conforme/);
      await waitForText(broken.first(), /marche : /);
      await waitForText(page.getByTestId('lockouts'), /libre/);
      await screenshot(page, 'console-commissioning-essais.png');

      await page.getByRole('link', { name: 'Faire le procès-verbal de ces essais' }).click();
      await page.waitForURL('**/mise-en-service/proces-verbal?essai=**');
      await page.getByLabel('Résistance d’isolement (MΩ)').fill('250');
      await page.getByLabel('Résistance de la prise de terre (Ω)').fill('douze');
      await page.getByLabel('Temps de déclenchement du différentiel (ms)').fill('28');
      await page.getByLabel('Technicien').fill('Jeanne Dupont');
      await page.getByRole('button', { name: 'Créer le procès-verbal' }).click();
      await waitForText(page.locator('#report-earth-error'), /entre 0 et 10000 Ω/);
      await page.getByLabel('Résistance de la prise de terre (Ω)').fill('12,5');
      await page.getByRole('button', { name: 'Créer le procès-verbal' }).click();
      await waitForText(page.getByRole('status'), 'Procès-verbal créé.');
      await expectAxeClean(page, 'procès-verbal');
      await screenshot(page, 'console-commissioning-proces-verbal.png');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Télécharger le PDF' }).first().click(),
      ]);
      const file = await download.path();
      expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(download.suggestedFilename()).toMatch(/^proces-verbal-.+\.pdf$/);
    } finally {
      await inputs({ stuckFeedback: [] });
      await shot.close();
    }
  }, 300_000);

  it('works on a 375 px phone: the pages Raccorder, Essais and Procès-verbal fit the screen', async () => {
    const shot = await context(PHONE);
    try {
      const page = await openLoggedIn(shot, 'raccorder');
      await waitVisible(page.getByTestId('equipment-armoire-neuve'));
      const wide = () => page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
      expect(await wide()).toBe(false);
      await menu(page).getByRole('link', { name: 'Essais' }).click();
      await page.getByRole('button', { name: 'Afficher' }).first().click();
      await waitVisible(page.getByTestId('test-run'));
      expect(await wide()).toBe(false);
      await expectAxeClean(page, 'essais (375 px)');
      await menu(page).getByRole('link', { name: 'Procès-verbal' }).click();
      await waitVisible(page.getByRole('button', { name: 'Télécharger le PDF' }).first());
      expect(await wide()).toBe(false);
    } finally {
      await shot.close();
    }
  }, 120_000);

  it('enrols the gateway with the code typed on the page: a wrong code refused, central out of reach said without using the code up, then the sync started', async () => {
    const shot = await context(DESKTOP);
    try {
      const page = await shot.newPage();
      await page.goto(`${gateway}/mise-en-service/`);
      await logInLocally(page, secret());
      await waitForText(page.getByTestId('sync-state'), 'non enrôlée');
      await expectAxeClean(page, 'mise en service');
      await page.getByLabel('Code d’enrôlement').fill('NOT-A-CODE');
      await page.getByRole('button', { name: 'Enrôler' }).click();
      await waitForText(page.getByRole('alert'), /Le central refuse ce code/);

      const login = await fetch(`${central}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const { token } = (await login.json()) as { token: string };
      const made = await fetch(`${central}/api/communes/02691/enrolment-codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      const { code } = (await made.json()) as { code: string };

      // Central out of reach: the pages still work (they are the gateway's), and the page says why nothing changed.
      await kill('central');
      await page.reload();
      await waitForText(page.getByTestId('sync-state'), 'non enrôlée');
      await page.getByLabel('Code d’enrôlement').fill(code);
      await page.getByRole('button', { name: 'Enrôler' }).click();
      await waitForText(page.getByRole('alert'), /Le central est injoignable : rien n’a été changé/);

      await start('central', centralConfig);
      await page.getByLabel('Code d’enrôlement').fill(code);
      await page.getByRole('button', { name: 'Enrôler' }).click();
      await waitForText(
        page.getByRole('status'),
        'Passerelle enrôlée pour la commune 02691 : la synchronisation démarre.',
      );
      await waitFor(
        'the gateway connected to central',
        async () =>
          (
            (await (await shot.request.get(`${gateway}/sync`, { headers: { authorization } })).json()) as {
              state: string;
            }
          ).state,
        (state) => state === 'connected',
        { timeoutMs: 30_000, context: () => tail(join(dir, 'gateway.log')) },
      );
      await page.reload();
      await waitForText(page.getByTestId('sync-state'), 'connectée au central');
    } finally {
      await shot.close();
    }
  }, 180_000);

  it('keeps a procès-verbal made while central is down in the outbox, then delivers it once central is back, once', async () => {
    const shot = await context(DESKTOP);
    const sync = async () =>
      (await (await shot.request.get(`${gateway}/sync`, { headers: { authorization } })).json()) as GatewaySync;
    try {
      // The procès-verbal made before the enrolment has come through the outbox since.
      const before = await waitFor('the first procès-verbal at central', centralReports, (list) => list.length === 1, {
        timeoutMs: 30_000,
        context: () => tail(join(dir, 'gateway.log')),
      });
      const runs = (await (
        await shot.request.get(`${gateway}/commissioning/tests`, { headers: { authorization } })
      ).json()) as {
        id: string;
        state: string;
      }[];
      const run = runs.find((each) => each.state !== 'running');
      expect(run).toBeDefined();

      await kill('central');
      await waitFor('the gateway seeing central gone', sync, (state) => state.state !== 'connected', {
        timeoutMs: 30_000,
      });
      const made = await shot.request.post(`${gateway}/commissioning/reports`, {
        headers: { authorization },
        data: {
          run: run?.id,
          fields: {
            insulationResistanceMOhm: 300,
            earthResistanceOhm: 9.5,
            rcdTripTimeMs: 31,
            remarks: 'Recette faite sans liaison avec le central.',
            engineer: 'Paul Martin',
          },
        },
      });
      expect(made.status()).toBe(201);
      const { id } = (await made.json()) as { id: string };
      expect((await sync()).outbox.commissioningReport).toBe(1);

      await start('central', centralConfig);
      const after = await waitFor(
        'the procès-verbal made during the outage at central',
        centralReports,
        (list) => list.some((report) => report.id === id),
        { timeoutMs: 60_000, context: () => tail(join(dir, 'gateway.log')) },
      );
      await waitFor('the outbox emptied', sync, (state) => state.outbox.commissioningReport === 0, {
        timeoutMs: 30_000,
      });
      expect(after.map((report) => report.id).sort()).toEqual([...before.map((report) => report.id), id].sort());
      expect(after.find((report) => report.id === id)).toMatchObject({
        gatewayId: 'gw-mise-en-service',
        engineer: 'Paul Martin',
      });

      // Nothing lost on the way: central's PDF says what the gateway's says.
      const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8');
      const atGateway = await shot.request.get(`${gateway}/commissioning/reports/${id}.pdf`, {
        headers: { authorization },
      });
      const atCentral = await fetch(`${central}/api/communes/02691/commissioning-reports/${id}?format=pdf`, {
        headers: { authorization: `Bearer ${await centralToken(AGENT)}` },
      });
      expect(atCentral.status).toBe(200);
      const centralText = pdfText(Buffer.from(await atCentral.arrayBuffer()));
      expect(centralText).toBe(pdfText(await atGateway.body()));
      expect(centralText).toContain('Recette faite sans liaison avec le central.');
    } finally {
      await shot.close();
    }
  }, 180_000);

  it("lists the commune's procès-verbaux in the console's Recettes page, each downloadable as HTML and PDF", async () => {
    const shot = await browser!.browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'fr-FR',
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
    try {
      const page = await shot.newPage();
      await page.goto(`${central}/communes/02691`);
      await page.getByLabel('Identifiant').fill(AGENT.login);
      await page.getByLabel('Mot de passe').fill(AGENT.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Recettes' })
        .click();
      await page.waitForURL('**/communes/02691/recettes');
      await waitForText(page.getByRole('heading', { level: 1 }), 'Recettes : Saint-Quentin');
      await waitForText(page.getByRole('heading', { level: 2 }), '2 procès-verbaux');
      const newest = page.locator('[data-testid^="report-"]').first();
      await waitForText(newest, /Paul Martin/);
      await waitForText(newest, /gw-mise-en-service/);
      await waitForText(page.locator('[data-testid^="report-"]').nth(1), /essais non conformes/);
      expect(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
      await expectAxeClean(page, 'recettes (360 px)');

      // With the keyboard: the newest one's PDF, then read its text layer.
      const pdfButton = newest.getByRole('button', { name: /^PDF : télécharger le procès-verbal du / });
      await pdfButton.focus();
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(pdf.suggestedFilename()).toMatch(/^proces-verbal-.+\.pdf$/);
      const text = execFileSync('pdftotext', ['-layout', await pdf.path(), '-'], { encoding: 'utf8' });
      expect(text).toContain('Procès-verbal de recette');
      expect(text).toContain('gw-mise-en-service');
      expect(text).toContain('Paul Martin');
      const [html] = await Promise.all([
        page.waitForEvent('download'),
        newest.getByRole('button', { name: /^Page imprimable \(HTML\) : télécharger/ }).click(),
      ]);
      expect(html.suggestedFilename()).toMatch(/^proces-verbal-.+\.html$/);
      expect(readFileSync(await html.path(), 'utf8')).toContain('Paul Martin');

      // One gateway's: the filter, kept in the address; a gateway without any says so in French.
      await page.getByLabel('Passerelle', { exact: true }).selectOption('gw-mise-en-service');
      await page.waitForURL('**/communes/02691/recettes?passerelle=gw-mise-en-service');
      await waitForText(page.getByRole('heading', { level: 2 }), '2 procès-verbaux');
      await page.goto(`${central}/communes/02691/recettes?passerelle=gw-autre`);
      await waitForText(page.getByTestId('reports-empty'), 'Aucun procès-verbal de recette de la passerelle gw-autre.');
      await page.getByLabel('Passerelle', { exact: true }).selectOption('');
      await waitForText(page.getByRole('heading', { level: 2 }), '2 procès-verbaux');
      if (process.env.BEFFROI_CONSOLE_SCREENSHOTS !== undefined) {
        await page.setViewportSize(DESKTOP);
        await screenshot(page, 'console-recettes.png');
      }
    } finally {
      await shot.close();
    }
  }, 120_000);

  it('says in French that a commune has no procès-verbal yet', async () => {
    const shot = await context(DESKTOP);
    try {
      const page = await shot.newPage();
      await page.goto(`${central}/communes/02408/recettes`);
      await page.getByLabel('Identifiant').fill(ADMIN.login);
      await page.getByLabel('Mot de passe').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await waitForText(page.getByRole('heading', { level: 1 }), /^Recettes : /);
      await waitForText(page.getByTestId('reports-empty'), /^Aucun procès-verbal de recette pour cette commune/);
      await expectAxeClean(page, 'recettes (vide)');
    } finally {
      await shot.close();
    }
  }, 60_000);

  it('scans a serial line from the page, binds the unit found despite a failed live check, then unbinds it', async () => {
    const shot = await context(DESKTOP);
    try {
      const page = await openLoggedIn(shot, 'scan');
      await page.getByLabel('Modbus RTU (liaison série)').check();
      await page.getByLabel('Port série').fill(pty!.master);
      await page.getByLabel('Vitesses (bauds)').fill('19200');
      await page.getByLabel('Unités', { exact: true }).fill('4-6');
      await page.getByLabel('Délai de réponse par unité (ms)').fill('200');
      await page.getByRole('button', { name: 'Lancer le scan' }).click();
      await waitForText(page.getByTestId('scan-result').getByRole('heading', { level: 2 }), /^Scan terminé/, 60_000);
      await waitForText(page.getByTestId('scan-found'), '1 équipement trouvé');
      await waitForText(page.getByTestId('unit-5'), /19200 bauds/);
      await waitForText(page.getByTestId('unit-5-profile'), /\(beffroi-sim-bells\)/);
      await expectAxeClean(page, 'scan RTU');

      // The wrong profile on purpose: the live check finds points in error, and the engineer binds anyway.
      await page
        .getByTestId('unit-5')
        .getByRole('link', { name: /^Raccorder/ })
        .click();
      await page.waitForURL('**/mise-en-service/raccorder?**');
      await page.getByLabel('Profil').selectOption('beffroi-sim-cabinet');
      await page.getByRole('button', { name: 'Vérifier en direct' }).click();
      await waitForText(page.getByTestId('check-summary'), /Des points ne sont pas conformes/, 30_000);
      await page.getByLabel('Identifiant de l’équipement').fill('cloches-rtu');
      await page.getByLabel('Nom', { exact: true }).fill('Cloches sur la liaison série');
      await page.getByRole('button', { name: 'Raccorder', exact: true }).click();
      await waitForText(page.getByRole('alert'), /La vérification en direct trouve des points en défaut/, 30_000);
      await expectAxeClean(page, 'raccorder (vérification en défaut)');
      await page.getByRole('button', { name: 'Raccorder quand même' }).click();
      await waitForText(page.getByTestId('bound'), /Équipement cloches-rtu raccordé sur le bus /, 30_000);
      await waitForText(page.getByTestId('bound'), /Raccordé malgré la vérification/);
      await waitForText(page.getByTestId('config-history'), /raccordement de cloches-rtu par local · forcé malgré : /);

      // "Délier" asks again, then the equipment leaves the config and the list.
      const card = page.getByTestId('equipment-cloches-rtu');
      await card.getByRole('button', { name: 'Délier cloches-rtu' }).click();
      await waitForText(card, /Délier cloches-rtu \? Il sera retiré de la configuration/);
      await card.getByRole('button', { name: 'Annuler' }).click();
      await card.getByRole('button', { name: 'Délier cloches-rtu' }).click();
      await card.getByRole('button', { name: 'Délier', exact: true }).click();
      await waitForText(page.getByRole('status').filter({ hasText: 'délié' }), 'Équipement cloches-rtu délié.', 30_000);
      await waitGone(page.getByTestId('equipment-cloches-rtu'));
      await waitForText(page.getByTestId('config-history'), /suppression de cloches-rtu par local/);
      const config = parse(readFileSync(join(dir, 'gateway.yaml'), 'utf8')) as { buses: { id: string }[] };
      expect(config.buses.map((bus) => bus.id)).toEqual(['street', `tcp-127-0-0-1-${ports.spare}`]);
    } finally {
      await shot.close();
    }
  }, 180_000);

  it('aborts a test run from the page: the lock-outs are lifted and the run says so', async () => {
    const shot = await context(DESKTOP);
    try {
      const page = await openLoggedIn(shot, 'essais');
      await page.getByLabel('Équipement à essayer').selectOption('cabinet');
      await page.getByRole('button', { name: 'Lancer les essais' }).click();
      await waitForText(page.getByTestId('lockouts'), /consignée par local/, 60_000);
      await page.getByRole('button', { name: 'Interrompre les essais' }).click();
      await waitForText(page.getByRole('heading', { level: 2, name: /Essais de cabinet/ }), /interrompus/, 60_000);
      await waitVisible(page.getByTestId('lifted'));
      await waitForText(page.getByTestId('lockouts'), /libre/);
      expect(await page.getByTestId('lockouts').innerText()).not.toMatch(/consignée/);
      expect(await page.getByRole('button', { name: 'Interrompre les essais' }).count()).toBe(0);
      await expectAxeClean(page, 'essais (interrompus)');
    } finally {
      await shot.close();
    }
  }, 180_000);
});
