import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadCentralConfig } from '../../apps/central/src/central.config';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { loadSimulatorConfig } from '../../apps/simulator/src/simulator.config';
import { startDemoFleet } from '../../tools/demo-fleet';
import { RunConfigs } from '../../tools/run-configs';
import { PASSWORD, startCentral } from '../support/central-harness';

const ROOT = resolve(__dirname, '..', '..');
const CONFIG = join(ROOT, 'config');
const LIGHTING = parse(readFileSync(join(CONFIG, 'schedules', 'eclairage-saint-quentin.yaml'), 'utf8')) as unknown;

/**
 * The demo syndicate as shipped (issue 12, item 4): `npm start` runs config/gateway.yaml and every further
 * config/gateway-*.yaml, each gateway in a commune of its own with its own simulated equipment.
 */
describe('the demo fleet we ship', () => {
  const more = new RunConfigs({ configDir: CONFIG, ephemeral: true, keep: false }, ROOT);
  afterAll(() => more.cleanUp());

  it('has a second gateway, in another commune of the syndicate, on a simulated cabinet of its own', () => {
    expect(more.moreGateways()).toEqual(['gateway-laon.yaml']);
    const endpoints = new Map(loadSimulatorConfig(join(CONFIG, 'simulator.yaml')).modbus.map((e) => [e.id, e]));
    const communes = loadCentralConfig(join(CONFIG, 'central.yaml')).seed.communes;
    const seen = new Set<string>();
    for (const file of ['gateway.yaml', ...more.moreGateways()]) {
      const { config } = loadGatewayConfig(join(CONFIG, file));
      expect({ file, insee: communes.some((c) => c.insee === config.commune.insee) }).toEqual({ file, insee: true });
      expect({ file, commune: seen.has(config.commune.insee) }).toEqual({ file, commune: false });
      seen.add(config.commune.insee);
      for (const bus of config.buses.filter((b) => b.protocol === 'modbus-tcp')) {
        expect({ file, bus: bus.id, simulated: endpoints.has(bus.id) }).toEqual({ file, bus: bus.id, simulated: true });
      }
    }
  });

  it('gives each gateway its own database and credential in the run', () => {
    const paths = ['gateway.yaml', ...more.moreGateways()].map((file) => {
      const { config } = loadGatewayConfig(more.gateway({}, undefined, file));
      return [config.storage.path, more.credentialFileOf(file)];
    });
    expect(new Set(paths.flat()).size).toBe(paths.length * 2);
    expect(readdirSync(more.dir).sort()).toEqual(['gateway-laon.yaml', 'gateway.yaml']);
  });
});

describe('npm start -- --fleet N', () => {
  it('adds N protocol-level gateways in communes of their own, some without street lighting, some offline', async () => {
    const central = await startCentral();
    const fleet = await startDemoFleet(central.url, { login: 'admin@useda', password: PASSWORD }, 10, () => undefined);
    try {
      const admin = await central.login('admin@useda');
      const communes = (await central.api(admin, 'GET', '/api/fleet')).body as {
        insee: string;
        gateways: { id: string; online: boolean }[];
      }[];
      const demo = communes.flatMap((c) => c.gateways.map((g) => ({ ...g, insee: c.insee })));
      expect(demo).toHaveLength(10);
      expect(demo.every((g) => g.id === `gw-demo-${g.insee}`)).toBe(true);
      expect(demo.filter((g) => !g.online).map((g) => g.id)).toEqual([demo[7]!.id]);
      // Seeded communes keep their own gateways, or none.
      expect(demo.some((g) => ['02691', '02408'].includes(g.insee))).toBe(false);

      const created = await central.api(admin, 'POST', '/api/templates', {
        id: 'voirie',
        name: 'Voirie',
        item: { kind: 'lighting', tag: 'eclairage-voirie', schedule: LIGHTING },
      });
      expect(created.status).toBe(201);
      const pushed = await central.api(admin, 'POST', '/api/templates/voirie/push', {
        communes: { insee: demo.map((g) => g.insee) },
      });
      expect(pushed.body.summary).toMatchObject({ 'no-output': 2, offline: 1 });
    } finally {
      fleet.close();
      await central.close();
    }
  });
});
