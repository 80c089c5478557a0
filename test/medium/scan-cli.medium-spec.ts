import { join } from 'node:path';
import { runFieldCli } from '../../apps/gateway/src/cli/field.cli';
import { SystemClock } from '@beffroi/runtime';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';

const PROFILES = join(__dirname, '..', '..', 'config', 'profiles');
let pty: PtyPair;
let sim: SimulatorHarness;

beforeAll(async () => {
  pty = await openPtyPair();
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1 }],
        },
        {
          id: 'belfry',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: [
            { id: 'bells', kind: 'bell-controller', unit: 5 },
            { id: 'bank', kind: 'register-bank', unit: 9 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
}, 60_000);

afterAll(async () => {
  await sim.close();
  await pty.close();
});

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFieldCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('beffroi scan and beffroi identify', () => {
  it('scans an RTU bus: a table of the units with identity and proposed profile, progress on stderr', async () => {
    const result = await run(
      'scan',
      'rtu',
      '--port',
      pty.master,
      '--units',
      '1-10',
      '--timeout',
      '100',
      '--profiles',
      PROFILES,
    );
    expect(result.code).toBe(0);
    expect(result.out[0]?.split(/ {2,}/)).toEqual(['unit', 'line', 'answer', 'identity', 'profile']);
    expect(result.out[1]?.split(/ {2,}/)).toEqual([
      '5',
      '19200 8E1',
      'data',
      'Beffroi SIM-CLOCHES 2.1 (SIM-CLOCHES-3)',
      'beffroi-sim-bells',
    ]);
    expect(result.out[2]?.split(/ {2,}/)).toEqual([
      '9',
      '19200 8E1',
      'data',
      '(no Read Device Identification (exception 1, illegal function))',
      '-',
    ]);
    expect(result.out[3]).toMatch(/^2 found, 10 of 10 probes in \d+\.\d s$/);
    expect(result.err).toEqual(
      expect.arrayContaining([
        'scan: 5/10 probed at 19200 8E1, unit 5 answers; 1 found',
        'scan: 10/10 probed at 19200 8E1, unit 10; 2 found',
      ]),
    );
  });

  it('scans a TCP endpoint as JSON, with the proposed profiles of each unit', async () => {
    const result = await run(
      'scan',
      'tcp',
      '--host',
      '127.0.0.1',
      '--port',
      String(sim.ports.street),
      '--units',
      '1-3',
      '--json',
      '--profiles',
      PROFILES,
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out.join('\n')) as {
      found: { unit: number; identity: { modelName: string }; profiles: { profileId: string }[] }[];
    };
    expect(parsed.found).toHaveLength(1);
    expect(parsed.found[0]).toMatchObject({
      unit: 1,
      identity: { modelName: 'SIM-AEP-4' },
      profiles: [{ profileId: 'beffroi-sim-cabinet' }],
    });
  });

  it('identifies one unit, and says so when it does not answer', async () => {
    const found = await run('identify', 'rtu', '--port', pty.master, '--unit', '5', '--profiles', PROFILES);
    expect(found.code).toBe(0);
    expect(found.out[1]?.split(/ {2,}/)).toEqual([
      '5',
      '19200 8E1',
      'data',
      'Beffroi SIM-CLOCHES 2.1 (SIM-CLOCHES-3)',
      'beffroi-sim-bells',
    ]);
    const silent = await run(
      'identify',
      'rtu',
      '--port',
      pty.master,
      '--unit',
      '6',
      '--timeout',
      '50',
      '--profiles',
      PROFILES,
    );
    expect(silent.code).toBe(1);
    expect(silent.err.at(-1)).toBe(`identify: unit 6 does not answer at ${pty.master}`);
  });

  it('names a bad argument or an unreachable port on one line', async () => {
    await expect(run('scan', 'rtu', '--port', pty.master, '--units', '0-300')).resolves.toMatchObject({
      code: 2,
      err: ['beffroi scan: --units: expected unit ids 1..247 such as 1-247 or 2,5,9, got "0-300"'],
    });
    await expect(run('scan', 'rtu', '--port', pty.master, '--parity', 'mark')).resolves.toMatchObject({
      code: 2,
      err: ['beffroi scan: --parity: expected none, even or odd (or a list: even,none), got "mark"'],
    });
    await expect(run('scan', 'modbus')).resolves.toMatchObject({
      code: 2,
      err: ['beffroi scan: expected rtu, tcp or opcua after the command, got "modbus"'],
    });
    const missing = await run('scan', 'rtu', '--port', '/dev/beffroi-no-such-port', '--profiles', PROFILES);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([
      expect.stringMatching(/^beffroi scan: cannot open serial line \/dev\/beffroi-no-such-port: /),
    ]);
  });
});
