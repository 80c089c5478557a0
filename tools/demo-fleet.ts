/**
 * `npm start -- --fleet N`: N more gateways for the demo syndicate, each in a commune of its own, reduced to the sync
 * protocol (test/support/protocol-gateway.ts: the real message schemas and pure rules of libs/sync over a real
 * WebSocket, no field layer). They report a cabinet whose outputs carry tags, apply what central sends them and answer
 * commands, so the console's Parc, Modèles and Diffusion pages have a fleet to show. Every fifth has no street
 * lighting (`eclairage-voirie`) and every tenth (another one) drops its connection after reporting, to show
 * `no-output` and `offline` states.
 */
import { communesOfDepartment } from '../apps/central/src/tenants/commune-directory';
import { buildCatalogue } from '../apps/gateway/src/sync/catalogue.reporter';
import { loadProfiles } from '../apps/gateway/src/gateway.config';
import { PROFILES_DIR, ProtocolGateway } from '../test/support/protocol-gateway';

/** Departments whose communes the demo fleet joins to the syndicate, in this order, as many as it needs. */
const DEPARTMENTS = ['02', '60', '80', '59', '62'];
/** Communes added per request (central takes up to 5,000). */
const ADD_BATCH = 1000;
const BATCH = 50;
/** Ids of demo gateways: `gw-demo-<insee>`. */
const DEMO_PREFIX = 'gw-demo-';

type Api = (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: unknown }>;

function apiOf(centralUrl: string): Api {
  return async (method, path, body, token) => {
    const response = await fetch(`${centralUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
}

/** The tags of demo gateway number `index`: street lighting on two circuits but for every fifth, which has a stadium. */
function tagsOf(index: number): Record<string, string[]> {
  return index % 5 === 4
    ? { 'circuit.1.command': ['eclairage-stade'] }
    : {
        'circuit.1.command': ['eclairage-voirie'],
        'circuit.2.command': ['eclairage-voirie'],
        'circuit.3.command': ['eclairage-patrimoine'],
      };
}

/**
 * Runs `count` protocol-level gateways, one in each of as many communes joined to the syndicate of `account`: the
 * communes of a kept run's demo gateways, then communes of {@link DEPARTMENTS} in INSEE order not in it yet (so the
 * seeded communes keep their own gateways, or none). Resolves once every one has connected (and every tenth disconnected); `close` stops them all.
 */
export async function startDemoFleet(
  centralUrl: string,
  account: { login: string; password: string },
  count: number,
  log: (message: string) => void,
): Promise<{ close: () => void }> {
  const api = apiOf(centralUrl);
  const login = await api('POST', '/api/auth/login', account);
  if (login.status !== 200) throw new Error(`demo fleet: cannot log in as ${account.login}: ${login.status}`);
  const token = (login.body as { token: string }).token;
  const known = (await api('GET', '/api/communes', undefined, token)).body as { insee: string; gateways: string[] }[];
  // A kept run (--keep) already has demo gateways: they are enrolled again, their credentials are gone.
  const again = known.filter((c) => c.gateways.some((g) => g.startsWith(DEMO_PREFIX))).map((c) => c.insee);
  for (const insee of again)
    await api('POST', `/api/gateways/${DEMO_PREFIX}${insee.toLowerCase()}/revoke`, undefined, token);
  const joined = new Set(known.map((c) => c.insee));
  const more = DEPARTMENTS.flatMap((d) => communesOfDepartment(d))
    .map((c) => c.insee)
    .filter((insee) => !joined.has(insee))
    .slice(0, Math.max(0, count - again.length));
  for (let i = 0; i < more.length; i += ADD_BATCH) {
    const added = await api('POST', '/api/communes', { insee: more.slice(i, i + ADD_BATCH) }, token);
    if (added.status >= 300) throw new Error(`demo fleet: cannot add communes: ${added.status}`);
  }
  const communes = [...again, ...more].slice(0, count);
  const profiles = loadProfiles(PROFILES_DIR);
  const gateways: ProtocolGateway[] = [];
  for (const [index, insee] of communes.entries()) {
    const gatewayId = `${DEMO_PREFIX}${insee.toLowerCase()}`;
    const code = await api('POST', `/api/communes/${insee}/enrolment-codes`, undefined, token);
    const enrolled = await api('POST', '/api/enrolment', { code: (code.body as { code: string }).code, gatewayId });
    if (enrolled.status !== 201) throw new Error(`demo fleet: cannot enrol ${gatewayId}: ${enrolled.status}`);
    const gateway = new ProtocolGateway(
      gatewayId,
      (enrolled.body as { credential: string }).credential,
      centralUrl.replace(/^http/, 'ws').concat('/api/sync'),
    );
    gateway.catalogue = buildCatalogue(
      [{ id: 'armoire', name: 'Armoire', profile: 'beffroi-sim-cabinet', tags: tagsOf(index) }],
      profiles,
      [],
    );
    gateways.push(gateway);
  }
  for (let i = 0; i < gateways.length; i += BATCH) {
    await Promise.all(gateways.slice(i, i + BATCH).map((g) => g.connect()));
  }
  gateways.filter((_, index) => index % 10 === 7).forEach((g) => g.close());
  log(
    `demo fleet: ${gateways.length} protocol-level gateways, ${gateways.filter((_, i) => i % 10 === 7).length} offline`,
  );
  return { close: () => gateways.forEach((g) => g.close()) };
}
