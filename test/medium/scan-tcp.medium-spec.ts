import { openTcpProbeLink, readDeviceIdentification, scanTcpEndpoint } from '@beffroi/fieldbus';
import { SystemClock } from '@beffroi/runtime';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';

let sim: SimulatorHarness;
const hooks = {
  now: () => performance.now(),
  open: (host: string, port: number) => openTcpProbeLink(host, port, 2000),
};

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [
            { id: 'cabinet', kind: 'lighting-cabinet', unit: 1, circuits: 6 },
            { id: 'bells', kind: 'bell-controller', unit: 3 },
            { id: 'broken', kind: 'register-bank', unit: 4 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
}, 60_000);

afterAll(() => sim.close());

describe('Modbus TCP endpoint scan', () => {
  it("finds the units behind the endpoint; a gateway's 'target absent' exception is no device", async () => {
    const result = await scanTcpEndpoint(
      { host: '127.0.0.1', port: sim.ports.street ?? 0 },
      { units: [1, 2, 3, 4, 5], timeoutMs: 500, identify: true },
      hooks,
    );
    expect(result).toMatchObject({ target: `127.0.0.1:${sim.ports.street}`, probed: 5, garbled: [] });
    expect(result.found.map((found) => found.unit)).toEqual([1, 3, 4]);
    expect(result.found[0]?.identity).toMatchObject({ vendorName: 'Beffroi', modelName: 'SIM-AEP-6' });
    expect(result.found[2]?.identityError).toBe('no Read Device Identification (exception 1, illegal function)');
  });

  it('reports a damaged answer as garbled, not as a device', async () => {
    expect((await control(sim, 'PUT', '/devices/broken/fault', { mode: 'corrupt' })).status).toBe(200);
    try {
      const result = await scanTcpEndpoint(
        { host: '127.0.0.1', port: sim.ports.street ?? 0 },
        { units: [4], timeoutMs: 500 },
        hooks,
      );
      expect(result.found).toEqual([]);
      expect(result.garbled).toEqual([
        { unit: 4, reason: 'answer to function 3 read of one address is malformed (4 bytes)' },
      ]);
    } finally {
      await control(sim, 'DELETE', '/devices/broken/fault');
    }
  });
});

describe('Read Device Identification (function 43) over Modbus TCP', () => {
  it('reads the basic category alone, and the regular one', async () => {
    const link = await hooks.open('127.0.0.1', sim.ports.street ?? 0);
    try {
      const exchange = async (request: Buffer) => {
        const outcome = await link.exchange(3, request, 500);
        if (outcome.kind !== 'answer') throw new Error(`no answer: ${outcome.kind}`);
        return outcome.pdu;
      };
      await expect(readDeviceIdentification(exchange, 'basic')).resolves.toEqual({
        vendorName: 'Beffroi',
        productCode: 'SIM-CLOCHES',
        revision: '2.1',
        conformityLevel: 0x82,
      });
      await expect(readDeviceIdentification(exchange, 'regular')).resolves.toEqual({
        vendorName: 'Beffroi',
        productCode: 'SIM-CLOCHES',
        revision: '2.1',
        productName: 'Simulated belfry controller',
        modelName: 'SIM-CLOCHES-3',
        userApplicationName: 'bells',
        conformityLevel: 0x82,
      });
    } finally {
      await link.close();
    }
  });
});
