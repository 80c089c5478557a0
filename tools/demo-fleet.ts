/**
 * `npm start -- --fleet N`: N more gateways for the demo syndicate, each in a commune of its own, reduced to the sync
 * protocol (test/support/protocol-gateway.ts: the real message schemas and pure rules of libs/sync over a real
 * WebSocket, no field layer). They report a cabinet whose outputs carry tags, apply what central sends them and answer
 * commands, so the console's Parc, Carte, Modèles and Diffusion pages have a fleet to show. Like a real gateway, each
 * reports one site (`centre`, its town hall) with coordinates in its health report, and its cabinet names that site in
 * its catalogue, so the Carte places it; the site is spread over its commune's department (see {@link siteOf}). Every
 * fifth has no street lighting (`eclairage-voirie`) and every tenth (another one) drops its connection after
 * reporting, to show `no-output` and `offline` states, unless the run asks for a uniform fleet (`uniform`).
 */
import { communesOfDepartment } from '../apps/central/src/tenants/commune-directory';
import { buildCatalogue } from '../apps/gateway/src/sync/catalogue.reporter';
import { loadProfiles } from '../apps/gateway/src/gateway.config';
import type { Site } from '@beffroi/domain';
import { PROFILES_DIR, ProtocolGateway } from '../test/support/protocol-gateway';

/** Departments whose communes the demo fleet joins to the syndicate, in this order, as many as it needs. */
const DEPARTMENTS = ['02', '60', '80', '59', '62'];
/** Communes added per request (central takes up to 5,000). */
const ADD_BATCH = 1000;
const BATCH = 50;
/** Ids of demo gateways: `gw-demo-<insee>`. */
const DEMO_PREFIX = 'gw-demo-';
/** The site every demo gateway reports. */
const SITE_ID = 'centre';

interface Extent {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}
/** Roughly the latitude and longitude span of the Aisne, where most of the demo fleet is. */
const AISNE: Extent = { south: 48.84, west: 2.96, north: 50.07, east: 4.25 };
/** The same for each department of {@link DEPARTMENTS}. */
const EXTENTS: Readonly<Record<string, Extent>> = {
  '02': AISNE,
  '60': { south: 49.06, west: 1.69, north: 49.76, east: 3.17 },
  '80': { south: 49.57, west: 1.38, north: 50.37, east: 3.2 },
  '59': { south: 50.0, west: 2.07, north: 51.09, east: 4.23 },
  '62': { south: 50.02, west: 1.56, north: 51.0, east: 3.18 },
};

/** A fraction in [0, 1) drawn from `text` (FNV-1a): the same commune always gets the same place. */
function fractionOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash / 0x1_0000_0000;
}

/**
 * The site a demo gateway of commune `insee` reports: its town hall, at a plausible place inside the commune's
 * department (the directory has no coordinates), the same on every run.
 */
export function siteOf(insee: string, name: string): Site {
  const extent = EXTENTS[insee.slice(0, 2)] ?? AISNE;
  return {
    id: SITE_ID,
    name: `Mairie de ${name}`,
    latitude: Number((extent.south + fractionOf(`${insee}:lat`) * (extent.north - extent.south)).toFixed(5)),
    longitude: Number((extent.west + fractionOf(`${insee}:lon`) * (extent.east - extent.west)).toFixed(5)),
    altitude: 80,
    timeZone: 'Europe/Paris',
  };
}

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

/** Connects `gateway` and reports its health with its site, as a gateway does after its hello; resolves once stored. */
async function reportSite(gateway: ProtocolGateway, site: Site | undefined): Promise<void> {
  await gateway.connect();
  gateway.append({
    class: 'health',
    payload: {
      at: new Date().toISOString(),
      equipment: { armoire: { online: true } },
      outbox: gateway.outbox.sizes(),
      ...(site === undefined ? {} : { sites: [site] }),
    },
  });
  gateway.flush();
  await gateway.drained();
}

/**
 * Runs `count` protocol-level gateways, one in each of as many communes joined to the syndicate of `account`: the
 * communes of a kept run's demo gateways, then communes of {@link DEPARTMENTS} in INSEE order not in it yet (so the
 * seeded communes keep their own gateways, or none). Resolves once every one has connected and reported its site (and
 * every tenth disconnected, unless `uniform`: then all stay online with street lighting); `close` stops them all.
 */
export async function startDemoFleet(
  centralUrl: string,
  account: { login: string; password: string },
  count: number,
  log: (message: string) => void,
  options: { uniform?: boolean } = {},
): Promise<{ close: () => void }> {
  const uniform = options.uniform ?? false;
  const api = apiOf(centralUrl);
  const login = await api('POST', '/api/auth/login', account);
  if (login.status !== 200) throw new Error(`demo fleet: cannot log in as ${account.login}: ${login.status}`);
  const token = (login.body as { token: string }).token;
  const known = (await api('GET', '/api/communes', undefined, token)).body as {
    insee: string;
    name: string;
    gateways: string[];
  }[];
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
  const names = new Map(DEPARTMENTS.flatMap((d) => communesOfDepartment(d)).map((c) => [c.insee, c.name]));
  const profiles = loadProfiles(PROFILES_DIR);
  const gateways: ProtocolGateway[] = [];
  const sites = new Map<ProtocolGateway, Site>();
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
      [
        {
          id: 'armoire',
          name: 'Armoire',
          profile: 'beffroi-sim-cabinet',
          site: SITE_ID,
          tags: tagsOf(uniform ? 0 : index),
        },
      ],
      profiles,
      [],
    );
    gateways.push(gateway);
    sites.set(gateway, siteOf(insee, names.get(insee) ?? known.find((c) => c.insee === insee)?.name ?? insee));
  }
  for (let i = 0; i < gateways.length; i += BATCH) {
    await Promise.all(gateways.slice(i, i + BATCH).map((g) => reportSite(g, sites.get(g))));
  }
  const offline = uniform ? [] : gateways.filter((_, index) => index % 10 === 7);
  offline.forEach((g) => g.close());
  log(`demo fleet: ${gateways.length} protocol-level gateways, ${offline.length} offline`);
  return { close: () => gateways.forEach((g) => g.close()) };
}
