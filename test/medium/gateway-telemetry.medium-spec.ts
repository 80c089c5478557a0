import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@beffroi/runtime';
import { ControlService } from '../../apps/gateway/src/control/control.service';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const CMD = 'cabinet:circuit.1.command';
const FEEDBACK = 'cabinet:circuit.1.feedback';

let sim: SimulatorHarness;
let peer: SyncPeer;
let gw: GatewayHarness | undefined;

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, feedbackDelay: '20ms' }],
        },
      ],
    },
    new SystemClock(),
  );
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
});

afterAll(async () => {
  await gw?.close();
  await peer.close();
  await sim.close();
});

/** An enrolled gateway reading the cabinet, its telemetry every `telemetryInterval`. */
function gateway(telemetryInterval: string): Promise<GatewayHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-telemetry-'));
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, `${CREDENTIAL}\n`, { mode: 0o600 });
  const bus = {
    id: 'street',
    protocol: 'modbus-tcp',
    host: '127.0.0.1',
    port: sim.ports.street,
    timeout: '300ms',
    verifyTimeout: '2s',
    equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
  };
  return startGateway([bus], dir, {
    config: {
      control: { minimumOnOff: '0s' },
      central: { url: peer.url, credentialFile, telemetryInterval, healthInterval: '1h' },
    },
  });
}

function messagesPerPoint(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { payload } of peer.appliedOf('telemetry')) {
    counts.set(payload.pointKey, (counts.get(payload.pointKey) ?? 0) + 1);
  }
  return counts;
}

describe('telemetry to central', () => {
  it('sends every point again each interval while its value holds, and a change with its newest value', async () => {
    gw = await gateway('200ms');
    const keys = ((await api(gw.url, 'GET', '/points')).body as { key: string }[]).map((p) => p.key);
    expect(keys.length).toBeGreaterThan(20);

    // Values that hold are sent again and again: every point, three times at least.
    const counts = await waitFor(
      'every point sent three times',
      () => messagesPerPoint(),
      (c) => keys.every((key) => (c.get(key) ?? 0) >= 3),
      { timeoutMs: 20_000 },
    );
    expect(keys.filter((key) => (counts.get(key) ?? 0) < 3)).toEqual([]);

    // A change reaches central with its newest value: the feedback follows the command.
    const last = () => peer.appliedOf('telemetry').findLast((e) => e.payload.pointKey === FEEDBACK);
    const before = last()?.payload.value;
    expect(typeof before).toBe('boolean');
    await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value: !before, owner: 'test', permanent: true });
    await gw.app.get(ControlService).idle(CMD);
    const after = await waitFor('the feedback change sent to central', last, (e) => e?.payload.value === !before, {
      timeoutMs: 20_000,
    });
    expect(after?.payload.value).toBe(!before);
  });

  it("keeps up with its own points' telemetry at the default drain rate, however many points it has", async () => {
    await gw?.close();
    // About 30 points every 50 ms: 600 messages a second, three times the default drain of 200 a second. The drain
    // paces the catching up after an outage; what the points produce steadily must flow on top of it, or telemetry
    // piles up in the outbox and reaches central later and later.
    gw = await gateway('50ms');
    const running = gw;
    const pointCount = ((await api(running.url, 'GET', '/points')).body as unknown[]).length;
    await waitFor(
      'central connected',
      async () => (await api(running.url, 'GET', '/sync')).body,
      (sync) => (sync as { state: string }).state === 'connected',
    );
    const pending: number[] = [];
    for (let second = 0; second < 5; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const sync = (await api(running.url, 'GET', '/sync')).body as { outbox: { telemetry: number } };
      pending.push(sync.outbox.telemetry);
    }
    expect({ pointCount, pending: pending.filter((n) => n > 3 * pointCount) }).toEqual({ pointCount, pending: [] });
  });
});
