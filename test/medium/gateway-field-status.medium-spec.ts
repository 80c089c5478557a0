import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { cabinetAndBellsBuses, type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
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

interface HealthBus {
  busId: string;
  link: string;
  offline: { equipmentId: string; since: string; reason: string }[];
}

describe('gateway health: a bus whose link is down', () => {
  let gw: GatewayHarness;

  afterEach(async () => {
    await gw.close();
  });

  it('lists the units of a bus whose link is down as offline, saying why', async () => {
    const port = await closedPort();
    gw = await startGateway([
      {
        ...LINK,
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port,
        equipment: [
          { id: 'cab-1', profile: 'beffroi-sim-cabinet', unit: 1 },
          { id: 'cab-2', profile: 'beffroi-sim-cabinet', unit: 2 },
        ],
      },
    ]);
    const street = await waitFor(
      'GET /health: bus?.offline[0]?.reason.includes("ECONNREFUSED") === true',
      async () => ((await api(gw.url, 'GET', '/health')).body.buses as HealthBus[])[0],
      (bus) => bus?.offline[0]?.reason.includes('ECONNREFUSED') === true,
    );
    expect(street).toMatchObject({ busId: 'street', link: 'connecting' });
    expect(street?.offline.map((o) => o.equipmentId).sort()).toEqual(['cab-1', 'cab-2']);
    expect(street?.offline[0]?.reason).toMatch(/^bus link down: cannot connect \(.*ECONNREFUSED/);
  });
});

describe('observedAt of Modbus points', () => {
  let sim: SimulatorHarness;
  let central: CentralHarness;
  let gw: GatewayHarness;

  beforeAll(async () => {
    sim = await startCabinetAndBells({ feedbackDelay: '50ms', strikePulse: '200ms' });
    central = await startCentral();
    const admin = await central.login('admin@useda');
    const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as {
      code: string;
    };
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-'));
    gw = await startGateway(cabinetAndBellsBuses(sim, LINK), dir, {
      config: {
        central: {
          url: central.url,
          enrolmentCode: code,
          credentialFile: join(dir, 'gateway-credential'),
          telemetryInterval: '200ms',
          reconnectMin: '20ms',
          reconnectMax: '200ms',
        },
      },
    });
  });

  afterAll(async () => {
    await gw.close();
    await central.close();
    await sim.close();
  });

  it('is the time of the answer, on the gateway and as central stores it', async () => {
    const before = new Date().toISOString();
    const point = await waitFor(
      'GET /points: p?.observedAt !== undefined',
      async () =>
        (
          (await api(gw.url, 'GET', '/points')).body as { key: string; observedAt?: string; receivedAt?: string }[]
        ).find((p) => p.key === 'cabinet:selector'),
      (p) => p?.observedAt !== undefined,
    );
    expect(point?.observedAt).toBe(point?.receivedAt);
    expect((point?.observedAt ?? '') >= before).toBe(true);

    const admin = await central.login('admin@useda');
    const reported = await waitFor(
      'GET /api/gateways/gw-test/points: typeof p?.observedAt === "string"',
      async () => {
        const { body } = await central.api(admin, 'GET', '/api/gateways/gw-test/points');
        const equipment = body as { id: string; points: { id: string; observedAt: string | null }[] }[];
        return equipment.find((e) => e.id === 'cabinet')?.points.find((p) => p.id === 'selector');
      },
      (p) => typeof p?.observedAt === 'string',
    );
    expect((reported?.observedAt ?? '') >= before).toBe(true);
  });
});
