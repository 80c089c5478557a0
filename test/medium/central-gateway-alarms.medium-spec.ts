import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';

interface CentralAlarm {
  gatewayId: string;
  key: string;
  severity: string;
  message: string;
  raisedAt: string;
  clearedAt: string | null;
  state: 'open' | 'cleared';
}

let sim: SimulatorHarness;
let central: CentralHarness;
let gw: GatewayHarness | undefined;
let admin: string;

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
  central = await startCentral();
  admin = await central.login('admin@useda');
});

afterAll(async () => {
  await gw?.close();
  await central.close();
  await sim.close();
});

it('a door opened on site reaches central as an open alarm, with the gateway instants, then cleared', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-central-alarms-'));
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  gw = await startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
    ],
    dir,
    {
      config: {
        clock: { mode: 'adjustable' },
        central: {
          url: central.url,
          enrolmentCode: code,
          credentialFile: join(dir, 'gateway-credential'),
          reconnectMin: '20ms',
          reconnectMax: '300ms',
        },
      },
    },
  );
  const centralAlarms = async () =>
    ((await central.api(admin, 'GET', '/api/alarms?all=true')).body as CentralAlarm[]).filter(
      (a) => a.key === 'cabinet:door.open',
    );

  await control(sim, 'POST', '/devices/cabinet/inputs', { doorOpen: true });
  await waitFor(
    'GET /points: points.find((p) => p.key === "cabinet:door.open")?.value === true',
    async () => (await api(gw!.url, 'GET', '/points')).body as { key: string; value: unknown }[],
    (points) => points.find((p) => p.key === 'cabinet:door.open')?.value === true,
  );
  // Past the profile's 5 s delay on the gateway's clock.
  const { now } = (await api(gw.url, 'GET', '/clock')).body as { now: string };
  await api(gw.url, 'PUT', '/clock', { at: new Date(Date.parse(now) + 6000).toISOString() });
  const open = await waitFor('centralAlarms: alarms.length === 1', centralAlarms, (alarms) => alarms.length === 1);
  const local = ((await api(gw.url, 'GET', '/alarms')).body as { active: { key: string; since: string }[] }).active;
  expect(open).toEqual([
    expect.objectContaining({
      gatewayId: GATEWAY,
      severity: 'warning',
      message: "Porte de l'armoire ouverte",
      raisedAt: local[0]?.since,
      state: 'open',
    }),
  ]);

  await control(sim, 'POST', '/devices/cabinet/inputs', { doorOpen: false });
  const cleared = await waitFor(
    'centralAlarms: alarms[0]?.state === "cleared"',
    centralAlarms,
    (alarms) => alarms[0]?.state === 'cleared',
  );
  const gatewayCleared = ((await api(gw.url, 'GET', '/alarms')).body as { cleared: { clearedAt: string }[] }).cleared;
  expect(cleared).toEqual([expect.objectContaining({ state: 'cleared', clearedAt: gatewayCleared[0]?.clearedAt })]);
});
