import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@beffroi/runtime';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';

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
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1 }],
        },
      ],
    },
    new SystemClock(),
  );
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
});

afterAll(async () => {
  await peer.close();
  await sim.close();
});

afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function boot(dir: string): Promise<GatewayHarness> {
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, `${CREDENTIAL}\n`, { mode: 0o600 });
  const started = await startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
    ],
    dir,
    { config: { central: { url: peer.url, credentialFile, reconnectMin: '20ms', reconnectMax: '300ms' } } },
  );
  await waitFor(
    'GET /sync: status.connected',
    async () => (await api(started.url, 'GET', '/sync')).body as { connected: boolean },
    (status) => status.connected,
  );
  return started;
}

describe("the outbox's incarnation", () => {
  it('is announced in every hello, kept across restarts, and new once the SQLite file is wiped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-incarnation-'));
    gw = await boot(dir);
    const first = peer.hellos.at(-1)?.incarnation;
    expect(first).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    await gw.app.close();

    gw = await boot(dir);
    expect(peer.hellos.at(-1)?.incarnation).toBe(first);
    await gw.app.close();

    // The store goes, the credential stays: the outbox starts over under a new incarnation.
    for (const file of ['gateway.sqlite', 'gateway.sqlite-wal', 'gateway.sqlite-shm'])
      rmSync(join(dir, file), { force: true });
    gw = await boot(dir);
    const wiped = peer.hellos.at(-1);
    expect(wiped?.incarnation).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(wiped?.incarnation).not.toBe(first);
    expect(wiped?.outbox.firstSeq).toBe(1);
  });
});
