import { join } from 'node:path';
import { type ModbusTcpBusConfig, modbusTcpBusSchema } from '@beffroi/domain';
import { bindBusPoints, ModbusDriver, type BoundPoint } from '@beffroi/fieldbus';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { ManualClock } from '@beffroi/runtime';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const profiles = loadProfiles(join(__dirname, '..', '..', 'config', 'profiles'));
const clock = new ManualClock(Date.UTC(2027, 0, 1, 17, 0, 0));
let sim: SimulatorHarness;
let driver: ModbusDriver;
let points: BoundPoint[];

function busConfig(port: number): ModbusTcpBusConfig {
  return modbusTcpBusSchema.parse({
    id: 'street',
    protocol: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    timeout: 300,
    equipment: [
      { id: 'cab-1', profile: 'beffroi-sim-cabinet', unit: 1 },
      { id: 'cab-2', profile: 'beffroi-sim-cabinet', unit: 2 },
    ],
    offlineAfter: 2,
    probeMin: 200,
  });
}

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [
            { id: 'cab-1', kind: 'lighting-cabinet', unit: 1 },
            { id: 'cab-2', kind: 'lighting-cabinet', unit: 2 },
          ],
        },
      ],
    },
    clock,
  );
  const bus = busConfig(sim.ports.street!);
  points = bindBusPoints(bus, profiles);
  driver = new ModbusDriver(bus, points);
  await driver.start();
  await waitFor(
    'driver.health().link: link === "connected"',
    () => driver.health().link,
    (link) => link === 'connected',
  );
});

afterAll(async () => {
  await driver.stop();
  await sim.close();
});

const point = (key: string) => points.find((p) => p.key === key)!;

describe('ModbusDriver against the simulated cabinet over Modbus TCP', () => {
  it('reads every point of two cabinets with good quality and decoded values', async () => {
    const samples = await driver.read(points);
    expect(samples).toHaveLength(points.length);
    expect(samples.filter((s) => s.quality.status !== 'good')).toEqual([]);
    const byKey = new Map(samples.map((s) => [s.key, s.value]));
    expect(byKey.get('cab-1:selector')).toBe('auto');
    expect(byKey.get('cab-2:meter.l1.voltage')).toBeCloseTo(230, 3);
    expect(byKey.get('cab-1:circuit.2.level')).toBe(100);
  });

  it('writes a command and reads its feedback after the contactor delay', async () => {
    const notAfter = new Date(Date.now() + 5000);
    await expect(driver.write(point('cab-1:circuit.3.command'), true, notAfter)).resolves.toEqual({
      status: 'written',
    });
    await clock.advance(200);
    const [feedback] = await driver.read([point('cab-1:circuit.3.feedback')]);
    expect(feedback).toMatchObject({ value: true, quality: { status: 'good' } });
  });

  it('refuses a value the point cannot hold, naming the point', async () => {
    const ack = await driver.write(point('cab-1:circuit.1.level'), 70_000, new Date(Date.now() + 5000));
    expect(ack).toMatchObject({ status: 'failed', reason: expect.stringContaining('circuit.1.level') });
  });

  it('turns a Modbus exception into bad quality with its code', async () => {
    await control(sim, 'PUT', '/devices/cab-2/fault', { mode: 'exception', code: 2 });
    const samples = await driver.read(points.filter((p) => p.equipmentId === 'cab-2'));
    await control(sim, 'DELETE', '/devices/cab-2/fault');
    expect(new Set(samples.map((s) => s.quality.status))).toEqual(new Set(['bad']));
    expect(samples[0]?.quality).toMatchObject({ reason: expect.stringMatching(/^exception 2/) });
  });

  it('marks a silent unit offline while the other keeps answering, and brings it back', async () => {
    await control(sim, 'PUT', '/devices/cab-2/fault', { mode: 'no-answer' });
    const cab1 = points.filter((p) => p.equipmentId === 'cab-1');
    const cab2 = points.filter((p) => p.equipmentId === 'cab-2');
    await waitFor(
      'driver.read(cab2): driver.health().offline.length > 0',
      () => driver.read(cab2),
      () => driver.health().offline.length > 0,
    );
    expect(driver.health().offline).toEqual([expect.objectContaining({ equipmentId: 'cab-2' })]);
    const fast = await driver.read(cab2);
    expect(fast[0]?.quality).toMatchObject({ status: 'bad', reason: expect.stringMatching(/^offline/) });
    expect((await driver.read(cab1)).every((s) => s.quality.status === 'good')).toBe(true);
    await control(sim, 'DELETE', '/devices/cab-2/fault');
    await waitFor(
      'driver.read(cab2): driver.health().offline.length === 0',
      () => driver.read(cab2),
      () => driver.health().offline.length === 0,
    );
    expect(driver.health().offline).toEqual([]);
  });
});
