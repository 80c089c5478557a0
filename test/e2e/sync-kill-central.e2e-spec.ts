import { ProcessHarness, request } from '../support/process-harness';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-saint-quentin-centre';
const CABINET = 'cabinet-hotel-de-ville';
/** Overrides through the gateway's local API while central is down: each one a switching to report. */
const OVERRIDES = 240;
const OUTPUTS = [1, 2, 3, 4].flatMap((circuit) => [
  `${CABINET}:circuit.${circuit}.command`,
  `${CABINET}:circuit.${circuit}.level`,
]);

/** A switching as the gateway recorded it (GET /switchings on its local API). */
interface GatewaySwitching {
  id: number;
  at: string;
  key: string;
  value: unknown;
  slot: number | null;
  cause: string;
  result: string;
  reason: string | null;
}

/** The same as central stored it (GET /api/gateways/:id/switchings). */
interface CentralSwitching {
  seq: number;
  at: string;
  pointKey: string;
  value: unknown;
  slot: number | null;
  source: string;
  result: string;
  reason: string | null;
}

describe('central killed -9 while the gateway drains the backlog of an outage', () => {
  let harness: ProcessHarness;
  let token: string;
  const central = async (path: string) =>
    (await request(`${harness.url('central')}${path}`, 'GET', undefined, token)).body;
  const gateway = async (path: string, method: 'GET' | 'PUT' = 'GET', body?: unknown) =>
    (await request(`${harness.url('gateway')}${path}`, method, body)).body;
  const centralSwitchings = async () =>
    ((await central(`/api/gateways/${GATEWAY}/switchings?limit=1000`)) as CentralSwitching[]).sort(
      (a, b) => a.seq - b.seq,
    );
  const gatewaySwitchings = async () =>
    ((await gateway('/switchings?limit=1000')) as GatewaySwitching[]).sort((a, b) => a.id - b.id);
  const context = () => harness.logTail('gateway', 'central');

  beforeAll(async () => {
    harness = await ProcessHarness.start({
      gateway: (config) => {
        config.control = { ...(config.control as object), minimumOnOff: '0s' };
      },
      // A slow drain, so that central can be killed in the middle of it; quick reconnects.
      gatewayCentral: { reconnectMin: '100ms', reconnectMax: '1s', drain: { perSecond: 40, burst: 20 } },
    });
    token = await harness.login('agent@02691', 'demo-agent-02691');
    await waitFor(
      'the gateway online on central',
      () => central(`/api/gateways/${GATEWAY}`),
      (described) => described?.online === true,
      { timeoutMs: 30_000, context },
    );
  }, 120_000);

  afterAll(async () => {
    await harness.close();
  });

  it('stores every switching once, in seq order, the same as the gateway recorded, whatever the kill cut', async () => {
    await harness.kill('central');
    const last = new Map<string, unknown>();
    for (let i = 0; i < OVERRIDES; i++) {
      const key = OUTPUTS[i % OUTPUTS.length] ?? '';
      const round = Math.floor(i / OUTPUTS.length);
      const value = key.endsWith('.level') ? 1 + (round % 99) : round % 2 === 0;
      await gateway(`/outputs/${key}/override`, 'PUT', { value, permanent: true });
      last.set(key, value);
    }
    // Overrides of one output faster than its verified write fold into fewer switchings: wait for the last ones.
    await waitFor(
      'every output switched to its last override',
      gatewaySwitchings,
      (list) => OUTPUTS.every((key) => list.filter((s) => s.key === key).at(-1)?.value === last.get(key)),
      { timeoutMs: 60_000, context },
    );
    const backlog = ((await gateway('/sync')) as { outbox: { switching: number } }).outbox.switching;
    expect(backlog).toBeGreaterThan(OUTPUTS.length * 10);

    await harness.restart('central');
    const before = (await centralSwitchings()).length;
    const midDrain = await waitFor(
      'central storing the backlog',
      async () => (await centralSwitchings()).length - before,
      (stored) => stored >= backlog / 4,
      { timeoutMs: 60_000, context },
    );
    await harness.kill('central');
    expect(midDrain).toBeLessThan(backlog);

    await harness.restart('central');
    const [stored, recorded] = await waitFor(
      'central holding every switching the gateway recorded',
      async () => {
        const status = (await gateway('/sync')) as { outbox: { switching: number } };
        return [await centralSwitchings(), await gatewaySwitchings(), status.outbox.switching] as const;
      },
      ([atCentral, atGateway, waiting]) => waiting === 0 && atCentral.length >= atGateway.length,
      { timeoutMs: 90_000, context },
    );
    expect(
      stored.map(({ at, pointKey, value, slot, source, result, reason }) => ({
        at,
        key: pointKey,
        value,
        slot,
        cause: source,
        result,
        reason,
      })),
    ).toEqual(
      recorded.map(({ at, key, value, slot, cause, result, reason }) => ({
        at,
        key,
        value,
        slot,
        cause,
        result,
        reason,
      })),
    );
  }, 170_000);
});
