import { historyPage } from '@beffroi/api';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * A commune's history for the console's Historique page (issue 11, item 4): switchings, commands with the person
 * behind each, the audit log for roles that may read it; named from the catalogue, newest first, page by page.
 */

let central: CentralHarness;
let admin: string;
let agent: string;
let reader: string;
let gateway: ProtocolGateway;
const SWITCHINGS = 7;

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  agent = await central.login('agent@02691');
  reader = await central.login('lecteur@02691');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-history' }))
    .body as { credential: string };
  gateway = new ProtocolGateway('gw-history', credential, central.wsUrl);
  await gateway.connect();
  for (let index = 0; index < SWITCHINGS; index += 1) {
    gateway.append({
      class: 'switching',
      payload: {
        pointKey: 'cabinet:circuit.2.command',
        value: index % 2 === 0,
        source: 'schedule:eclairage',
        result: 'applied',
        at: new Date(Date.UTC(2026, 11, 1, 16, index)).toISOString(),
      },
    });
  }
  gateway.flush();
  await gateway.drained();
  const sent = await central.api(agent, 'POST', '/api/gateways/gw-history/commands', {
    action: 'switch',
    pointKey: 'cabinet:circuit.1.command',
    value: true,
  });
  expect(sent.status).toBe(202);
});

afterAll(async () => {
  gateway.close();
  await central.close();
});

const history = (token: string, query: string) => central.api(token, 'GET', `/api/communes/02691/history?${query}`);

describe('GET /api/communes/:insee/history', () => {
  it('pages through the switchings, newest first, with the catalogue names of point and equipment', async () => {
    const first = historyPage.parse((await history(reader, 'kind=switchings&limit=3')).body);
    expect(first.nextOffset).toBe(3);
    expect(first.items.map((item) => item.at)).toEqual([
      '2026-12-01T16:06:00.000Z',
      '2026-12-01T16:05:00.000Z',
      '2026-12-01T16:04:00.000Z',
    ]);
    expect(first.items[0]).toMatchObject({
      gatewayId: 'gw-history',
      pointKey: 'cabinet:circuit.2.command',
      pointName: 'Départ 2 — commande contacteur',
      equipmentName: 'Armoire',
      what: 'schedule:eclairage',
      value: true,
      result: 'applied',
      by: null,
    });
    const last = historyPage.parse((await history(reader, 'kind=switchings&limit=3&offset=6')).body);
    expect([last.items.map((item) => item.at), last.nextOffset]).toEqual([['2026-12-01T16:00:00.000Z'], null]);
  });

  it('gives each command the login and the name of the person who sent it', async () => {
    const { items } = historyPage.parse((await history(reader, 'kind=commands')).body);
    expect(items[0]).toMatchObject({
      pointKey: 'cabinet:circuit.1.command',
      pointName: 'Départ 1 — commande contacteur',
      what: 'switch',
      value: true,
      by: 'agent@02691',
      byName: 'Agent Saint-Quentin',
    });
  });

  it('gives the audit log to the roles that may read it, not to a read-only account', async () => {
    const { items } = historyPage.parse((await history(agent, 'kind=audit&limit=200')).body);
    expect(items).toContainEqual(
      expect.objectContaining({
        what: 'command.switch',
        target: 'gw-history/cabinet:circuit.1.command',
        by: 'agent@02691',
        byName: 'Agent Saint-Quentin',
      }),
    );
    expect((await history(reader, 'kind=audit')).status).toBe(403);
  });

  it('refuses a bad query with a 400 naming the parameter, and answers another tenant’s commune like an unknown one (404)', async () => {
    for (const [query, path] of [
      ['kind=alarms', 'kind'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['page=2', ''],
    ]) {
      const answer = await history(agent, query ?? '');
      expect({
        query,
        status: answer.status,
        paths: (answer.body as { problems: { path: string }[] }).problems.map((p) => p.path),
      }).toEqual({
        query,
        status: 400,
        paths: [path],
      });
    }
    expect((await central.api(agent, 'GET', '/api/communes/02408/history')).status).toBe(404);
  });
});
