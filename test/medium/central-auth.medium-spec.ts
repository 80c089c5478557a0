import type { Role } from '../../apps/central/src/central.config';
import { type CentralHarness, PASSWORD, SEED, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

type Action = 'read' | 'command' | 'acknowledge' | 'enrol' | 'manageAccounts' | 'readAudit';

const ALLOWED: Record<Action, Role[]> = {
  read: ['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'],
  command: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  acknowledge: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  enrol: ['syndicate-admin', 'field-engineer'],
  manageAccounts: ['syndicate-admin'],
  readAudit: ['syndicate-admin', 'commune-staff', 'field-engineer'],
};

/** The resources of one tenant, as each route needs them. */
interface Target {
  insee: string;
  gatewayId: string;
  commandId: string;
  alarmId: number;
  tenant: string;
}

interface Route {
  name: string;
  action: Action;
  /** The role is checked before anything is looked up: a role that may not answers 403 whatever the target. */
  roleFirst?: true;
  request: (target: Target) => { method: string; path: string; body?: unknown };
}

let accountSerial = 0;

/** Every route that takes a tenant's resource. */
const ROUTES: Route[] = [
  { name: 'GET commune', action: 'read', request: (t) => ({ method: 'GET', path: `/api/communes/${t.insee}` }) },
  { name: 'GET gateway', action: 'read', request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}` }) },
  {
    name: 'GET points',
    action: 'read',
    request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}/points` }),
  },
  {
    name: 'GET equipment',
    action: 'read',
    request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}/equipment` }),
  },
  {
    name: 'GET gateway schedules',
    action: 'read',
    request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}/schedules` }),
  },
  {
    name: 'GET explain',
    action: 'read',
    request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}/outputs/cabinet:circuit.1.command` }),
  },
  {
    name: 'GET switchings',
    action: 'read',
    request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}/switchings` }),
  },
  {
    name: 'GET commands',
    action: 'read',
    request: (t) => ({ method: 'GET', path: `/api/gateways/${t.gatewayId}/commands` }),
  },
  { name: 'GET command', action: 'read', request: (t) => ({ method: 'GET', path: `/api/commands/${t.commandId}` }) },
  { name: 'GET alarms', action: 'read', request: (t) => ({ method: 'GET', path: `/api/alarms?commune=${t.insee}` }) },
  {
    name: 'POST command',
    action: 'command',
    request: (t) => ({
      method: 'POST',
      path: `/api/gateways/${t.gatewayId}/commands`,
      body: { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true },
    }),
  },
  {
    name: 'POST acknowledge',
    action: 'acknowledge',
    request: (t) => ({ method: 'POST', path: `/api/alarms/${t.alarmId}/acknowledge` }),
  },
  {
    name: 'POST enrolment code',
    action: 'enrol',
    request: (t) => ({ method: 'POST', path: `/api/communes/${t.insee}/enrolment-codes` }),
  },
  {
    name: 'POST account',
    action: 'manageAccounts',
    roleFirst: true,
    request: (t) => ({
      method: 'POST',
      path: '/api/accounts',
      body: { login: `new${++accountSerial}@x`, name: 'New', role: 'read-only', tenant: t.tenant, password: PASSWORD },
    }),
  },
  {
    name: 'GET audit',
    action: 'readAudit',
    roleFirst: true,
    request: (t) => ({ method: 'GET', path: `/api/audit?commune=${t.insee}` }),
  },
];

let central: CentralHarness;
const tokens = new Map<string, string>();
const targets: Record<'useda' | 'nord', Target> = {} as never;
/** Nothing of it exists: another tenant's things must be answered exactly like these. */
const UNKNOWN: Target = {
  insee: '80021',
  gatewayId: 'gw-nowhere',
  commandId: '00000000-0000-4000-8000-000000000000',
  alarmId: 987654,
  tenant: 'syndicat-inconnu',
};

/** The answer to an unknown target as it would read with the other tenant's ids. */
function asOther(answer: unknown, other: Target): unknown {
  let text = JSON.stringify(answer);
  for (const key of ['insee', 'gatewayId', 'commandId', 'alarmId', 'tenant'] as const) {
    text = text.replaceAll(String(UNKNOWN[key]), String(other[key]));
  }
  return JSON.parse(text) as unknown;
}
const gateways: ProtocolGateway[] = [];

