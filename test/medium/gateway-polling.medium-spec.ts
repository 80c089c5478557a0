import { SystemClock } from '@beffroi/runtime';
import type { PollGroupStats } from '../../apps/gateway/src/points/poller.service';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

let sim: SimulatorHarness;
let gw: GatewayHarness;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the event loop busy for `ms`, as a gateway whose CPU is saturated: no timer can fire meanwhile. Then lets the
 * timers held back fire (the HTTP server closes its idle keep-alive connections) before the test asks anything.
 */
async function busy(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end);
  await sleep(200);
}

async function polling(): Promise<PollGroupStats> {
  const { body } = await api(gw.url, 'GET', '/health');
  const groups = (body as { polling: PollGroupStats[] }).polling.filter((g) => g.periodMs === 1000);
  expect(groups).toHaveLength(1);
  return groups[0]!;
}

interface Alarm {
  key: string;
  source: string;
  equipment: string;
  message: string;
}

async function alarms(): Promise<{ active: Alarm[]; cleared: Alarm[] }> {
  return (await api(gw.url, 'GET', '/alarms')).body as { active: Alarm[]; cleared: Alarm[] };
}

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cab-1', kind: 'lighting-cabinet', unit: 1 }],
        },
      ],
    },
    new SystemClock(),
  );
  gw = await startGateway([
    {
      id: 'street',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: sim.ports.street!,
      timeout: '2s',
      equipment: [{ id: 'cab-1', profile: 'beffroi-sim-cabinet', unit: 1 }],
    },
  ]);
  await waitFor(
    'GET /points: r.body.every((p: { quality: { status: string } }) => p.quality.status === "good")',
    () => api(gw.url, 'GET', '/points'),
    (r) => r.body.every((p: { quality: { status: string } }) => p.quality.status === 'good'),
  );
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

describe('poll accounting: every period is read or counted as missed', () => {
  it('counts the periods the gateway was too busy to start as missed, in /health', async () => {
    const before = await polling();
    await busy(3500);
    // A period begins and its poll ends.
    await sleep(1300);
    const after = await polling();
    expect(after.missed - before.missed).toBeGreaterThanOrEqual(2);
    expect(after.recentMissed).toBeGreaterThanOrEqual(2);
    // Every period begun is either read, missed, or the one under way.
    expect(after.due - after.done - after.missed).toBeGreaterThanOrEqual(0);
    expect(after.due - after.done - after.missed).toBeLessThanOrEqual(1);
    expect(after.oldestValueAgeMs).toEqual(expect.any(Number));
    expect(after.oldestValueAgeMs).toBeLessThan(after.periodMs * 2);
  }, 20_000);

  it('raises polling-overrun for a bus that cannot keep up, and clears it once it reads every period again', async () => {
    await busy(4500);
    const raised = await waitFor(
      'alarms(): a.active.some((alarm) => alarm.key === "polling-overrun:street")',
      () => alarms(),
      (a) => a.active.some((alarm) => alarm.key === 'polling-overrun:street'),
      { timeoutMs: 5000 },
    );
    expect(raised.active.find((alarm) => alarm.key === 'polling-overrun:street')).toMatchObject({
      source: 'polling-overrun',
      equipment: 'street',
      message: expect.stringMatching(/Le bus street ne suit pas/),
    });
    const cleared = await waitFor(
      'alarms(): a.cleared.some((alarm) => alarm.key === "polling-overrun:street")',
      () => alarms(),
      (a) => a.cleared.some((alarm) => alarm.key === 'polling-overrun:street'),
      { timeoutMs: 20_000 },
    );
    expect(cleared.active.map((alarm) => alarm.key)).not.toContain('polling-overrun:street');
    expect((await polling()).recentMissed).toBe(0);
  }, 40_000);
});
