import { ProcessHarness, request } from '../support/process-harness';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-saint-quentin-centre';

interface Alarm {
  gatewayId: string;
  key: string;
  state: string;
  clearedAt: string | null;
}

describe('a gateway process frozen by SIGSTOP', () => {
  let harness: ProcessHarness;
  let token: string;
  const central = async (path: string) =>
    (await request(`${harness.url('central')}${path}`, 'GET', undefined, token)).body;
  const offlineAlarms = async (query = '') =>
    ((await central(`/api/alarms${query}`)) as Alarm[]).filter((a) => a.key === 'gateway.offline');
  const context = () => harness.logTail('gateway', 'central');

  beforeAll(async () => {
    harness = await ProcessHarness.start({
      central: (config) => {
        config.sync = { ...(config.sync as object), offlineAfter: '2s' };
      },
      gatewayCentral: { reconnectMin: '100ms', reconnectMax: '1s' },
    });
    token = await harness.login('admin@useda', 'demo-admin-useda');
    await waitFor(
      'the gateway online on central',
      () => central(`/api/gateways/${GATEWAY}`),
      (described) => described?.online === true,
      { timeoutMs: 30_000, context },
    );
  }, 120_000);

  afterAll(async () => {
    harness.signal('gateway', 'SIGCONT');
    await harness.close();
  });

  it('turns offline within sync.offlineAfter with the gateway offline alarm, cleared once it runs again', async () => {
    const frozenAt = Date.now();
    harness.signal('gateway', 'SIGSTOP');
    const offline = await waitFor(
      'the frozen gateway offline on central',
      () => central(`/api/gateways/${GATEWAY}`),
      (described) => described?.online === false,
      { timeoutMs: 30_000, context },
    );
    expect(Date.parse(String(offline.lastSeenAt))).toBeLessThanOrEqual(frozenAt);
    expect(await offlineAlarms()).toEqual([expect.objectContaining({ gatewayId: GATEWAY, state: 'open' })]);

    harness.signal('gateway', 'SIGCONT');
    await waitFor(
      'the gateway online again',
      () => central(`/api/gateways/${GATEWAY}`),
      (described) => described?.online === true,
      { timeoutMs: 30_000, context },
    );
    expect(await offlineAlarms()).toEqual([]);
    expect(await offlineAlarms('?all=true')).toEqual([
      expect.objectContaining({ gatewayId: GATEWAY, state: 'cleared', clearedAt: expect.any(String) }),
    ]);
  }, 120_000);
});
