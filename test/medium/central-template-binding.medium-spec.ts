import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { templateBinding } from '@beffroi/api';
import { parse } from 'yaml';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * The preview of a template on one commune (issue 12, item 2): central binds the template by tag on each gateway of
 * the commune as a push would, without pushing, and says at which reported site it would run; a real central and
 * SQLite file, protocol-level gateways.
 */

const LIGHTING = parse(
  readFileSync(join(__dirname, '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml'), 'utf8'),
) as unknown;
const PROFILES = loadProfiles(resolve(__dirname, '..', '..', 'config', 'profiles'));
const TAG = 'eclairage-voirie';
const SITES = [
  { id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, altitude: 0, timeZone: 'Europe/Paris' },
  { id: 'stade', name: 'Stade', latitude: 49.85, longitude: 3.3, altitude: 0, timeZone: 'Europe/Paris' },
];

let central: CentralHarness;
let admin: string;
const gateways: ProtocolGateway[] = [];

async function connected(insee: string, gatewayId: string, tags: Record<string, string[]>, site?: string) {
  const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const gateway = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  gateways.push(gateway);
  gateway.catalogue = buildCatalogue(
    [{ id: 'cabinet', name: 'Armoire', profile: 'beffroi-sim-cabinet', tags, ...(site === undefined ? {} : { site }) }],
    PROFILES,
    [],
  );
  await gateway.connect();
  gateway.append({
    class: 'health',
    payload: {
      at: new Date().toISOString(),
      equipment: {},
      outbox: { telemetry: 0, switching: 0, output: 0, alarm: 0, commandResult: 0, health: 1 },
      sites: SITES,
    },
  });
  gateway.flush();
  await gateway.drained();
}

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  expect((await central.api(admin, 'POST', '/api/communes', { insee: ['02722'] })).status).toBe(201);
  await connected('02691', 'gw-centre', { 'circuit.1.command': [TAG], 'circuit.2.command': [TAG] }, 'stade');
  await connected('02722', 'gw-soissons', { 'circuit.1.command': ['eclairage-stade'] });
  const created = await central.api(admin, 'POST', '/api/templates', {
    id: 'eclairage-syndical',
    name: 'Éclairage de voirie du syndicat',
    item: { kind: 'lighting', tag: TAG, schedule: LIGHTING },
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

describe('GET /api/templates/{id}/bindings/{insee}', () => {
  it('binds the template by tag on each gateway of the commune, at the site of the equipment it drives, without pushing', async () => {
    const answer = await central.api(admin, 'GET', '/api/templates/eclairage-syndical/bindings/02691');
    expect(answer.status).toBe(200);
    expect(templateBinding.parse(answer.body)).toEqual({
      templateId: 'eclairage-syndical',
      version: 1,
      kind: 'lighting',
      tag: TAG,
      schedule: LIGHTING,
      commune: '02691',
      gateways: [
        {
          gatewayId: 'gw-centre',
          bound: ['cabinet:circuit.1.command', 'cabinet:circuit.2.command'],
          reason: null,
          site: { id: 'stade', name: 'Stade', timeZone: 'Europe/Paris' },
        },
      ],
    });
    const desired = (await central.api(admin, 'GET', '/api/gateways/gw-centre/desired')).body as {
      version: number;
      desired: { schedules: Record<string, unknown> };
    };
    expect(desired.desired.schedules['eclairage-syndical']).toBeUndefined();
    expect((await central.api(admin, 'GET', '/api/pushes')).body).toEqual([]);
  });

  it("says why nothing binds where no output carries the tag, at the gateway's first site", async () => {
    const answer = await central.api(admin, 'GET', '/api/templates/eclairage-syndical/bindings/02722');
    expect(answer.body.gateways).toEqual([
      {
        gatewayId: 'gw-soissons',
        bound: [],
        reason: 'no output with the tag "eclairage-voirie" on this gateway',
        site: { id: 'mairie', name: 'Mairie', timeZone: 'Europe/Paris' },
      },
    ]);
  });

  it('answers a commune without gateway with none, and an unknown or another syndicate’s commune alike with 404', async () => {
    expect((await central.api(admin, 'GET', '/api/templates/eclairage-syndical/bindings/02408')).body.gateways).toEqual(
      [],
    );
    const outside = await central.api(admin, 'GET', '/api/templates/eclairage-syndical/bindings/59350');
    const unknown = await central.api(admin, 'GET', '/api/templates/eclairage-syndical/bindings/80021');
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual({ ...unknown.body, message: String(unknown.body.message).replace('80021', '59350') });
    const agent = await central.login('agent@02691');
    const refused = await central.api(agent, 'GET', '/api/templates/eclairage-syndical/bindings/02691');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });
});
