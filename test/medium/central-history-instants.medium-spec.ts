import { historyPage } from '@beffroi/api';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * The protocol lets a gateway write an instant with any UTC offset. Central keeps instants in UTC, so that its
 * lists come out in the order of time, not in the order of the text a gateway happened to write.
 */

let central: CentralHarness;
let gateway: ProtocolGateway;
let reader: string;

beforeAll(async () => {
  central = await startCentral();
  const admin = await central.login('admin@useda');
  reader = await central.login('lecteur@02691');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-offsets' }))
    .body as { credential: string };
  gateway = new ProtocolGateway('gw-offsets', credential, central.wsUrl);
  await gateway.connect();
  // 16:00Z, then 16:10Z written at UTC−1 (its text sorts first), then 16:05Z.
  for (const at of ['2026-12-01T16:00:00.000Z', '2026-12-01T15:10:00.000-01:00', '2026-12-01T16:05:00.000Z']) {
    gateway.append({
      class: 'switching',
      payload: {
        pointKey: 'cabinet:circuit.2.command',
        value: true,
        source: 'schedule:eclairage',
        result: 'applied',
        at,
      },
    });
  }
  gateway.flush();
  await gateway.drained();
});

afterAll(async () => {
  gateway.close();
  await central.close();
});

describe('instants written with an offset', () => {
  it('are kept in UTC, so the history lists switchings newest first whatever offset the gateway wrote', async () => {
    const page = historyPage.parse(
      (await central.api(reader, 'GET', '/api/communes/02691/history?kind=switchings&limit=10')).body,
    );
    expect(page.items.map((item) => item.at)).toEqual([
      '2026-12-01T16:10:00.000Z',
      '2026-12-01T16:05:00.000Z',
      '2026-12-01T16:00:00.000Z',
    ]);
  });
});
