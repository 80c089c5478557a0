import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { modbusRtuBusSchema, type Profile } from '@beffroi/domain';
import { bindBusPoints, type BoundPoint, ModbusDriver } from '@beffroi/fieldbus';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { SystemClock } from '@beffroi/runtime';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const shipped = loadProfiles(join(__dirname, '..', '..', 'config', 'profiles'));
const bells = shipped.get('beffroi-sim-bells');
if (bells?.protocol !== 'modbus') throw new Error('no Modbus profile beffroi-sim-bells');
/** The shipped bell profile, saying where the controller has no coils. */
const declared: Profile = {
  ...bells,
  id: 'bells-declared',
  readPlan: { noBridge: [{ table: 'coil', from: 3, to: 15 }] },
};
const profiles = new Map<string, Profile>([...shipped, [declared.id, declared]]);

let pty: PtyPair;
let sim: SimulatorHarness;
let driver: ModbusDriver;
let points: BoundPoint[];
const warnings: string[] = [];

beforeAll(async () => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
  pty = await openPtyPair();
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'belfry',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: [
            { id: 'found', kind: 'bell-controller', unit: 2, bells: 3 },
            { id: 'declared', kind: 'bell-controller', unit: 3, bells: 3 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
  const bus = modbusRtuBusSchema.parse({
    id: 'belfry',
    protocol: 'modbus-rtu',
    path: pty.master,
    baudRate: 19200,
    timeout: '300ms',
    interFrameGap: '2ms',
    equipment: [
      { id: 'found', profile: 'beffroi-sim-bells', unit: 2 },
      { id: 'declared', profile: 'bells-declared', unit: 3 },
    ],
  });
  points = bindBusPoints(bus, profiles);
  driver = new ModbusDriver(bus, points);
  await driver.start();
  await waitFor(
    'driver.health().link: link === "connected"',
    () => driver.health().link,
    (link) => link === 'connected',
  );
}, 60_000);

afterAll(async () => {
  await driver.stop();
  await sim.close();
  await pty.close();
  jest.restoreAllMocks();
});

const notGood = (samples: { key: string; quality: { status: string } }[]) =>
  samples.filter((sample) => sample.quality.status !== 'good').map((sample) => sample.key);

describe('a bell controller with holes in its coils, on a real serial line (pty pair)', () => {
  it('reads every point good from the first read, whether the profile declares the holes or not', async () => {
    const first = await driver.read(points);
    expect(first).toHaveLength(2 * 16);
    expect(notGood(first)).toEqual([]);
    expect(notGood(await driver.read(points))).toEqual([]);
  });

  it('says once what it learned for the profile that does not declare them, and nothing for the one that does', () => {
    const learned = warnings.filter((line) => line.includes('exception 2'));
    expect(learned).toEqual([
      'bus belfry: unit 2 (found) answered exception 2 (illegal data address) to coil 0..18: reading coil 0..2, ' +
        "16..18 apart from now on (the profile's readPlan.noBridge can say so from the start)",
    ]);
  });
});
