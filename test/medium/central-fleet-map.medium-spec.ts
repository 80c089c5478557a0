import { fleetMap } from '@beffroi/api';
import { centralConfigSchema } from '../../apps/central/src/central.config';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { waitFor } from '../support/wait-for';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * The map of the syndicate's fleet (issue 12, item 4) on a real central and SQLite file with protocol-level gateways:
 * the tiles of central's config, each site a gateway reported with its coordinates and the state of its gateway, and
 * a site the catalogue names without coordinates listed all the same.
 */

const TILES = { url: 'https://tuiles.example.org/{z}/{x}/{y}.png', attribution: '© contributeurs OpenStreetMap' };
const MAIRIE = {
  id: 'mairie',
  name: 'Mairie',
  latitude: 49.8467,
  longitude: 3.2874,
  altitude: 0,
  timeZone: 'Europe/Paris',
};

let central: CentralHarness;
let admin: string;
const gateways: ProtocolGateway[] = [];

async function connected(insee: string, gatewayId: string, sites: (typeof MAIRIE)[]): Promise<ProtocolGateway> {
  const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const gateway = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  gateways.push(gateway);
  await gateway.connect();
  gateway.append({
    class: 'health',
    payload: {
      at: new Date().toISOString(),
      equipment: {},
      outbox: { telemetry: 0, switching: 0, output: 0, alarm: 0, commandResult: 0, health: 1 },
      sites,
    },
  });
  gateway.flush();
  await gateway.drained();
  return gateway;
}

beforeAll(async () => {
  central = await startCentral({ config: { map: { tiles: TILES } } });
  admin = await central.login('admin@useda');
  const saintQuentin = await connected('02691', 'gw-centre', [MAIRIE]);
  saintQuentin.append({
    class: 'alarm',
    payload: {
      key: 'cabinet:door.open',
      state: 'raised',
      severity: 'warning',
      message: 'door open',
      at: new Date().toISOString(),
    },
  });
  saintQuentin.flush();
  await saintQuentin.drained();
  const laon = await connected('02408', 'gw-laon', [{ ...MAIRIE, latitude: 49.5641, longitude: 3.6199 }]);
  laon.close();
  await waitFor(
    'gw-laon offline on central',
    async () => (await central.api(admin, 'GET', '/api/gateways/gw-laon')).body as { online: boolean },
    (g) => !g.online,
  );
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

describe('GET /api/fleet/map', () => {
  it("gives the config's tiles and each reported site with its coordinates and the state of its gateway", async () => {
    const answer = await central.api(admin, 'GET', '/api/fleet/map');
    expect(answer.status).toBe(200);
    const map = fleetMap.parse(answer.body);
    expect(map.tiles).toEqual(TILES);
    expect(map.sites.find((s) => s.gatewayId === 'gw-centre')).toEqual({
      commune: '02691',
      communeName: 'Saint-Quentin',
      gatewayId: 'gw-centre',
      siteId: 'mairie',
      name: 'Mairie',
      latitude: 49.8467,
      longitude: 3.2874,
      state: 'alarm',
      alarms: 1,
    });
    expect(map.sites.find((s) => s.gatewayId === 'gw-laon')).toMatchObject({ latitude: 49.5641, state: 'offline' });
  });

  it("shows a commune account only its own commune's sites, and no tiles without them in the config", async () => {
    const agent = await central.login('agent@02691');
    const own = fleetMap.parse((await central.api(agent, 'GET', '/api/fleet/map')).body);
    expect(own.sites.map((s) => s.gatewayId)).toEqual(['gw-centre']);
    const plain = await startCentral();
    try {
      const answer = await plain.api(await plain.login('admin@useda'), 'GET', '/api/fleet/map');
      expect(answer.body).toEqual({ tiles: null, sites: [] });
    } finally {
      await plain.close();
    }
  });

  it('refuses a tile URL without {z}, {x} and {y}, naming the key', () => {
    const parsed = centralConfigSchema.safeParse({
      map: { tiles: { url: 'https://tuiles.example.org/tile.png', attribution: 'x' } },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['map.tiles.url', 'expected a tile URL template such as "https://tile.example.org/{z}/{x}/{y}.png"'],
    ]);
  });
});
