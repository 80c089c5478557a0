import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRtuProbeLine, readDeviceIdentification } from '@beffroi/fieldbus';
import { SystemClock } from '@beffroi/runtime';
import { HeatingController } from '../../apps/simulator/src/devices/heating/heating-controller.device';
import { simulatorConfigSchema } from '../../apps/simulator/src/simulator.config';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, localAuthorization, startGateway } from '../support/gateway-harness';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

let pty: PtyPair;
let sim: SimulatorHarness;
let gw: GatewayHarness;
/** Authorization header values, by who calls. */
const callers = new Map<string, string | null>();

interface ScanAnswer {
  id: string;
  state: string;
  target: string;
  startedBy: string;
  progress: { done: number; total: number };
  found: { unit: number; identity?: { productCode: string }; profiles: { profileId: string }[] }[];
  error?: string;
}

const as = (caller: string) => callers.get(caller) ?? null;

beforeAll(async () => {
  pty = await openPtyPair();
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
          ],
        },
        {
          id: 'belfry',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: [
            { id: 'bells', kind: 'bell-controller', unit: 5 },
            { id: 'bank', kind: 'register-bank', unit: 9 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
  const central: CentralHarness = await startCentral();
  const admin = await central.login('admin@useda');
  const code = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-commissioning-'));
  gw = await startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
    ],
    dir,
    {
      config: {
        central: {
          url: central.url,
          enrolmentCode: code.code,
          credentialFile: join(dir, 'gateway-credential'),
          reconnectMin: '20ms',
          reconnectMax: '200ms',
        },
      },
    },
  );
  await waitFor(
    'the field key file gateway-credential-field-key.json',
    () => existsSync(join(dir, 'gateway-credential-field-key.json')),
    (exists) => exists,
    { timeoutMs: 30_000 },
  );
  for (const [caller, login] of [
    ['field engineer', 'tech@useda'],
    ['read-only', 'lecteur@02691'],
  ]) {
    const token = await central.api(await central.login(login ?? ''), 'POST', '/api/gateways/gw-test/field-token');
    callers.set(caller ?? '', `Bearer ${(token.body as { token: string }).token}`);
  }
  callers.set('local credential', localAuthorization());
  callers.set('no credential', null);
  // Commissioning works with central unreachable: field tokens are checked with the key received at enrolment.
  await central.close();
}, 120_000);

afterAll(async () => {
  await gw.close();
  await sim.close();
  await pty.close();
});

async function scan(id: string, caller = 'local credential'): Promise<ScanAnswer> {
  const answer = await api(gw.url, 'GET', `/commissioning/scans/${id}`, undefined, as(caller));
  expect(answer.status).toBe(200);
  return answer.body as ScanAnswer;
}

async function ended(id: string, caller: string): Promise<ScanAnswer> {
  return waitFor(
    `scan ${id} to end`,
    () => scan(id, caller),
    (view) => view.state !== 'running',
  );
}

