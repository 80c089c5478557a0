import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpAddressOf } from '@beffroi/runtime';
import type { ModbusDriver } from '@beffroi/fieldbus';
import { SystemClock } from '@beffroi/runtime';
import { LocalApiTransport } from '../../apps/gateway/src/access/local-tls';
import { FieldService } from '../../apps/gateway/src/field/field.service';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, LOCAL_CREDENTIAL_ENV, PROFILES_DIR } from '../support/gateway-harness';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

interface PointView {
  key: string;
  value: unknown;
  quality: { status: string };
  receivedAt?: string;
}

interface EquipmentView {
  id: string;
  busId: string;
  online: boolean;
  points: PointView[];
}

interface Problem {
  path: string;
  message: string;
}

let sim: SimulatorHarness;
let central: CentralHarness;
let dir: string;
let configPath: string;
let app: INestApplication;
let url: string;
const callers = new Map<string, string>();

/** The gateway's config file as a person wrote it: comments and layout that a binding must keep. */
function configText(streetPort: number, centralUrl: string, enrolmentCode: string): string {
  return `# Passerelle de test — mise en service
gateway:
  id: gw-test
commune: { insee: '02691', name: Saint-Quentin }
sites:
  - { id: site, name: Site, latitude: 49.8467, longitude: 3.2874, timeZone: Europe/Paris }
http: { port: 0 }
storage: { path: ${join(dir, 'gateway.sqlite')} }
localAccess: { passwordEnv: ${LOCAL_CREDENTIAL_ENV} }
profilesDir: ${PROFILES_DIR}

# L'armoire de la rue, déjà en service.
buses:
  - id: street
    protocol: modbus-tcp
    host: 127.0.0.1
    port: ${streetPort} # the cabinet's port
    equipment:
      - { id: cabinet, profile: beffroi-sim-cabinet, unit: 1 }

schedules:
  - { id: eclairage-rue, kind: lighting, file: lighting.yaml, outputs: ['cabinet:circuit.1.command'] }

central:
  url: ${centralUrl}
  enrolmentCode: ${enrolmentCode}
  credentialFile: ${join(dir, 'gateway-credential')}
  reconnectMin: 20ms
  reconnectMax: 200ms
`;
}

