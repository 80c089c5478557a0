import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expressRoutes, signFieldToken } from '@beffroi/runtime';
import { SystemClock } from '@beffroi/runtime';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, localAuthorization, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const KEY = 'cabinet:circuit.1.command';
/** The routes anyone may call. */
const PUBLIC_ROUTES = ['get /health'];

let sim: SimulatorHarness;
let central: CentralHarness;
let gw: GatewayHarness;
let routes: { method: string; path: string }[];
/** Authorization header values, by who calls. */
const callers = new Map<string, string | null>();

async function fieldToken(login: string, gatewayId = GATEWAY): Promise<string> {
  const { status, body } = await central.api(
    await central.login(login),
    'POST',
    `/api/gateways/${gatewayId}/field-token`,
  );
  if (status !== 201) throw new Error(`field token for ${login}: ${status} ${JSON.stringify(body)}`);
  return (body as { token: string }).token;
}

async function enrolmentCode(admin: string, insee: string): Promise<string> {
  const answer = await central.api(await central.login(admin), 'POST', `/api/communes/${insee}/enrolment-codes`);
  return (answer.body as { code: string }).code;
}

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1 }],
        },
      ],
    },
    new SystemClock(),
  );
  central = await startCentral();
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-access-'));
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
        control: { minimumOnOff: '0s' },
        central: {
          url: central.url,
          enrolmentCode: await enrolmentCode('admin@useda', '02691'),
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
  // Another commune's gateway, enrolled by its syndicate: a valid token, but not for this gateway.
  const lille = await central.api(undefined, 'POST', '/api/enrolment', {
    code: await enrolmentCode('admin@sde-nord', '59350'),
    gatewayId: 'gw-lille',
  });
  expect(lille.status).toBe(201);

  callers.set('no credential', null);
  callers.set('local credential', localAuthorization());
  callers.set('field engineer', `Bearer ${await fieldToken('tech@useda')}`);
  callers.set('read-only', `Bearer ${await fieldToken('lecteur@02691')}`);
  callers.set("another commune's gateway", `Bearer ${await fieldToken('admin@sde-nord', 'gw-lille')}`);
  central.clock.offsetMs = -13 * 3_600_000;
  callers.set('expired', `Bearer ${await fieldToken('tech@useda')}`);
  central.clock.offsetMs = 0;
  const [prefix, claims] = (callers.get('field engineer') ?? '').slice('Bearer '.length).split('.');
  const forger = generateKeyPairSync('ed25519');
  const forged = signFieldToken(
    { gatewayId: GATEWAY, communeInsee: '02691', login: 'x', role: 'field-engineer', iat: 0, exp: 9e9 },
    forger.privateKey,
  ).split('.')[2];
  callers.set('forged signature', `Bearer ${prefix}.${claims}.${forged}`);
  callers.set('wrong local credential', `Basic ${Buffer.from('local:guess-the-password').toString('base64')}`);

  // From here on central is gone: every field token is checked by the gateway alone.
  await central.close();
  routes = expressRoutes(gw.app.getHttpAdapter().getInstance());
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

/** A request path with every `:param` filled in with a real point of the cabinet. */
function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? 'cabinet' : KEY));
}

/** What each caller gets: 'pass' (past the access checks: any answer but 401/403), or the status. */
function expected(caller: string, route: { method: string; path: string }): 'pass' | 401 | 403 {
  if (PUBLIC_ROUTES.includes(`${route.method} ${route.path}`)) return 'pass';
  switch (caller) {
    case 'local credential':
    case 'field engineer':
      return 'pass';
    case 'read-only':
      return route.method === 'get' ? 'pass' : 403;
    case "another commune's gateway":
      return 403;
    default:
      return 401;
  }
}

