import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@beffroi/runtime';
import { openGatewayDatabase } from '../../apps/gateway/src/store/gateway-data-source';
import { OutputControlEntity } from '../../apps/gateway/src/store/output-control.entity';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

interface Point {
  key: string;
  kind: string;
  value: unknown;
  quality: { status: string };
}
interface Step {
  kind: string;
  key: string;
  state: string;
  latencyMs: Record<string, number>;
  detail?: string;
}

let pkiDir: string;
let sim: SimulatorHarness;
let gw: GatewayHarness;
/** The last test stops the gateway itself. */
let stopped = false;

beforeAll(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'beffroi-commissioning-pki-'));
  sim = await startSimulator(
    { opcua: [{ id: 'heating', kind: 'heating-controller', port: 0, zones: [{ name: 'Salle' }, { name: 'Hall' }] }] },
    new SystemClock(),
  );
  gw = await startGateway(
    [
      {
        id: 'heating',
        protocol: 'opcua',
        endpointUrl: `opc.tcp://127.0.0.1:${sim.ports.heating}`,
        timeout: '1s',
        verifyTimeout: '2s',
        pkiDir,
        equipment: [{ id: 'heating', profile: 'beffroi-sim-heating' }],
      },
    ],
    undefined,
    { config: { control: { minimumOnOff: '0s' } } },
  );
}, 60_000);

afterAll(async () => {
  if (stopped) rmSync(gw.dir, { recursive: true, force: true });
  else await gw.close();
  await sim.close();
  rmSync(pkiDir, { recursive: true, force: true });
});

async function setpoints(): Promise<Point[]> {
  const points = (await api(gw.url, 'GET', '/points')).body as Point[];
  return points.filter((point) => point.kind === 'setpoint');
}

describe('the commissioning test sequence on a heating controller (OPC UA)', () => {
  it('writes each setpoint with another accepted value, reads it back, and leaves it as it was', async () => {
    const before = await waitFor(
      'every setpoint read',
      setpoints,
      (list) => list.length === 8 && list.every((point) => point.quality.status === 'good'),
      { timeoutMs: 30_000 },
    );
    const started = await api(gw.url, 'POST', '/commissioning/tests', {
      equipment: 'heating',
      options: { alarms: false },
    });
    expect(started.status).toBe(202);
    const ended = await waitFor(
      'the run to end',
      async () => (await api(gw.url, 'GET', `/commissioning/tests/${started.body.id as string}`)).body,
      (run) => run.state !== 'running',
      { timeoutMs: 60_000 },
    );
    const steps = ended.steps as Step[];
    expect(ended.state).toBe('passed');
    expect(steps.filter((step) => step.kind === 'setpoint').map((step) => step.key)).toEqual(
      before.map((point) => point.key),
    );
    for (const step of steps.filter((s) => s.kind === 'setpoint')) {
      expect({ key: step.key, state: step.state, readBack: typeof step.latencyMs.readBack }).toEqual({
        key: step.key,
        state: 'passed',
        readBack: 'number',
      });
      expect(step.detail).toMatch(/ écrit et relu$/);
    }
    expect(steps.filter((step) => step.kind === 'restore' && step.state === 'passed')).toHaveLength(8);
    const after = await waitFor('the setpoints back to their values', setpoints, (list) =>
      list.every((point, index) => point.value === before[index]?.value),
    );
    expect(after.map((point) => point.value)).toEqual(before.map((point) => point.value));
  }, 90_000);

  it('stopping the gateway during a run lifts its lock-outs before the database closes', async () => {
    const started = await api(gw.url, 'POST', '/commissioning/tests', { equipment: 'heating' });
    const id = started.body.id as string;
    await waitFor(
      'the controller fault check to ask the engineer',
      async () => (await api(gw.url, 'GET', `/commissioning/tests/${id}`)).body,
      (run) => run.prompt !== null,
      { timeoutMs: 60_000 },
    );
    const locked = (await api(gw.url, 'GET', '/outputs')).body as { slot: number }[];
    expect(locked.filter((output) => output.slot === 8)).toHaveLength(8);

    stopped = true;
    await gw.app.close();
    const database = await openGatewayDatabase(join(gw.dir, 'gateway.sqlite'));
    const rows = await database.getRepository(OutputControlEntity).find();
    await database.destroy();
    expect(rows).toHaveLength(8);
    expect(rows.filter((row) => '8' in (JSON.parse(row.arrayJson) as { slots: object }).slots)).toEqual([]);
  }, 90_000);
});
