import type { Role } from '../../apps/central/src/central.config';
import { type CentralHarness, PASSWORD, SEED, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * The authorization matrix of central, generated from its OpenAPI document: every documented route × every role ×
 * own and other tenant. Each route must have an expectation below; a route added to central without one fails
 * the first test, and so does an expectation for a route the document no longer has.
 */

type Action =
  | 'read'
  | 'command'
  | 'acknowledge'
  | 'enrol'
  | 'editSchedules'
  | 'pushTemplates'
  | 'manageAccounts'
  | 'readAudit'
  | 'readTemplates';

/** Who may do what within its own tenant (docs/central.md, "Accounts and roles"). */
const ALLOWED: Record<Action, Role[]> = {
  read: ['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'],
  command: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  acknowledge: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  enrol: ['syndicate-admin', 'field-engineer'],
  editSchedules: ['syndicate-admin', 'commune-staff'],
  pushTemplates: ['syndicate-admin'],
  manageAccounts: ['syndicate-admin'],
  readAudit: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  // Templates are the syndicate's: its own accounts read them (the seed's syndicate accounts are an admin and a field
  // engineer), a commune's accounts do not.
  readTemplates: ['syndicate-admin', 'field-engineer'],
};

/** The things of one tenant the routes address. */
interface Target {
  insee: string;
  gatewayId: string;
  /** A gateway revoked by the probes of `POST /api/gateways/{id}/revoke`. */
  revokedId: string;
  commandId: string;
  alarmId: string;
  pushId: string;
  templateId: string;
  tenant: string;
  /** An account the probes of the account routes disable, enable and give a new password. */
  account: string;
}

/** Nothing of it exists: another tenant's things must be answered exactly like these. */
const UNKNOWN: Target = {
  insee: '80021',
  gatewayId: 'gw-nowhere',
  revokedId: 'gw-nowhere-either',
  commandId: '00000000-0000-4000-8000-000000000000',
  alarmId: '987654',
  pushId: '00000000-0000-4000-8000-00000000ffff',
  templateId: 'modele-inconnu',
  tenant: 'syndicat-inconnu',
  account: 'personne@nulle-part',
};

interface Expectation {
  /**
   * `public`: no session needed; `session`: any session; an action: the roles of {@link ALLOWED} within the tenant.
   */
  access: 'public' | 'session' | Action;
  /**
   * `tenant`: the route addresses a thing of a tenant (probed on the caller's own and on another tenant);
   * `caller`: it only ever shows the caller's own tenant (probed once).
   */
  scope: 'tenant' | 'caller';
  /** The role is checked before anything is looked up: a role that may not answers 403 whatever the target. */
  roleFirst?: true;
  /** The route ends the session it is called with: each probe uses a new one. */
  freshSession?: true;
  request: (t: Target) => { path: string; body?: unknown };
}

let accountSerial = 0;
const item = {
  kind: 'lighting',
  outputs: ['cabinet:circuit.1.command'],
  schedule: {
    calendar: { defaultProgrammeId: 'nuit', rules: [] },
    programmes: {
      nuit: {
        points: [
          { sun: 'sunset', offsetMinutes: 15, value: true },
          { at: '23:00', value: false },
        ],
      },
    },
  },
};
let templateSerial = 0;
const templateItem = { kind: 'lighting', tag: 'eclairage-voirie', schedule: item.schedule };
const site = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };

