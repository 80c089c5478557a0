import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { type GatewayHarness, startGateway } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

const LINK = { timeout: '300ms', reconnectMin: '20ms', reconnectMax: '200ms' };

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface EquipmentHealth {
  online: boolean;
  reason?: string;
  state?: string;
  bus?: string;
}

describe("an offline equipment's state, as a code central passes on to the console", () => {
  let central: CentralHarness;
  let gw: GatewayHarness;

  beforeAll(async () => {
    central = await startCentral();
    const admin = await central.login('admin@useda');
    const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as {
      code: string;
    };
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-'));
    const bus = {
      ...LINK,
      id: 'street',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: await closedPort(),
      equipment: [{ id: 'cab-1', profile: 'beffroi-sim-cabinet', unit: 1 }],
    };
    gw = await startGateway([bus], dir, {
      config: {
        central: {
          url: central.url,
          enrolmentCode: code,
          credentialFile: join(dir, 'gateway-credential'),
          reconnectMin: '20ms',
          reconnectMax: '200ms',
        },
      },
    });
  });

  afterAll(async () => {
    await gw.close();
    await central.close();
  });

  it("reports a unit whose bus cannot connect with the bus and the state 'bus-connecting', beside its English reason", async () => {
    const admin = await central.login('admin@useda');
    const health = await waitFor(
      "cab-1's health reported to central",
      async () => {
        const { body } = await central.api(admin, 'GET', '/api/communes/02691');
        const gateways = (
          body as { gateways: { id: string; health: { equipment: Record<string, EquipmentHealth> } | null }[] }
        ).gateways;
        return gateways.find((g) => g.id === 'gw-test')?.health?.equipment['cab-1'];
      },
      (equipment: EquipmentHealth | undefined) => equipment !== undefined,
    );
    expect(health).toEqual({
      online: false,
      reason: 'bus street is connecting',
      state: 'bus-connecting',
      bus: 'street',
    });
  });
});