/** The gateway as main.ts starts it: from its config file. */
async function startFromFile(): Promise<void> {
  const loaded = loadGatewayConfig(configPath);
  app = await NestFactory.create(GatewayModule.forConfig(loaded, new LocalApiTransport()), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${httpAddressOf(app).port}`;
}

const as = (caller: string) => callers.get(caller) ?? null;

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1 }],
        },
        {
          id: 'spare',
          transport: { type: 'tcp', port: 0 },
          devices: [
            { id: 'new-cabinet', kind: 'lighting-cabinet', unit: 1 },
            { id: 'new-bells', kind: 'bell-controller', unit: 3 },
            { id: 'bells-a', kind: 'bell-controller', unit: 4 },
            { id: 'bells-b', kind: 'bell-controller', unit: 5 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
  central = await startCentral();
  const admin = await central.login('admin@useda');
  const code = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-bind-'));
  configPath = join(dir, 'gateway.yaml');
  writeFileSync(
    join(dir, 'lighting.yaml'),
    `calendar: { defaultProgrammeId: nuit, rules: [] }
programmes:
  nuit:
    points:
      - { sun: sunset, value: true }
      - { sun: sunrise, value: false }
`,
  );
  writeFileSync(configPath, configText(sim.ports.street ?? 0, central.url, code.code));
  await startFromFile();
  await waitFor(
    'the field key file gateway-credential-field-key.json',
    () => existsSync(join(dir, 'gateway-credential-field-key.json')),
    (exists) => exists,
    { timeoutMs: 30_000 },
  );
  for (const [caller, login] of [
    ['field engineer', 'tech@useda'],
    ['read-only', 'lecteur@02691'],
  ] as const) {
    const token = await central.api(await central.login(login), 'POST', '/api/gateways/gw-test/field-token');
    callers.set(caller, `Bearer ${(token.body as { token: string }).token}`);
  }
}, 120_000);

afterAll(async () => {
  await app.close();
  await central.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const spareBus = () => ({ id: 'spare', protocol: 'modbus-tcp', host: '127.0.0.1', port: sim.ports.spare });

async function equipment(id: string): Promise<EquipmentView> {
  const answer = await api(url, 'GET', `/equipment/${id}`);
  expect(answer.status).toBe(200);
  return answer.body as EquipmentView;
}

const polledGood = (view: EquipmentView) =>
  view.online && view.points.length > 0 && view.points.every((point) => point.quality.status === 'good');

const backups = () => (existsSync(join(dir, 'config-history')) ? readdirSync(join(dir, 'config-history')) : []);

describe('live check of a device against a profile', () => {
  it('lists what a binding may name: the sites of the config and every profile loaded, with its points', async () => {
    const answer = await api(url, 'GET', '/commissioning/choices', undefined, as('read-only'));
    expect(answer.status).toBe(200);
    const choices = answer.body as {
      sites: { id: string; name: string }[];
      profiles: { id: string; protocol: string; points: { id: string; kind: string }[] }[];
    };
    expect(choices.sites).toEqual([{ id: 'site', name: 'Site' }]);
    const ids = choices.profiles.map((profile) => profile.id);
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    const cabinet = choices.profiles.find((profile) => profile.id === 'beffroi-sim-cabinet');
    expect(cabinet).toMatchObject({ protocol: 'modbus' });
    expect(cabinet?.points).toContainEqual(expect.objectContaining({ id: 'circuit.1.command', kind: 'command' }));
    expect(ids).toContain('beffroi-sim-bells');
    await expect(api(url, 'GET', '/commissioning/choices', undefined, null)).resolves.toMatchObject({ status: 401 });
  });

  it('reads every point of the profile once from a new bus, without touching the config', async () => {
    const before = readFileSync(configPath, 'utf8');
    const answer = await api(
      url,
      'POST',
      '/commissioning/checks',
      { bus: spareBus(), unit: 1, profile: 'beffroi-sim-cabinet' },
      as('field engineer'),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ bus: 'spare', busState: 'new', unit: 1, profile: 'beffroi-sim-cabinet' });
    const points = (answer.body as { points: { point: string; status: string }[] }).points;
    expect(points.length).toBeGreaterThan(0);
    expect(points.filter((point) => point.status !== 'good')).toEqual([]);
    expect((answer.body as { ok: boolean }).ok).toBe(true);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    await expect(api(url, 'GET', '/equipment/check')).resolves.toMatchObject({ status: 404 });
  });

  it('through the running bus: a profile that does not fit the device answers its points in error', async () => {
    const answer = await api(url, 'POST', '/commissioning/checks', {
      bus: 'street',
      unit: 1,
      profile: 'beffroi-sim-bells',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ bus: 'street', busState: 'existing', ok: false });
    const points = (answer.body as { points: { status: string; reason?: string }[] }).points;
    expect(points.some((point) => point.status === 'error' && point.reason !== undefined)).toBe(true);
  });

  it('a new bus on the line of a polled bus is refused, naming the bus (409)', async () => {
    const answer = await api(url, 'POST', '/commissioning/checks', {
      bus: { id: 'again', protocol: 'modbus-tcp', host: '127.0.0.1', port: sim.ports.street },
      unit: 1,
      profile: 'beffroi-sim-cabinet',
    });
    expect(answer).toMatchObject({ status: 409, body: { code: 'BUS_POLLED' } });
    expect((answer.body as { message: string }).message).toContain('is bus street, which the gateway polls');
  });
});

describe('binding a device to a new equipment', () => {
  it('is refused without a credential (401) and with a read-only token (403)', async () => {
    const body = { id: 'new-cabinet', bus: spareBus(), unit: 1, profile: 'beffroi-sim-cabinet' };
    await expect(api(url, 'POST', '/commissioning/equipment', body, null)).resolves.toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
    await expect(api(url, 'POST', '/commissioning/equipment', body, as('read-only'))).resolves.toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    await expect(api(url, 'POST', '/commissioning/checks', body, null)).resolves.toMatchObject({ status: 401 });
    expect(backups()).toEqual([]);
  });

  it('names each wrong field like the config file does (400), and writes nothing', async () => {
    const before = readFileSync(configPath, 'utf8');
    const answer = await api(url, 'POST', '/commissioning/equipment', {
      id: 'Bad Id',
      bus: { ...spareBus(), port: 70000 },
      unit: 1,
      profile: 'beffroi-sim-cabinet',
    });
    expect(answer.status).toBe(400);
    const paths = (answer.body as { problems: Problem[] }).problems.map((problem) => problem.path);
    expect(paths).toEqual(['id', 'bus.port']);
    const taken = await api(url, 'POST', '/commissioning/equipment', {
      id: 'cabinet',
      bus: spareBus(),
      unit: 1,
      profile: 'beffroi-sim-cabinet',
    });
    expect(taken.status).toBe(400);
    expect((taken.body as { problems: Problem[] }).problems.map((problem) => problem.path)).toEqual(['id']);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    expect(backups()).toEqual([]);
  });

  it('a profile that does not match the device is refused with the problems of each point (422)', async () => {
    const before = readFileSync(configPath, 'utf8');
    const answer = await api(url, 'POST', '/commissioning/equipment', {
      id: 'wrong-profile',
      bus: spareBus(),
      unit: 1,
      profile: 'beffroi-sim-bells',
    });
    expect(answer).toMatchObject({ status: 422, body: { code: 'LIVE_CHECK_FAILED' } });
    const problems = (answer.body as { problems: Problem[] }).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.message).toMatch(/^(error|implausible): .+/);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    expect(backups()).toEqual([]);
    await expect(api(url, 'GET', '/equipment/wrong-profile')).resolves.toMatchObject({ status: 404 });
  });

  it('writes the config with a backup, polls the new equipment at once, and the other bus never stops', async () => {
    const before = readFileSync(configPath, 'utf8');
    const field = app.get(FieldService);
    const street = field.drivers.get('street') as ModbusDriver;
    const opens = street.opens;
    const cabinetBefore = (await equipment('cabinet')).points[0]?.receivedAt ?? '';

    const answer = await api(
      url,
      'POST',
      '/commissioning/equipment',
      {
        id: 'new-cabinet',
        name: 'Armoire de la place',
        site: 'site',
        tags: { 'circuit.1.command': ['eclairage-place'] },
        bus: spareBus(),
        unit: 1,
        profile: 'beffroi-sim-cabinet',
      },
      as('field engineer'),
    );
    expect(answer).toMatchObject({
      status: 201,
      body: { bus: 'spare', newBus: true, forced: false, check: { ok: true }, equipment: { id: 'new-cabinet' } },
    });
    const { backup } = answer.body as { backup: string };
    expect(backups()).toEqual(expect.arrayContaining([backup]));
    expect(readFileSync(join(dir, 'config-history', backup), 'utf8')).toBe(before);

    const written = readFileSync(configPath, 'utf8');
    expect(written.startsWith(before.trimEnd().split('\n').slice(0, 12).join('\n'))).toBe(true);
    expect(written).toContain("# L'armoire de la rue, déjà en service.");
    expect(written).toContain(`port: ${sim.ports.street} # the cabinet's port`);
    expect(written).toContain('id: new-cabinet');
    expect(readdirSync(dir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(loadGatewayConfig(configPath).config.buses.map((bus) => bus.id)).toEqual(['street', 'spare']);

    const polled = await waitFor('new-cabinet polled with good values', () => equipment('new-cabinet'), polledGood);
    expect(polled.busId).toBe('spare');
    await waitFor(
      'the street cabinet to keep being polled',
      async () => (await equipment('cabinet')).points[0]?.receivedAt ?? '',
      (receivedAt) => receivedAt > cabinetBefore,
    );
    expect(field.drivers.get('street')).toBe(street);
    expect(street.opens).toBe(opens);
  });

  it("watches the bound equipment's alarm conditions at once", async () => {
    expect(await control(sim, 'POST', '/devices/new-cabinet/inputs', { breakerTripped: true })).toMatchObject({
      status: 200,
    });
    await waitFor(
      'the new-cabinet:breaker.tripped alarm',
      async () => ((await api(url, 'GET', '/alarms')).body as { active: { key: string }[] }).active.map((a) => a.key),
      (keys) => keys.includes('new-cabinet:breaker.tripped'),
    );
    await control(sim, 'POST', '/devices/new-cabinet/inputs', { breakerTripped: false });
    await waitFor(
      'the new-cabinet:breaker.tripped alarm to clear',
      async () => ((await api(url, 'GET', '/alarms')).body as { active: { key: string }[] }).active.map((a) => a.key),
      (keys) => !keys.includes('new-cabinet:breaker.tripped'),
    );
  });

  it('adds a unit to a bus already polled, through its running connection', async () => {
    const spare = app.get(FieldService).drivers.get('spare') as ModbusDriver;
    const opens = spare.opens;
    const answer = await api(url, 'POST', '/commissioning/equipment', {
      id: 'new-bells',
      bus: 'spare',
      unit: 3,
      profile: 'beffroi-sim-bells',
    });
    expect(answer).toMatchObject({ status: 201, body: { bus: 'spare', newBus: false, check: { ok: true } } });
    await waitFor('new-bells polled with good values', () => equipment('new-bells'), polledGood);
    expect(spare.opens).toBe(opens);
  });

  it('reports the new catalogue to central, which follows', async () => {
    const token = await central.login('admin@useda');
    await waitFor(
      "central's catalogue to list new-cabinet and new-bells",
      async () =>
        ((await central.api(token, 'GET', '/api/gateways/gw-test/equipment')).body as { equipment: { id: string }[] })
          .equipment,
      (list) => ['new-cabinet', 'new-bells'].every((id) => list.some((e) => e.id === id)),
    );
  });

  it('serializes concurrent bindings: none is lost', async () => {
    const answers = await Promise.all(
      [
        ['bells-a', 4],
        ['bells-b', 5],
      ].map(([id, unit]) =>
        api(url, 'POST', '/commissioning/equipment', { id, bus: 'spare', unit, profile: 'beffroi-sim-bells' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    const ids = loadGatewayConfig(configPath).config.buses.flatMap((bus) => bus.equipment.map((e) => e.id));
    expect(ids).toEqual(['cabinet', 'new-cabinet', 'new-bells', 'bells-a', 'bells-b']);
  });

  it('unbinds symmetrically, with a backup; the history lists every backup with its change', async () => {
    for (const id of ['bells-a', 'bells-b']) {
      const answer = await api(url, 'DELETE', `/commissioning/equipment/${id}`, undefined, as('field engineer'));
      expect(answer).toMatchObject({ status: 200, body: { equipment: id, bus: 'spare', busRemoved: false } });
      await expect(api(url, 'GET', `/equipment/${id}`)).resolves.toMatchObject({ status: 404 });
    }
    await expect(api(url, 'DELETE', '/commissioning/equipment/bells-a')).resolves.toMatchObject({
      status: 404,
      body: { code: 'UNKNOWN_EQUIPMENT' },
    });
    const history = await api(url, 'GET', '/commissioning/config-history', undefined, as('read-only'));
    expect(history.status).toBe(200);
    const changes = (history.body as { change?: { action: string; equipment: string; by: string } }[]).map(
      (entry) => entry.change,
    );
    const lines = changes.map((change) => `${change?.action} ${change?.equipment}`);
    expect(lines.slice(0, 2)).toEqual(['unbind bells-b', 'unbind bells-a']);
    expect(lines.slice(2, 4).sort()).toEqual(['bind bells-a', 'bind bells-b']);
    expect(lines.slice(4)).toEqual(['bind new-bells', 'bind new-cabinet']);
    expect(changes.find((change) => change?.equipment === 'new-cabinet')?.by).toBe('tech@useda');
  });

  it('refuses to unbind an equipment a schedule of the config drives (409), changing nothing', async () => {
    const before = readFileSync(configPath, 'utf8');
    const kept = backups();
    const answer = await api(url, 'DELETE', '/commissioning/equipment/cabinet');
    expect(answer).toMatchObject({ status: 409, body: { code: 'CONFIG_REFUSED' } });
    expect((answer.body as { message: string }).message).toContain('the config file would be invalid');
    expect((answer.body as { problems: Problem[] }).problems.map((problem) => problem.path)).toEqual([
      'schedules[0].outputs[0]',
    ]);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    expect(backups()).toEqual(kept);
    await waitFor('cabinet still polled', () => equipment('cabinet'), polledGood);
  });

  it('after a restart the bound equipment is still there: the written file is valid', async () => {
    await app.close();
    await startFromFile();
    await waitFor('new-cabinet polled after the restart', () => equipment('new-cabinet'), polledGood);
    await waitFor('new-bells polled after the restart', () => equipment('new-bells'), polledGood);
  });
});