/** Every route of the OpenAPI document, keyed `METHOD path` as the document writes it. */
const EXPECTATIONS: Record<string, Expectation> = {
  'GET /health': { access: 'public', scope: 'caller', request: () => ({ path: '/health' }) },
  'GET /api/docs': { access: 'public', scope: 'caller', request: () => ({ path: '/api/docs' }) },
  'GET /api/docs/openapi.json': {
    access: 'public',
    scope: 'caller',
    request: () => ({ path: '/api/docs/openapi.json' }),
  },
  'POST /api/auth/login': {
    access: 'public',
    scope: 'caller',
    request: () => ({ path: '/api/auth/login', body: { login: 'lecteur@02691', password: PASSWORD } }),
  },
  'POST /api/auth/logout': {
    access: 'session',
    scope: 'caller',
    freshSession: true,
    request: () => ({ path: '/api/auth/logout' }),
  },
  'GET /api/auth/me': { access: 'session', scope: 'caller', request: () => ({ path: '/api/auth/me' }) },
  'PUT /api/auth/password': {
    access: 'session',
    scope: 'caller',
    freshSession: true,
    request: () => ({ path: '/api/auth/password', body: { currentPassword: PASSWORD, newPassword: PASSWORD } }),
  },
  'GET /api/accounts': { access: 'manageAccounts', scope: 'caller', request: () => ({ path: '/api/accounts' }) },
  'POST /api/accounts': {
    access: 'manageAccounts',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({
      path: '/api/accounts',
      body: { login: `new${++accountSerial}@x`, name: 'New', role: 'read-only', tenant: t.tenant, password: PASSWORD },
    }),
  },
  'POST /api/accounts/{login}/disable': {
    access: 'manageAccounts',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/accounts/${t.account}/disable` }),
  },
  'POST /api/accounts/{login}/enable': {
    access: 'manageAccounts',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/accounts/${t.account}/enable` }),
  },
  'PUT /api/accounts/{login}/password': {
    access: 'manageAccounts',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/accounts/${t.account}/password`, body: { password: PASSWORD } }),
  },
  'GET /api/communes': { access: 'read', scope: 'caller', request: () => ({ path: '/api/communes' }) },
  'POST /api/communes': {
    access: 'manageAccounts',
    scope: 'caller',
    request: () => ({ path: '/api/communes', body: { insee: ['02001'] } }),
  },
  'GET /api/communes/{insee}': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}` }),
  },
  'GET /api/communes/{insee}/overview': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/overview` }),
  },
  'POST /api/communes/{insee}/enrolment-codes': {
    access: 'enrol',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/enrolment-codes` }),
  },
  'GET /api/audit': {
    access: 'readAudit',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/audit?commune=${t.insee}` }),
  },
  'POST /api/enrolment': {
    access: 'public',
    scope: 'caller',
    request: () => ({ path: '/api/enrolment', body: { code: 'AAAA-BBBB-CCCC-DDDD', gatewayId: 'gw-probe' } }),
  },
  'GET /api/gateways': { access: 'read', scope: 'caller', request: () => ({ path: '/api/gateways' }) },
  'GET /api/gateways/{id}': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}` }),
  },
  'POST /api/gateways/{id}/revoke': {
    access: 'enrol',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.revokedId}/revoke` }),
  },
  'GET /api/gateways/{id}/points': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/points` }),
  },
  'GET /api/gateways/{id}/equipment': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/equipment` }),
  },
  'GET /api/gateways/{id}/schedules': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/schedules` }),
  },
  'GET /api/gateways/{id}/outputs/{key}': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/outputs/cabinet:circuit.1.command` }),
  },
  'GET /api/gateways/{id}/switchings': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/switchings` }),
  },
  'POST /api/gateways/{id}/commands': {
    access: 'command',
    scope: 'tenant',
    request: (t) => ({
      path: `/api/gateways/${t.gatewayId}/commands`,
      body: { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true },
    }),
  },
  'GET /api/gateways/{id}/commands': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/commands` }),
  },
  'GET /api/commands/{id}': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/commands/${t.commandId}` }),
  },
  'GET /api/alarms': { access: 'read', scope: 'tenant', request: (t) => ({ path: `/api/alarms?commune=${t.insee}` }) },
  'POST /api/alarms/{id}/acknowledge': {
    access: 'acknowledge',
    scope: 'tenant',
    request: (t) => ({ path: `/api/alarms/${t.alarmId}/acknowledge` }),
  },
  'GET /api/gateways/{id}/desired': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/desired` }),
  },
  'PUT /api/gateways/{id}/schedules/{scheduleId}': {
    access: 'editSchedules',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/schedules/soir`, body: item }),
  },
  'DELETE /api/gateways/{id}/schedules/{scheduleId}': {
    access: 'editSchedules',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/schedules/soir` }),
  },
  'POST /api/templates/push': {
    access: 'pushTemplates',
    scope: 'tenant',
    request: (t) => ({ path: '/api/templates/push', body: { scheduleId: 'modele', item, communes: [t.insee] } }),
  },
  'GET /api/pushes': { access: 'read', scope: 'caller', request: () => ({ path: '/api/pushes' }) },
  'GET /api/pushes/{id}': { access: 'read', scope: 'tenant', request: (t) => ({ path: `/api/pushes/${t.pushId}` }) },
  'POST /api/schedules/lint': {
    access: 'session',
    scope: 'caller',
    request: () => ({ path: '/api/schedules/lint', body: { kind: 'lighting', schedule: item.schedule } }),
  },
  'POST /api/schedules/preview': {
    access: 'session',
    scope: 'caller',
    request: () => ({
      path: '/api/schedules/preview',
      body: { kind: 'lighting', schedule: item.schedule, site, from: '2027-01-15', to: '2027-01-16' },
    }),
  },
  'GET /api/events': { access: 'read', scope: 'caller', request: () => ({ path: '/api/events' }) },
  'GET /api/fleet': { access: 'read', scope: 'caller', request: () => ({ path: '/api/fleet' }) },
  'GET /api/fleet/map': { access: 'read', scope: 'caller', request: () => ({ path: '/api/fleet/map' }) },
  'GET /api/templates': {
    access: 'readTemplates',
    scope: 'caller',
    roleFirst: true,
    request: () => ({ path: '/api/templates' }),
  },
  'POST /api/templates': {
    access: 'pushTemplates',
    scope: 'caller',
    roleFirst: true,
    request: () => ({
      path: '/api/templates',
      body: { id: `essai-${++templateSerial}`, name: 'Essai', item: templateItem },
    }),
  },
  'GET /api/templates/{id}/versions': {
    access: 'readTemplates',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/templates/${t.templateId}/versions` }),
  },
  'POST /api/templates/{id}/versions': {
    access: 'pushTemplates',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/templates/${t.templateId}/versions`, body: { item: templateItem } }),
  },
  'GET /api/templates/{id}/bindings/{insee}': {
    access: 'readTemplates',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/templates/${t.templateId}/bindings/${t.insee}` }),
  },
  'POST /api/templates/{id}/push': {
    access: 'pushTemplates',
    scope: 'tenant',
    roleFirst: true,
    request: (t) => ({ path: `/api/templates/${t.templateId}/push`, body: { communes: { insee: [t.insee] } } }),
  },
  'POST /api/pushes/{id}/retry': {
    access: 'pushTemplates',
    scope: 'tenant',
    request: (t) => ({ path: `/api/pushes/${t.pushId}/retry` }),
  },
  'POST /api/schedules/nights': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({
      path: '/api/schedules/nights',
      body: {
        schedule: item.schedule,
        gatewaySite: { gatewayId: t.gatewayId, siteId: 'site' },
        from: '2027-01-15',
        days: 7,
      },
    }),
  },
  'GET /api/gateways/{id}/bells': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/bells` }),
  },
  'POST /api/gateways/{id}/bells/{scheduleId}/events': {
    access: 'editSchedules',
    scope: 'tenant',
    request: (t) => ({
      path: `/api/gateways/${t.gatewayId}/bells/cloches/events`,
      body: { date: '2099-01-01', at: '11:00', sequence: 'glas' },
    }),
  },
  'GET /api/communes/{insee}/history': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/history` }),
  },
  'GET /api/communes/{insee}/energy': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/energy?month=2027-03` }),
  },
  'GET /api/communes/{insee}/energy/months': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/energy/months?month=2027-03` }),
  },
  'GET /api/energy': { access: 'read', scope: 'caller', request: () => ({ path: '/api/energy?month=2027-03' }) },
  'GET /api/communes/{insee}/energy/csv': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/energy/csv?month=2027-03` }),
  },
  'GET /api/communes/{insee}/energy/pdf': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/energy/pdf?month=2027-03` }),
  },
  'GET /api/communes/{insee}/commissioning-reports': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/commissioning-reports` }),
  },
  // No gateway of the probes sends a procès-verbal: the commune's own readers get a 404 naming the id.
  'GET /api/communes/{insee}/commissioning-reports/{id}': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/communes/${t.insee}/commissioning-reports/00000000-0000-4000-8000-00000000cafe` }),
  },
  'GET /api/energy/csv': {
    access: 'read',
    scope: 'caller',
    request: () => ({ path: '/api/energy/csv?month=2027-03' }),
  },
  'GET /api/field-keys': { access: 'public', scope: 'caller', request: () => ({ path: '/api/field-keys' }) },
  'POST /api/gateways/{id}/field-token': {
    access: 'read',
    scope: 'tenant',
    request: (t) => ({ path: `/api/gateways/${t.gatewayId}/field-token` }),
  },
};

