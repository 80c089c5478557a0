import { join } from 'node:path';
import { proposeProfiles } from '@beffroi/domain';
import { openRtuProbeLine, type RtuLineSettings, type ScanProgress, scanRtuBus } from '@beffroi/fieldbus';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { SystemClock } from '@beffroi/runtime';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';

let pty: PtyPair;
let sim: SimulatorHarness;

const line: RtuLineSettings = { baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 };
const hooks = { now: () => performance.now(), open: openRtuProbeLine };
const units = Array.from({ length: 12 }, (_, i) => i + 1);

beforeAll(async () => {
  pty = await openPtyPair();
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'bus',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: [
            { id: 'cabinet', kind: 'lighting-cabinet', unit: 2, circuits: 4 },
            { id: 'bells', kind: 'bell-controller', unit: 5, bells: 3 },
            { id: 'bank', kind: 'register-bank', unit: 9, registers: 10, frozen: true },
            { id: 'dead', kind: 'lighting-cabinet', unit: 7 },
            { id: 'refusing', kind: 'bell-controller', unit: 11 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
  expect((await control(sim, 'PUT', '/devices/dead/fault', { mode: 'no-answer' })).status).toBe(200);
  expect((await control(sim, 'PUT', '/devices/refusing/fault', { mode: 'exception', code: 4 })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await sim.close();
  await pty.close();
});

describe('RTU bus scan on a real serial line (pty pair)', () => {
  it('finds units 2, 5 and 9 and the one answering exceptions only, not the dead one, with their identities', async () => {
    const progress: ScanProgress[] = [];
    const result = await scanRtuBus(
      { path: pty.master, lines: [line] },
      { units, timeoutMs: 100, identify: true, reads: [{ table: 'input-register', address: 0 }] },
      { ...hooks, onProgress: (event) => progress.push(event) },
    );
    expect(result).toMatchObject({ protocol: 'modbus', target: pty.master, probed: 12, total: 12, garbled: [] });
    expect(result.stopped).toBeUndefined();
    expect(result.found.map((found) => [found.unit, found.answer])).toEqual([
      [2, 'data'],
      [5, 'data'],
      [9, 'data'],
      [11, 'exception'],
    ]);
    const [cabinet, bells, bank, refusing] = result.found;
    expect(cabinet).toMatchObject({
      line,
      identity: {
        vendorName: 'Beffroi',
        productCode: 'SIM-AEP',
        revision: '1.4',
        productName: 'Simulated street-lighting cabinet',
        modelName: 'SIM-AEP-4',
        userApplicationName: 'cabinet',
      },
      reads: [{ table: 'input-register', address: 0, value: 0 }],
    });
    expect(bells?.identity).toMatchObject({ productCode: 'SIM-CLOCHES', modelName: 'SIM-CLOCHES-3' });
    expect(bank).toMatchObject({
      identityError: 'no Read Device Identification (exception 1, illegal function)',
      reads: [{ table: 'input-register', address: 0, exception: 2 }],
    });
    expect(refusing).toMatchObject({
      exception: { code: 4, meaning: 'server device failure' },
      identityError: 'Read Device Identification refused: exception 4 (server device failure)',
    });
    expect(progress.map((event) => event.done)).toEqual(units);
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12, unit: 12, found: 4 });
  });

  it('proposes the shipped profile of each simulated device it identifies, none for a device without identity', async () => {
    const profiles = loadProfiles(join(__dirname, '..', '..', 'config', 'profiles')).values();
    const result = await scanRtuBus(
      { path: pty.master, lines: [line] },
      { units, timeoutMs: 100, identify: true },
      hooks,
    );
    const shipped = [...profiles];
    expect(
      result.found.map((found) => [
        found.unit,
        proposeProfiles({ protocol: 'modbus', ...found }, shipped).map((proposal) => proposal.profileId),
      ]),
    ).toEqual([
      [2, ['beffroi-sim-cabinet']],
      [5, ['beffroi-sim-bells']],
      [9, []],
      [11, []],
    ]);
  });

  it('stops early once enough units are found, or when the caller aborts', async () => {
    const early = await scanRtuBus({ path: pty.master, lines: [line] }, { units, timeoutMs: 100, stopAfter: 2 }, hooks);
    expect(early.found.map((found) => found.unit)).toEqual([2, 5]);
    expect(early).toMatchObject({ stopped: 'stop-after', probed: 5 });

    const controller = new AbortController();
    const aborted = await scanRtuBus(
      { path: pty.master, lines: [line] },
      { units, timeoutMs: 100, signal: controller.signal },
      {
        ...hooks,
        onProgress: (event) => {
          if (event.unit === 3) controller.abort();
        },
      },
    );
    expect(aborted).toMatchObject({ stopped: 'aborted', probed: 3 });
    expect(aborted.found.map((found) => found.unit)).toEqual([2]);
  });

  it('tries each line setting in turn and does not probe again a unit already found', async () => {
    const other: RtuLineSettings = { ...line, baudRate: 9600, parity: 'none', stopBits: 2 };
    const result = await scanRtuBus(
      { path: pty.master, lines: [line, other] },
      { units: [2, 3, 5], timeoutMs: 100 },
      hooks,
    );
    expect(result).toMatchObject({ probed: 6, total: 6 });
    expect(result.found.map((found) => [found.unit, found.line?.baudRate])).toEqual([
      [2, 19200],
      [5, 19200],
    ]);
  });
});
