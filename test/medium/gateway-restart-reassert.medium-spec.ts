import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ModbusRTU from 'modbus-serial';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/** Circuit 1 on from 18:00 to 23:00, Paris time. */
const LIGHTING = `
calendar: { defaultProgrammeId: soir, rules: [] }
programmes:
  soir:
    points:
      - { at: '18:00', value: true }
      - { at: '23:00', value: false }
`;

interface Circuit {
  command: boolean;
  level: number;
}

let sim: SimulatorHarness;
let dir: string;
let gw: GatewayHarness | undefined;

function gateway(bootAt: Date): Promise<GatewayHarness> {
  return startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        timeout: '300ms',
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
    ],
    dir,
    {
      bootAt,
      files: { 'lighting.yaml': LIGHTING },
      config: {
        clock: { mode: 'adjustable' },
        control: { minimumOnOff: '30s' },
        schedules: [{ id: 'soir', kind: 'lighting', file: 'lighting.yaml', outputs: ['cabinet:circuit.1.command'] }],
      },
    },
  );
}

async function circuits(): Promise<Circuit[]> {
  return ((await control(sim, 'GET', '/devices/cabinet')).body as { circuits: Circuit[] }).circuits;
}

async function writesSince(n: number): Promise<{ table: string; address: number; value: boolean | number }[]> {
  const { writes } = (await control(sim, 'GET', '/devices/cabinet/writes')).body as {
    writes: { n: number; table: string; address: number; value: boolean | number }[];
  };
  return writes.filter((w) => w.n > n).map(({ table, address, value }) => ({ table, address, value }));
}

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '50ms', strikePulse: '200ms' });
  dir = mkdtempSync(join(tmpdir(), 'beffroi-reassert-'));
});

afterAll(async () => {
  await gw?.app.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a gateway restart re-asserts every output it holds, once, with what should be true now', () => {
  it('writes again the overridden outputs someone changed on site while it was down, and the schedule value only', async () => {
    gw = await gateway(new Date('2027-01-04T19:00:00Z'));
    const url = gw.url;
    await api(url, 'PUT', '/outputs/cabinet:circuit.3.command/override', { value: true, permanent: true });
    await api(url, 'PUT', '/outputs/cabinet:circuit.2.level/override', { value: 40, permanent: true });
    await api(url, 'PUT', '/outputs/cabinet:circuit.4.level/override', { value: 60, permanent: true });
    const before = await waitFor(
      'circuits: c[0]?.command === true && c[2]?.command === true && c[1]?.level === 40 && c[3]?.level === 60',
      circuits,
      (c) => c[0]?.command === true && c[2]?.command === true && c[1]?.level === 40 && c[3]?.level === 60,
    );
    expect(before.map((c) => [c.command, c.level])).toEqual([
      [true, 100],
      [false, 40],
      [true, 100],
      [false, 60],
    ]);
    await gw.app.close();

    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: sim.ports.street ?? 0 });
    client.setID(1);
    await client.writeCoils(0, [true, true, false, true]);
    await client.writeRegisters(0, [0, 0, 0]);
    await new Promise<void>((resolve) => client.close(() => resolve()));
    const mark = ((await control(sim, 'GET', '/devices/cabinet/writes')).body as { total: number }).total;

    // Back at noon the next day: the schedule says off for circuit 1, the overrides still hold circuits 2 and 3.
    gw = await gateway(new Date('2027-01-05T11:00:00Z'));
    const after = await waitFor(
      'circuits: c[0]?.command === false && c[2]?.command === true && c[1]?.level === 40',
      circuits,
      (c) => c[0]?.command === false && c[2]?.command === true && c[1]?.level === 40,
    );
    expect(after.map((c) => [c.command, c.level])).toEqual([
      [false, 0],
      [true, 40],
      [true, 0],
      [true, 60],
    ]);
    // Circuit 4's level read since the restart, then a few checks of the restored outputs later: nothing more written.
    await waitFor(
      'GET /points: points.find((p) => p.key === "cabinet:circuit.4.level")?.quality.status === "good"',
      async () => (await api(gw!.url, 'GET', '/points')).body as { key: string; quality: { status: string } }[],
      (points) => points.find((p) => p.key === 'cabinet:circuit.4.level')?.quality.status === 'good',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Each held output changed on site written once, circuit 1 straight to the schedule's value (never the one stored
    // before the stop); circuit 4's level, which still showed its override, and the outputs the gateway never held are
    // left alone.
    expect((await writesSince(mark)).sort((a, b) => a.table.localeCompare(b.table) || a.address - b.address)).toEqual([
      { table: 'coil', address: 0, value: false },
      { table: 'coil', address: 2, value: true },
      { table: 'holding-register', address: 1, value: 40 },
    ]);
    expect((await api(gw.url, 'GET', '/switchings?key=cabinet:circuit.4.level')).body).toHaveLength(1);
  });
});
