import { centralConfig } from '../../apps/central/src/central.config';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';
import { waitFor } from '../support/wait-for';

let central: CentralHarness;
let admin: string;

async function enrol(gatewayId: string): Promise<ProtocolGateway> {
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  return new ProtocolGateway(gatewayId, credential, central.wsUrl);
}

interface GatewayView {
  online: boolean;
  lastSeenAt: string | null;
}

interface AlarmView {
  gatewayId: string;
  key: string;
  state: string;
  severity: string;
  raisedAt: string;
  clearedAt: string | null;
}

const gatewayView = async (id: string) => (await central.api(admin, 'GET', `/api/gateways/${id}`)).body as GatewayView;
const alarms = async (query = '') => (await central.api(admin, 'GET', `/api/alarms${query}`)).body as AlarmView[];

beforeEach(async () => {
  // One second of silence makes a gateway offline (the default, 45 s, is within the 60 s promised).
  central = await startCentral({ config: { sync: { offlineAfter: '1s' } } });
  admin = await central.login('admin@useda');
});

afterEach(async () => {
  await central.close();
});

describe('a gateway that goes silent is offline in time', () => {
  it('by default, declares a silent gateway offline within 60 s of its last frame', () => {
    const { offlineAfter } = centralConfig({}).sync;
    expect(offlineAfter).toBeLessThanOrEqual(60_000);
    expect(() => centralConfig({ sync: { offlineAfter: '0s' } })).toThrow(/offlineAfter/);
  });

  it('turns a frozen gateway offline, raises the gateway offline alarm, and clears it when it reconnects', async () => {
    const gateway = await enrol('gw-frozen');
    await gateway.connect();
    expect(await gatewayView('gw-frozen')).toMatchObject({ online: true });
    const frozenAt = new Date();
    gateway.freeze();

    const offline = await waitFor(
      'gatewayView("gw-frozen"): !view.online',
      () => gatewayView('gw-frozen'),
      (view) => !view.online,
      { timeoutMs: 15_000 },
    );
    expect(offline.online).toBe(false);
    // The last frame it sent, not the moment central noticed.
    expect(Date.parse(offline.lastSeenAt ?? '')).toBeLessThanOrEqual(frozenAt.getTime());
    const open = await waitFor(
      'alarms(): list.length > 0',
      () => alarms(),
      (list) => list.length > 0,
    );
    expect(open).toEqual([
      expect.objectContaining({ gatewayId: 'gw-frozen', key: 'gateway.offline', state: 'open', severity: 'warning' }),
    ]);
    const audit = (await central.api(admin, 'GET', '/api/audit?commune=02691')).body as {
      action: string;
      target: string;
      result: string;
    }[];
    expect(audit[0]).toMatchObject({ action: 'alarm.raise', target: 'gw-frozen/gateway.offline', result: 'ok' });

    gateway.cut();
    await gateway.connect();
    expect(await gatewayView('gw-frozen')).toMatchObject({ online: true });
    expect(await alarms()).toEqual([]);
    expect(await alarms('?all=true')).toEqual([
      expect.objectContaining({ key: 'gateway.offline', state: 'cleared', clearedAt: expect.any(String) }),
    ]);
    gateway.close();
  });

  it('keeps a quiet gateway online as long as it answers the pings, with lastSeenAt following its pongs', async () => {
    const gateway = await enrol('gw-quiet');
    await gateway.connect();
    const connectedAt = Date.parse((await gatewayView('gw-quiet')).lastSeenAt ?? '');
    // Three times the silence allowed, without a single report.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const view = await gatewayView('gw-quiet');
    expect(view.online).toBe(true);
    expect(Date.parse(view.lastSeenAt ?? '')).toBeGreaterThan(connectedAt);
    expect(await alarms()).toEqual([]);
    gateway.close();
  });
});