describe('a Modbus TCP scan through the local API', () => {
  it.each([
    ['field engineer', 'tech@useda'],
    ['local credential', 'local'],
  ])(
    'with the %s: 202 with the scan id, then the units found with identity and proposed profile',
    async (caller, login) => {
      const target = `127.0.0.1:${sim.ports.spare}`;
      const started = await api(
        gw.url,
        'POST',
        '/commissioning/scans',
        { kind: 'tcp', host: '127.0.0.1', port: sim.ports.spare, units: '1-5', timeout: 500 },
        as(caller),
      );
      expect(started).toMatchObject({ status: 202, body: { state: 'running', target, startedBy: login } });
      const result = await ended((started.body as { id: string }).id, caller);
      expect(result).toMatchObject({ state: 'done', target, startedBy: login, progress: { done: 5, total: 5 } });
      expect(
        result.found.map((found) => [found.unit, found.identity?.productCode, found.profiles[0]?.profileId]),
      ).toEqual([
        [1, 'SIM-AEP', 'beffroi-sim-cabinet'],
        [3, 'SIM-CLOCHES', 'beffroi-sim-bells'],
      ]);
    },
  );

  it('a read-only token reads scans but may not start one; no credential is refused', async () => {
    const body = { kind: 'tcp', host: '127.0.0.1', port: sim.ports.spare, units: '1' };
    const readOnly = await api(gw.url, 'POST', '/commissioning/scans', body, as('read-only'));
    expect(readOnly).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const anonymous = await api(gw.url, 'POST', '/commissioning/scans', body, null);
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect((await api(gw.url, 'GET', '/commissioning/scans', undefined, null)).status).toBe(401);
    const list = await api(gw.url, 'GET', '/commissioning/scans', undefined, as('read-only'));
    expect(list.status).toBe(200);
    expect((list.body as ScanAnswer[]).map((view) => view.startedBy)).toEqual(['local', 'tech@useda']);
    const identify = await api(gw.url, 'POST', '/commissioning/identify', { ...body, unit: 1 }, as('read-only'));
    expect(identify).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  it('refuses to scan a bus the gateway polls, naming the bus (409)', async () => {
    const polled = await api(gw.url, 'POST', '/commissioning/scans', {
      kind: 'tcp',
      host: '127.0.0.1',
      port: sim.ports.street,
    });
    expect(polled).toMatchObject({ status: 409, body: { code: 'BUS_POLLED' } });
    expect((polled.body as { message: string }).message).toBe(
      `127.0.0.1:${sim.ports.street} is bus street, which the gateway polls: scanning it would disturb its polling; ` +
        "take the bus out of the gateway's config (or scan another port) first",
    );
  });

  it('names each wrong field of a scan request in its own words (400)', async () => {
    const kind = await api(gw.url, 'POST', '/commissioning/scans', { kind: 'modbus' });
    expect(kind).toMatchObject({
      status: 400,
      body: {
        code: 'INVALID_REQUEST',
        problems: [{ path: 'kind', message: 'expected kind rtu | tcp | opcua, got "modbus"' }],
      },
    });
    const options = await api(gw.url, 'POST', '/commissioning/scans', {
      kind: 'rtu',
      port: 'COM1',
      units: '0-300',
      parity: 'mark',
    });
    expect(options.status).toBe(400);
    expect((options.body as { problems: { path: string; message: string }[] }).problems).toEqual(
      expect.arrayContaining([
        { path: 'port', message: 'expected a serial device path such as "/dev/ttyUSB0", got "COM1"' },
        { path: 'units', message: 'expected unit ids 1..247 such as "1-247" or "2,5,9", got "0-300"' },
        { path: 'parity', message: 'expected none | even | odd, or a list such as ["even", "none"], got "mark"' },
      ]),
    );
    const unknown = await api(gw.url, 'GET', '/commissioning/scans/no-such-scan');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'UNKNOWN_SCAN' } });
  });
});

describe('an RTU scan through the local API', () => {
  it('one scan at a time per port (409 naming the scan running); stopped early, it keeps what it found', async () => {
    const request = { kind: 'rtu', port: pty.master, units: '1-247', timeout: 200 };
    const started = await api(gw.url, 'POST', '/commissioning/scans', request, as('field engineer'));
    expect(started.status).toBe(202);
    const { id } = started.body as { id: string };
    const running = await waitFor(
      'units 5 and 9 to be found',
      () => scan(id),
      (view) => view.found.length === 2,
    );
    expect(running).toMatchObject({ state: 'running', progress: { total: 247 } });

    const second = await api(gw.url, 'POST', '/commissioning/scans', request, as('local credential'));
    expect(second).toMatchObject({ status: 409, body: { code: 'SCAN_RUNNING' } });
    expect((second.body as { message: string }).message).toBe(
      `scan ${id} started by tech@useda is running on ${pty.master}; wait for it or stop it (DELETE /commissioning/scans/${id})`,
    );
    const identify = await api(gw.url, 'POST', '/commissioning/identify', { ...request, units: undefined, unit: 5 });
    expect(identify).toMatchObject({ status: 409, body: { code: 'SCAN_RUNNING' } });

    const stopped = await api(gw.url, 'DELETE', `/commissioning/scans/${id}`, undefined, as('field engineer'));
    expect(stopped).toMatchObject({ status: 200, body: { id, state: 'stopped' } });
    const view = stopped.body as ScanAnswer;
    expect(view.found.map((found) => [found.unit, found.identity?.productCode])).toEqual([
      [5, 'SIM-CLOCHES'],
      [9, undefined],
    ]);
    expect(view.progress.done).toBeLessThan(247);
    expect(await scan(id)).toEqual(view);

    const afterwards = await api(gw.url, 'POST', '/commissioning/identify', {
      kind: 'rtu',
      port: pty.master,
      unit: 5,
    });
    expect(afterwards).toMatchObject({
      status: 200,
      body: { kind: 'rtu', answered: true, unit: 5, identity: { productCode: 'SIM-CLOCHES' } },
    });
  });
});

