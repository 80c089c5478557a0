import { communeOverview } from '@beffroi/api';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway, simulatorCatalogue } from '../support/protocol-gateway';

/**
 * `GET /api/communes/:insee/overview`: what "Ma commune" shows in one answer, the same as the three routes it
 * replaces for the page, within the caller's tenant only.
 */

let central: CentralHarness;
let agent: string;
const gateways: ProtocolGateway[] = [];

async function enrol(admin: string, gatewayId: string, reportsCatalogue: boolean): Promise<void> {
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const gateway = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  gateway.catalogue = reportsCatalogue ? simulatorCatalogue() : undefined;
  await gateway.connect();
  gateways.push(gateway);
}

beforeAll(async () => {
  central = await startCentral();
  const admin = await central.login('admin@useda');
  agent = await central.login('agent@02691');
  await enrol(admin, 'gw-described', true);
  await enrol(admin, 'gw-undescribed', false);
  const [described] = gateways;
  described?.append({
    class: 'alarm',
    payload: {
      key: 'cabinet:door',
      state: 'raised',
      severity: 'warning',
      message: 'Porte ouverte',
      at: '2026-12-03T17:00:00.000Z',
    },
  });
  described?.flush();
  await described?.drained();
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

describe('GET /api/communes/:insee/overview', () => {
  it('answers the commune, each catalogue (null before the first) and the alarms, as their own routes do', async () => {
    const { status, body } = await central.api(agent, 'GET', '/api/communes/02691/overview');
    expect(status).toBe(200);
    const overview = communeOverview.parse(body);
    const alone = await Promise.all([
      central.api(agent, 'GET', '/api/communes/02691'),
      central.api(agent, 'GET', '/api/gateways/gw-described/equipment'),
      central.api(agent, 'GET', '/api/gateways/gw-undescribed/equipment'),
      central.api(agent, 'GET', '/api/alarms?commune=02691&all=true&limit=200'),
    ]);
    expect(alone.map((answer) => answer.status)).toEqual([200, 200, 409, 200]);
    const [commune, described, , alarms] = alone;
    expect(overview).toEqual({
      commune: commune.body,
      catalogues: { 'gw-described': described.body, 'gw-undescribed': null },
      alarms: alarms.body,
    });
    expect(overview.alarms.map((alarm) => alarm.message)).toEqual(['Porte ouverte']);
  });

  it("answers another tenant's commune 404, like an unknown one, and a malformed code 400 naming it", async () => {
    const other = await central.api(agent, 'GET', '/api/communes/02408/overview');
    const unknown = await central.api(agent, 'GET', '/api/communes/99999/overview');
    expect([other.status, unknown.status]).toEqual([404, 404]);
    const malformed = await central.api(agent, 'GET', '/api/communes/abc/overview');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('INSEE code');
  });
});