interface Operation {
  security?: unknown[];
}

let central: CentralHarness;
let documented: { route: string; method: string; isPublic: boolean }[] = [];
const tokens = new Map<string, string>();
const targets = {} as Record<'own' | 'other', Target>;
const gateways: ProtocolGateway[] = [];

/** Accounts of the Aisne syndicate (USEDA) and of Saint-Quentin, whose own tenant covers 02691. */
const CALLERS = SEED.accounts.filter((a) => a.login !== 'admin@sde-nord' && a.login !== 'agent@02408');

/** A request as the route's method says; the event stream is closed as soon as its status is known. */
async function send(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  if (path === '/api/events') {
    const abort = new AbortController();
    const response = await fetch(`${central.url}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const answer: unknown = response.ok ? 'stream' : await response.json();
    abort.abort();
    return { status: response.status, body: answer };
  }
  // A page or a file rather than JSON: a success is a body that is not empty, an error is JSON.
  if (path === '/api/docs' || /\/energy\/(?:csv|pdf)\?/.test(path)) {
    const response = await fetch(`${central.url}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return { status: response.status, body: response.ok ? text.length > 0 : (JSON.parse(text) as unknown) };
  }
  return central.api(token, method, path, body);
}

async function enrolled(insee: string, gatewayId: string, token: string): Promise<ProtocolGateway> {
  const code = (await central.api(token, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as { code: string };
  const enrolment = await central.api(undefined, 'POST', '/api/enrolment', { code: code.code, gatewayId });
  expect(enrolment.status).toBe(201);
  const gateway = new ProtocolGateway(gatewayId, (enrolment.body as { credential: string }).credential, central.wsUrl);
  gateways.push(gateway);
  return gateway;
}

async function tenantResources(insee: string, prefix: string, admin: string, tenant: string): Promise<Target> {
  const token = tokens.get(admin) ?? '';
  const gateway = await enrolled(insee, `gw-${prefix}`, token);
  await enrolled(insee, `gw-${prefix}-spare`, token);
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
    await central.api(token, 'POST', `/api/gateways/gw-${prefix}/commands`, {
      action: 'switch',
      pointKey: 'cabinet:circuit.1.command',
      value: true,
    })
  ).body as { id: string };
  const push = (
    await central.api(token, 'POST', '/api/templates/push', { scheduleId: 'modele', item, communes: [insee] })
  ).body as { id: string };
  const template = await central.api(token, 'POST', '/api/templates', {
    id: `modele-${prefix}`,
    name: 'Modèle',
    item: templateItem,
  });
  expect(template.status).toBe(201);
  const account = `victime@${insee}`;
  const created = await central.api(token, 'POST', '/api/accounts', {
    login: account,
    name: 'Victime',
    role: 'read-only',
    tenant: insee,
    password: PASSWORD,
  });
  expect(created.status).toBe(201);
  return {
    insee,
    gatewayId: `gw-${prefix}`,
    revokedId: `gw-${prefix}-spare`,
    commandId: command.id,
    alarmId: String(alarms[0]?.id ?? 0),
    pushId: push.id,
    templateId: `modele-${prefix}`,
    tenant,
    account,
  };
}

/** The answer about an unknown target as it would read with the other tenant's ids. */
function asOther(answer: unknown, other: Target): unknown {
  let text = JSON.stringify(answer);
  // Longest first: one unknown id may begin with another (gw-nowhere, gw-nowhere-either).
  const keys = (Object.keys(UNKNOWN) as (keyof Target)[]).sort((a, b) => UNKNOWN[b].length - UNKNOWN[a].length);
  for (const key of keys) text = text.replaceAll(UNKNOWN[key], other[key]);
  return JSON.parse(text) as unknown;
}

beforeAll(async () => {
  central = await startCentral();
  const document = (await (await fetch(`${central.url}/api/docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  documented = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      route: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      isPublic: Array.isArray(operation.security) && operation.security.length === 0,
    })),
  );
  for (const account of SEED.accounts) tokens.set(account.login, await central.login(account.login));
  targets.own = await tenantResources('02691', 'saint-quentin', 'admin@useda', '02691');
  targets.other = await tenantResources('59350', 'lille', 'admin@sde-nord', 'sde-nord');
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

describe('authorization matrix generated from the OpenAPI document', () => {
  it('has an expectation for every documented route, and none for a route the document lacks', () => {
    expect(documented.map((d) => d.route).sort()).toEqual(Object.keys(EXPECTATIONS).sort());
    for (const { route, isPublic } of documented) {
      expect({ route, isPublic }).toEqual({ route, isPublic: EXPECTATIONS[route]?.access === 'public' });
    }
  });

  const probes = Object.entries(EXPECTATIONS).flatMap(([route, expectation]) =>
    CALLERS.flatMap((account) =>
      (expectation.scope === 'tenant' ? (['own', 'other'] as const) : (['own'] as const)).map((tenant) => ({
        route,
        expectation,
        account,
        tenant,
      })),
    ),
  );

  it.each(probes.map((p) => [p.route, p.account.login, p.tenant, p] as const))(
    '%s by %s on its %s tenant',
    async (route, login, tenant, { expectation }) => {
      const method = route.split(' ')[0] ?? 'GET';
      const token = expectation.freshSession === true ? await central.login(login) : tokens.get(login);
      const role = SEED.accounts.find((a) => a.login === login)?.role as Role;
      const { access } = expectation;
      const allowed = access === 'public' || access === 'session' || ALLOWED[access].includes(role);
      const { path, body } = expectation.request(targets[tenant]);
      const answer = await send(method, path, token, body);
      if (tenant === 'other') {
        // No existence oracle: another tenant's thing answers exactly like one that does not exist, status and body.
        const unknown = expectation.request(UNKNOWN);
        const expected = await send(method, unknown.path, token, unknown.body);
        expect(answer).toEqual({ status: expected.status, body: asOther(expected.body, targets.other) });
        expect(answer.status).toBe(!allowed && expectation.roleFirst === true ? 403 : 404);
      } else if (allowed) {
        // Past the checks: what the route does, or a 404/409 for what the tenant has not reported yet (a public
        // route may answer 401 for what it checks itself, such as an enrolment code, never for a missing session).
        const code = (answer.body as { code?: unknown } | undefined)?.code;
        expect({ route, status: answer.status, code }).not.toEqual({ route, status: 403, code });
        expect({ route, code }).not.toEqual({ route, code: 'UNAUTHENTICATED' });
      } else {
        expect(answer).toEqual({ status: 403, body: expect.objectContaining({ code: 'FORBIDDEN' }) });
      }
    },
  );

  it('refuses every route that is not public without a session, and with a token that is not one', async () => {
    for (const { route, method, isPublic } of documented) {
      const expectation = EXPECTATIONS[route];
      if (expectation === undefined || isPublic) continue;
      const { path, body } = expectation.request(targets.own);
      expect({ route, status: (await send(method, path, undefined, body)).status }).toEqual({ route, status: 401 });
      expect({ route, status: (await send(method, path, 'not-a-token', body)).status }).toEqual({ route, status: 401 });
    }
  });
});