describe('the per-port lock of a live check on a new bus', () => {
  it('refuses a live check of a new bus on a port a scan holds, naming the scan', async () => {
    const request = { kind: 'rtu', port: pty.master, units: '1-247', timeout: 200 };
    const started = await api(gw.url, 'POST', '/commissioning/scans', request, as('field engineer'));
    expect(started.status).toBe(202);
    const { id } = started.body as { id: string };
    await waitFor(
      'unit 5 to be found',
      () => scan(id),
      (view) => view.found.some((found) => found.unit === 5),
    );

    const bus = { id: 'belfry', protocol: 'modbus-rtu', path: pty.master, baudRate: 19200 };
    const check = await api(gw.url, 'POST', '/commissioning/checks', { bus, unit: 5, profile: 'beffroi-sim-bells' });
    expect(check).toMatchObject({ status: 409, body: { code: 'SCAN_RUNNING' } });
    expect((check.body as { message: string }).message).toBe(
      `scan ${id} started by tech@useda is running on ${pty.master}; wait for it or stop it (DELETE /commissioning/scans/${id})`,
    );
    const stopped = await api(gw.url, 'DELETE', `/commissioning/scans/${id}`, undefined, as('field engineer'));
    expect(stopped).toMatchObject({ status: 200, body: { state: 'stopped' } });

    const afterwards = await api(gw.url, 'POST', '/commissioning/checks', {
      bus,
      unit: 5,
      profile: 'beffroi-sim-bells',
    });
    expect(afterwards).toMatchObject({ status: 200, body: { busState: 'new', ok: true } });
  });

  it('refuses a scan or an identification of a port a live check of a new bus holds, until the check ends', async () => {
    // A device that accepts the connection and never answers: the check waits on each read while it holds the port.
    const sockets: Socket[] = [];
    let asked!: () => void;
    const requested = new Promise<void>((resolve) => (asked = resolve));
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => asked());
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const bus = { id: 'silent', protocol: 'modbus-tcp', host: '127.0.0.1', port, timeout: '500ms' };
      const checking = api(gw.url, 'POST', '/commissioning/checks', { bus, unit: 1, profile: 'beffroi-sim-bells' });
      await requested;

      const at = { kind: 'tcp', host: '127.0.0.1', port };
      const refused = await api(gw.url, 'POST', '/commissioning/scans', { ...at, units: '1-3' }, as('field engineer'));
      expect(refused).toMatchObject({ status: 409, body: { code: 'SCAN_RUNNING' } });
      expect((refused.body as { message: string }).message).toBe(
        `a live check of unit 1 (profile beffroi-sim-bells) is running on 127.0.0.1:${port}; try again once it has ended`,
      );
      const identify = await api(gw.url, 'POST', '/commissioning/identify', { ...at, unit: 1 });
      expect(identify).toMatchObject({ status: 409, body: { code: 'SCAN_RUNNING' } });

      const checked = await checking;
      expect(checked).toMatchObject({ status: 200, body: { busState: 'new', ok: false } });
      const free = await api(gw.url, 'POST', '/commissioning/scans', { ...at, units: '1', timeout: 100 });
      expect(free.status).toBe(202);
      await ended((free.body as { id: string }).id, 'local credential');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('identification of one unit', () => {
  it('answers its identity and proposed profiles, or that it is silent', async () => {
    const at = { kind: 'tcp', host: '127.0.0.1', port: sim.ports.spare };
    const bells = await api(gw.url, 'POST', '/commissioning/identify', { ...at, unit: 3 }, as('field engineer'));
    expect(bells).toMatchObject({
      status: 200,
      body: {
        answered: true,
        unit: 3,
        identity: { vendorName: 'Beffroi', productCode: 'SIM-CLOCHES' },
        profiles: [{ profileId: 'beffroi-sim-bells' }],
      },
    });
    const absent = await api(gw.url, 'POST', '/commissioning/identify', { ...at, unit: 2, timeout: 200 });
    expect(absent).toMatchObject({
      status: 200,
      body: { answered: false, unit: 2, reason: 'no answer within 200 ms' },
    });
  });
});

describe('an OPC UA scan through the local API', () => {
  const config = simulatorConfigSchema.parse({
    opcua: [{ id: 'new-heating', kind: 'heating-controller', port: 0, zones: [{ name: 'Mairie' }] }],
  }).opcua[0];
  if (!config) throw new Error('no heating controller in the config');
  const pkiDir = mkdtempSync(join(tmpdir(), 'beffroi-gw-commissioning-opcua-'));
  const heating = new HeatingController(config, new SystemClock(), { pkiDir });

  beforeAll(() => heating.start(), 60_000);
  afterAll(async () => {
    await heating.stop();
    rmSync(pkiDir, { recursive: true, force: true });
  });

  it("lists the endpoint's security modes, its identity, its address space and the proposed profile", async () => {
    const started = await api(gw.url, 'POST', '/commissioning/scans', {
      kind: 'opcua',
      endpoint: heating.endpointUrl,
      depth: 1,
    });
    expect(started).toMatchObject({ status: 202, body: { target: heating.endpointUrl } });
    const result = (await ended((started.body as { id: string }).id, 'local credential')) as ScanAnswer & {
      opcua: { endpoints: { securityMode: string }[]; nodes: unknown[]; profiles: { profileId: string }[] };
    };
    expect(result).toMatchObject({ state: 'done', progress: { done: 1, total: 1 }, found: [] });
    expect(result.opcua.endpoints.map((endpoint) => endpoint.securityMode)).toContain('None');
    expect(result.opcua.nodes.length).toBeGreaterThan(0);
    expect(result.opcua.profiles.map((proposal) => proposal.profileId)).toEqual(['beffroi-sim-heating']);
  });
});

describe('the scans the gateway keeps', () => {
  it('keeps the last ten: an older one answers 404', async () => {
    const ids: string[] = [];
    for (let scan = 0; scan < 11; scan++) {
      const started = await api(gw.url, 'POST', '/commissioning/scans', {
        kind: 'tcp',
        host: '127.0.0.1',
        port: sim.ports.spare,
        units: '1',
      });
      const { id } = started.body as { id: string };
      await ended(id, 'local credential');
      ids.push(id);
    }
    const list = await api(gw.url, 'GET', '/commissioning/scans');
    expect((list.body as ScanAnswer[]).length).toBe(10);
    expect((list.body as ScanAnswer[])[0]?.id).toBe(ids[10]);
    const oldest = await api(gw.url, 'GET', `/commissioning/scans/${ids[0] ?? ''}`);
    expect(oldest).toMatchObject({ status: 404, body: { code: 'UNKNOWN_SCAN' } });
    expect((await api(gw.url, 'GET', `/commissioning/scans/${ids[1] ?? ''}`)).status).toBe(200);
  });
});

describe('a gateway that stops', () => {
  it('stops its running scans and frees their serial ports', async () => {
    const other = await startGateway([]);
    const started = await api(other.url, 'POST', '/commissioning/scans', {
      kind: 'rtu',
      port: pty.master,
      units: '10-247',
      timeout: 1000,
    });
    expect(started.status).toBe(202);
    await other.close();
    const line = await openRtuProbeLine(pty.master, { baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 });
    try {
      const identity = await readDeviceIdentification(async (request) => {
        const outcome = await line.exchange(5, request, 1000);
        if (outcome.kind !== 'answer') throw new Error(`no answer from unit 5: ${outcome.kind}`);
        return outcome.pdu;
      });
      expect(identity).toMatchObject({ productCode: 'SIM-CLOCHES' });
    } finally {
      await line.close();
    }
  });
});
