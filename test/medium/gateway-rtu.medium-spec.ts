import { ModbusDriver } from '@beffroi/fieldbus';
import { PointStore as PointStoreToken } from '../../apps/gateway/src/points/point-store.service';
import { SystemClock } from '@beffroi/runtime';
import { type GatewayHarness, startGateway } from '../support/gateway-harness';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const UNITS = Array.from({ length: 10 }, (_, i) => i + 1);
const SILENT = 5;

let pty: PtyPair;
let sim: SimulatorHarness;
let gw: GatewayHarness;
let driver: ModbusDriver;

const key = (unit: number, point: string) => `bells-${unit}:${point}`;
const bound = (unit: number, point: string) => gw.field.points.get(key(unit, point))!.bound;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  pty = await openPtyPair();
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'belfry',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: UNITS.map((unit) => ({ id: `bells-${unit}`, kind: 'bell-controller', unit, bells: 3 })),
        },
      ],
    },
    new SystemClock(),
  );
  gw = await startGateway([
    {
      id: 'belfry',
      protocol: 'modbus-rtu',
      path: pty.master,
      baudRate: 19200,
      timeout: '100ms',
      interFrameGap: '2ms',
      offlineAfter: 2,
      probeMin: '500ms',
      probeMax: '2s',
      equipment: UNITS.map((unit) => ({ id: `bells-${unit}`, profile: 'beffroi-sim-bells', unit })),
    },
  ]);
  driver = gw.field.drivers.get('belfry') as ModbusDriver;
  await waitFor(
    'bell.1.running good on every unit',
    () =>
      gw.field.points.size > 0 &&
      UNITS.every((u) => gw.app.get(PointStoreToken).get(key(u, 'bell.1.running'))?.quality.status === 'good'),
    Boolean,
  );
}, 60_000);

afterAll(async () => {
  await gw.close();
  await sim.close();
  await pty.close();
});

describe('the gateway on one RTU line with ten units (real serial line through a pty pair)', () => {
  it('dead slave: one silent unit is suspended and the nine others keep their poll period', async () => {
    await control(sim, 'PUT', `/devices/bells-${SILENT}/fault`, { mode: 'no-answer' });
    await waitFor(
      'driver.health().offline: offline.some((o) => o.equipmentId === `bells-${SILENT}`)',
      () => driver.health().offline,
      (offline) => offline.some((o) => o.equipmentId === `bells-${SILENT}`),
      { timeoutMs: 10_000 },
    );
    const group = () => gw.poller.stats().find((g) => g.periodMs === 1000)!;
    const before = group();
    await sleep(4000);
    const after = group();
    expect(after.done - before.done).toBeGreaterThanOrEqual(3);
    expect(after.missed - before.missed).toBe(0);
    const store = gw.app.get(PointStoreToken);
    for (const unit of UNITS) {
      const value = store.get(key(unit, 'bell.1.running'))!;
      if (unit === SILENT) {
        expect(value.quality).toMatchObject({ status: 'bad', reason: expect.stringMatching(/offline|no answer/) });
      } else {
        expect(value.quality).toEqual({ status: 'good' });
        expect(Date.now() - Date.parse(value.receivedAt)).toBeLessThan(1500);
      }
    }
    await control(sim, 'DELETE', `/devices/bells-${SILENT}/fault`);
    await waitFor(
      'driver.health().offline: offline.length === 0',
      () => driver.health().offline,
      (offline) => offline.length === 0,
      { timeoutMs: 10_000 },
    );
    expect(driver.health().offline).toEqual([]);
  }, 30_000);

  it('concurrency: writes and reads from ten callers amid the polls never get a reply meant for another unit', async () => {
    const crossed: string[] = [];
    const notAfter = () => new Date(Date.now() + 10_000);
    await Promise.all(
      UNITS.map(async (unit) => {
        for (let round = 1; round <= 8; round++) {
          const value = unit * 100 + round;
          const ack = await driver.write(bound(unit, 'bell.1.max_swing'), value, notAfter());
          if (ack.status !== 'written') crossed.push(`unit ${unit} write: ${JSON.stringify(ack)}`);
          const samples = await driver.read([bound(unit, 'bell.1.max_swing'), bound(unit, 'bell.2.max_swing')]);
          const seen = samples[0]?.value;
          if (seen !== value) crossed.push(`unit ${unit} round ${round}: read ${String(seen)}, wrote ${value}`);
        }
      }),
    );
    expect(crossed).toEqual([]);
    expect(driver.opens).toBe(1);
  }, 60_000);
});