async function enrolled(insee: string, gatewayId: string, adminToken: string): Promise<ProtocolGateway> {
  const code = (await central.api(adminToken, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const enrolment = await central.api(undefined, 'POST', '/api/enrolment', { code: code.code, gatewayId });
  expect(enrolment.status).toBe(201);
  const gateway = new ProtocolGateway(gatewayId, (enrolment.body as { credential: string }).credential, central.wsUrl);
  gateways.push(gateway);
  return gateway;
}

async function tenantResources(insee: string, gatewayId: string, admin: string, tenant: string): Promise<Target> {
  const token = tokens.get(admin) ?? '';
  const gateway = await enrolled(insee, gatewayId, token);
  await gateway.connect();
  gateway.append({
    class: 'alarm',
    payload: {
      key: 'cabinet:door.open',
      state: 'raised',
      severity: 'warning',
      message: 'door open',
      at: new Date().toISOString(),
    },
  });
  gateway.flush();
  await gateway.drained();
  const alarms = (await central.api(token, 'GET', `/api/alarms?commune=${insee}`)).body as { id: number }[];
  const command = (
    await central.api(token, 'POST', `/api/gateways/${gatewayId}/commands`, {
      action: 'switch',
      pointKey: 'cabinet:circuit.1.command',
      value: true,
    })
  ).body as { id: string };
  return { insee, gatewayId, commandId: command.id, alarmId: alarms[0]?.id ?? 0, tenant };
}

beforeAll(async () => {
  central = await startCentral();
  for (const account of SEED.accounts) tokens.set(account.login, await central.login(account.login));
  targets.useda = await tenantResources('02691', 'gw-saint-quentin', 'admin@useda', '02691');
  targets.nord = await tenantResources('59350', 'gw-lille', 'admin@sde-nord', 'sde-nord');
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

/** Accounts of the Aisne syndicate (USEDA) and of Saint-Quentin, whose own tenant covers 02691. */
const CALLERS = SEED.accounts.filter((a) => a.login !== 'admin@sde-nord' && a.login !== 'agent@02408');

describe('authorization matrix: every route × every role × own and other tenant', () => {
  const cases = ROUTES.flatMap((route) =>
    CALLERS.flatMap((account) => (['own', 'other'] as const).map((tenant) => ({ route, account, tenant }))),
  );

  it.each(cases.map((c) => [c.route.name, c.account.login, c.tenant, c] as const))(
    '%s by %s on its %s tenant',
    async (_name, _login, _tenant, { route, account, tenant }) => {
      const target = tenant === 'own' ? targets.useda : targets.nord;
      const { method, path, body } = route.request(target);
      const { status, body: answer } = await central.api(tokens.get(account.login), method, path, body);
      const allowed = ALLOWED[route.action].includes(account.role as Role);
      if (tenant === 'other') {
        // No existence oracle: another tenant's thing answers exactly like one that does not exist, status and body.
        const unknown = route.request(UNKNOWN);
        const expected = await central.api(tokens.get(account.login), unknown.method, unknown.path, unknown.body);
        expect({ status, answer }).toEqual({ status: expected.status, answer: asOther(expected.body, target) });
        expect(status).toBe(allowed || route.roleFirst !== true ? 404 : 403);
        expect((answer as { code: string }).code).toBe(status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
      } else if (allowed) {
        // Past the checks: a 2xx, or a 404 for what this tenant has not reported yet (the explain of an output).
        expect([status, answer]).toEqual([expect.any(Number), expect.anything()]);
        expect([401, 403]).not.toContain(status);
      } else {
        expect(status).toBe(403);
        expect((answer as { code: string }).code).toBe('FORBIDDEN');
      }
    },
  );

  it('refuses every route without a session, and with an ended or expired one', async () => {
    for (const route of ROUTES) {
      const { method, path, body } = route.request(targets.useda);
      expect((await central.api(undefined, method, path, body)).status).toBe(401);
      expect((await central.api('not-a-token', method, path, body)).status).toBe(401);
    }
    const token = await central.login('agent@02691');
    expect((await central.api(token, 'GET', '/api/auth/me')).status).toBe(200);
    await central.api(token, 'POST', '/api/auth/logout');
    expect((await central.api(token, 'GET', '/api/auth/me')).body).toMatchObject({ code: 'UNAUTHENTICATED' });

    const idle = await central.login('agent@02691');
    central.clock.offsetMs = 9 * 3_600_000;
    expect((await central.api(idle, 'GET', '/api/auth/me')).body).toMatchObject({
      message: 'session expired: log in again',
    });
    central.clock.offsetMs = 0;
  });

  it("lists only the communes and gateways of the caller's tenant", async () => {
    const communes = (await central.api(tokens.get('agent@02691'), 'GET', '/api/communes')).body as { insee: string }[];
    expect(communes.map((c) => c.insee)).toEqual(['02691']);
    const gatewaysSeen = (await central.api(tokens.get('admin@useda'), 'GET', '/api/gateways')).body as {
      id: string;
    }[];
    expect(gatewaysSeen.map((g) => g.id)).toEqual(['gw-saint-quentin']);
    const nord = (await central.api(tokens.get('admin@sde-nord'), 'GET', '/api/communes')).body as { insee: string }[];
    expect(nord.map((c) => c.insee)).toEqual(['59350']);
  });

  it('says which field of a body is wrong', async () => {
    const { status, body } = await central.api(
      tokens.get('admin@useda'),
      'POST',
      '/api/gateways/gw-saint-quentin/commands',
      {
        action: 'switch',
        pointKey: 'no key',
        value: true,
      },
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'INVALID_REQUEST', problems: [{ path: 'pointKey' }] });
    const login = await central.api(undefined, 'POST', '/api/auth/login', {
      login: 'agent@02691',
      password: 'wrong password',
    });
    expect(login).toMatchObject({ status: 401, body: { message: 'unknown login or wrong password' } });
  });
});

describe('gateway credentials on the sync socket', () => {
  it('refuses a credential speaking for another gateway, a revoked one, and an upgrade without one', async () => {
    const [saintQuentin] = gateways;
    const impostor = new ProtocolGateway(
      'gw-lille',
      (saintQuentin as unknown as { credential: string }).credential,
      central.wsUrl,
    );
    await expect(impostor.connect()).rejects.toThrow(/closed before welcome \(4401\)/);
    expect(impostor.received).toEqual([
      expect.objectContaining({ type: 'welcome', result: 'refused', reason: 'gateway-mismatch' }),
    ]);

    const unknown = new ProtocolGateway('gw-lille', 'forged-credential', central.wsUrl);
    await expect(unknown.connect()).rejects.toThrow(/4401/);
    expect(unknown.received[0]).toMatchObject({ reason: 'bad-credential' });

    const anonymous = new ProtocolGateway('gw-lille', '', central.wsUrl);
    await expect(anonymous.connect()).rejects.toThrow(/upgrade refused: 401/);

    const laon = await enrolled('02408', 'gw-laon', tokens.get('admin@useda') ?? '');
    await laon.connect();
    const revoked = await central.api(tokens.get('tech@useda'), 'POST', '/api/gateways/gw-laon/revoke');
    expect(revoked).toMatchObject({ status: 200, body: { online: false } });
    await laon.until(() => laon.closeCode !== undefined);
    expect(laon.closeCode).toBe(4401);
    await expect(laon.connect()).rejects.toThrow(/4401/);
    expect(laon.received.at(-1)).toMatchObject({ type: 'welcome', result: 'refused', reason: 'revoked' });
  });

  it('an enrolment code works once, and a used or unknown one is refused', async () => {
    const token = tokens.get('admin@useda') ?? '';
    const { code } = (await central.api(token, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
    expect((await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-once' })).status).toBe(201);
    expect(await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-twice' })).toMatchObject({
      status: 401,
      body: { message: 'code: enrolment code already used; ask for a new one' },
    });
    expect(
      (await central.api(undefined, 'POST', '/api/enrolment', { code: 'AAAA-BBBB', gatewayId: 'gw-x' })).status,
    ).toBe(401);
    expect(
      (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'Not An Id' })).body,
    ).toMatchObject({
      problems: [{ path: 'gatewayId' }],
    });
  });

  it("answers enrolment with another commune's gateway id exactly like one of its own commune", async () => {
    const token = tokens.get('admin@useda') ?? '';
    const { code } = (await central.api(token, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
    const attempt = async (gatewayId: string) => {
      const { status, body } = await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId });
      return JSON.stringify({ status, body }).replaceAll(gatewayId, '<id>');
    };
    // Enrolled in Saint-Quentin (the code's commune), enrolled in Lille (another syndicate), revoked in Laon.
    const own = await attempt('gw-saint-quentin');
    expect(JSON.parse(own)).toEqual({
      status: 409,
      body: {
        code: 'CONFLICT',
        message: 'gatewayId: <id> is already in use; choose another id (a gateway is enrolled again only once revoked)',
        problems: [],
      },
    });
    expect(await attempt('gw-lille')).toBe(own);
    expect(await attempt('gw-laon')).toBe(own);
    expect((await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-free' })).status).toBe(201);
  });

  it('rejects malformed and oversized frames without crashing', async () => {
    const [saintQuentin] = gateways;
    if (saintQuentin === undefined) throw new Error('no gateway');
    saintQuentin.send('{ not json');
    saintQuentin.send(
      JSON.stringify({ type: 'report', v: 1, after: 0, messages: [{ gatewayId: 'gw-saint-quentin', seq: -1 }] }),
    );
    saintQuentin.send(JSON.stringify({ type: 'report', v: 9, after: 0, messages: [] }));
    saintQuentin.append({
      class: 'switching',
      payload: {
        pointKey: 'cabinet:circuit.1.command',
        value: true,
        source: 'test',
        result: 'applied',
        at: new Date().toISOString(),
      },
    });
    saintQuentin.flush();
    await saintQuentin.drained();
    saintQuentin.send('x'.repeat(5 * 1024 * 1024));
    await saintQuentin.until(() => saintQuentin.closeCode !== undefined);
    expect(saintQuentin.closeCode).toBe(1009);
    expect((await central.api(undefined, 'GET', '/health')).status).toBe(200);
    await saintQuentin.connect();
  });
});