describe("authorization matrix of the gateway's local API (central unreachable)", () => {
  it('serves the routes the matrix walks', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toContainEqual({ method: 'put', path: '/outputs/:key/lockout' });
  });

  it.each([
    'no credential',
    'expired',
    "another commune's gateway",
    'forged signature',
    'wrong local credential',
    'field engineer',
    'read-only',
    'local credential',
  ])('every route with %s', async (caller) => {
    const answers = [];
    for (const route of routes) {
      const hasBody = route.method === 'put' || route.method === 'post';
      const { status, body } = await api(
        gw.url,
        route.method.toUpperCase() as 'GET',
        concrete(route.path),
        hasBody ? {} : undefined,
        callers.get(caller) ?? null,
      );
      const want = expected(caller, route);
      answers.push({
        route: `${route.method} ${route.path}`,
        got: want === 'pass' && status !== 401 && status !== 403 ? 'pass' : status,
        code: status === 401 || status === 403 ? (body as { code: string }).code : undefined,
        want,
      });
    }
    for (const answer of answers) {
      expect({ route: answer.route, status: answer.got }).toEqual({ route: answer.route, status: answer.want });
      if (answer.want === 401) expect(answer.code).toBe('UNAUTHENTICATED');
      if (answer.want === 403) expect(answer.code).toBe('FORBIDDEN');
    }
  });

  it('says why a field token is refused', async () => {
    const why = async (caller: string) =>
      (await api(gw.url, 'GET', '/outputs', undefined, callers.get(caller) ?? null)).body as { message: string };
    expect((await why('expired')).message).toMatch(/^token expired at .*; ask central for a new one$/);
    expect((await why('forged signature')).message).toMatch(/signature does not verify/);
    expect((await why("another commune's gateway")).message).toBe(
      'token for gateway gw-lille of commune 59350; this is gateway gw-test of commune 02691',
    );
    expect((await why('no credential')).message).toMatch(/^missing credential: send a field token from central/);
    expect((await why('read-only')).message).toBeUndefined();
  });
});

describe('actions taken for a person carry their login', () => {
  it('an override and a lock-out by a field token are owned by its login; another owner is refused', async () => {
    const engineer = callers.get('field engineer') ?? null;
    const override = await api(gw.url, 'PUT', `/outputs/${KEY}/override`, { value: true, permanent: true }, engineer);
    expect(override.status).toBe(200);
    expect(override.body.winner).toMatchObject({ slot: 10, owner: 'tech@useda' });

    const lockout = await api(gw.url, 'PUT', `/outputs/${KEY}/lockout`, { value: false }, engineer);
    expect(lockout.body.winner).toMatchObject({ slot: 8, owner: 'tech@useda' });
    const lifted = await api(gw.url, 'DELETE', `/outputs/${KEY}/lockout?owner=tech@useda`, undefined, engineer);
    expect(lifted.status).toBe(200);

    const other = await api(
      gw.url,
      'PUT',
      `/outputs/${KEY}/override`,
      { value: false, owner: 'someone', permanent: true },
      engineer,
    );
    expect(other).toMatchObject({
      status: 400,
      body: {
        problems: [{ path: 'owner', message: 'a field token acts as tech@useda: leave owner out or give tech@useda' }],
      },
    });
    const othersLockout = await api(
      gw.url,
      'DELETE',
      `/outputs/${KEY}/lockout?force=true&by=someone`,
      undefined,
      engineer,
    );
    expect(othersLockout).toMatchObject({
      status: 400,
      body: {
        problems: [{ path: 'by', message: 'a field token acts as tech@useda: leave by out or give tech@useda' }],
      },
    });
    const released = await api(gw.url, 'DELETE', `/outputs/${KEY}/override?owner=tech@useda`, undefined, engineer);
    expect(released.status).toBe(200);
  });
});

describe('requests a web page of another site could send', () => {
  async function send(headers: Record<string, string>, body: string) {
    const response = await fetch(`${gw.url}/outputs/${KEY}/override`, {
      method: 'PUT',
      headers: { authorization: localAuthorization(), ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as { code: string; message: string } };
  }

  it('refuses a cross-site form post, with or without the local credential, and changes nothing', async () => {
    const winner = async () => ((await api(gw.url, 'GET', `/outputs/${KEY}`)).body as { winner: unknown }).winner;
    const before = await winner();
    const form = 'value=true&owner=attacker';
    expect(
      await send({ 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, form),
    ).toMatchObject({
      status: 403,
      body: {
        code: 'FOREIGN_ORIGIN',
        message: 'requests from web pages of other sites (Origin https://evil.example) are refused',
      },
    });
    expect(await send({ 'content-type': 'application/x-www-form-urlencoded' }, form)).toMatchObject({
      status: 415,
      body: { code: 'NOT_JSON' },
    });
    expect(await send({ 'content-type': 'text/plain' }, JSON.stringify({ value: true }))).toMatchObject({
      status: 415,
      body: { message: 'expected a JSON body (content-type: application/json), not text/plain' },
    });
    expect(
      await send(
        { 'content-type': 'application/json', origin: 'https://evil.example' },
        JSON.stringify({ value: true }),
      ),
    ).toMatchObject({ status: 403, body: { code: 'FOREIGN_ORIGIN' } });
    expect(await winner()).toEqual(before);
  });

  it('accepts its own origin, and answers no CORS preflight', async () => {
    const own = await send({ 'content-type': 'application/json', origin: gw.url }, JSON.stringify({ value: 'x' }));
    expect(own.status).toBe(400);
    const preflight = await fetch(`${gw.url}/outputs/${KEY}/override`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
