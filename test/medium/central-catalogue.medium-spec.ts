import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/**
 * Central knows what each gateway has and what became of what it pushed (issue 10, items 12 and 13), through a real
 * gateway and a real central: the catalogue the gateway reports on connecting, served with names, units and live
 * values; the schedules of the gateway's own config beside central's; a pushed schedule the gateway refuses shown
 * `refused` with the gateway's reason.
 */

const GATEWAY = 'gw-test';
const SCHEDULE_FILE = join(__dirname, '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml');
const LIGHTING = parse(readFileSync(SCHEDULE_FILE, 'utf8')) as unknown;

let sim: SimulatorHarness;
let central: CentralHarness;
let gw: GatewayHarness;
let admin: string;
let agent: string;

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '50ms' });
  central = await startCentral();
  admin = await central.login('admin@useda');
  agent = await central.login('agent@02691');
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-catalogue-'));
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  gw = await startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        timeout: '1s',
        reconnectMin: '20ms',
        reconnectMax: '200ms',
        equipment: [{ id: 'cabinet', name: 'Armoire Hôtel de Ville', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
    ],
    dir,
    {
      files: { 'eclairage.yaml': readFileSync(SCHEDULE_FILE, 'utf8') },
      config: {
        control: { minimumOnOff: '0s' },
        schedules: [
          { id: 'eclairage', kind: 'lighting', file: 'eclairage.yaml', outputs: ['cabinet:circuit.1.command'] },
        ],
        central: {
          url: central.url,
          enrolmentCode: code,
          credentialFile: join(dir, 'gateway-credential'),
          reconnectMin: '20ms',
          reconnectMax: '300ms',
          telemetryInterval: '1s',
          healthInterval: '1s',
        },
      },
    },
  );
});

afterAll(async () => {
  await gw.close();
  await central.close();
  await sim.close();
});

const equipment = () => central.api(agent, 'GET', `/api/gateways/${GATEWAY}/equipment`);

describe("the gateway's catalogue on central", () => {
  it('is stored when the gateway connects and served with names, units, feedback keys and live values', async () => {
    const answer = await waitFor('equipment: a.status === 200', equipment, (a) => a.status === 200);
    expect(answer.status).toBe(200);
    const [cabinet] = answer.body.equipment;
    expect(cabinet).toMatchObject({
      id: 'cabinet',
      name: 'Armoire Hôtel de Ville',
      profile: 'beffroi-sim-cabinet',
      profileName: "Armoire d'éclairage public simulée, 4 départs",
    });
    const point = (id: string) => cabinet.points.find((p: { id: string }) => p.id === id);
    expect(point('circuit.1.command')).toMatchObject({
      key: 'cabinet:circuit.1.command',
      name: 'Départ 1 — commande contacteur',
      kind: 'command',
      type: 'bool',
      writable: true,
      feedback: 'circuit.1.feedback',
      feedbackKey: 'cabinet:circuit.1.feedback',
    });
    expect(point('circuit.1.feedback')).toMatchObject({ kind: 'feedback', writable: false });
    expect(point('circuit.1.level')).toMatchObject({ unit: '%', type: 'uint16', range: { min: 0, max: 65535 } });
    // The breaker input, not a circuit: the lighting programme switches the circuits at dusk, whatever the test.
    const live = await waitFor(
      'equipment: a.body.equipment[0].points.some( (p: { id: string; value: unknown }) => p.id === "breaker.tripped"…',
      equipment,
      (a) =>
        a.body.equipment[0].points.some(
          (p: { id: string; value: unknown }) => p.id === 'breaker.tripped' && p.value !== null,
        ),
    );
    const breaker = live.body.equipment[0].points.find((p: { id: string }) => p.id === 'breaker.tripped');
    expect(breaker).toMatchObject({ value: false, quality: { status: 'good' } });
  });

  it('says so in a 409 for a gateway that never connected, rather than guessing', async () => {
    const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
    await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-silent' });
    const { status, body } = await central.api(agent, 'GET', '/api/gateways/gw-silent/equipment');
    expect({ status, code: body.code }).toEqual({ status: 409, code: 'CONFLICT' });
    expect(body.message).toMatch(/gw-silent has not reported its equipment yet/);
  });

  it("lists the schedules of the gateway's config (source config) beside central's (source central)", async () => {
    await waitFor('equipment: a.status === 200', equipment, (a) => a.status === 200);
    const put = await central.api(agent, 'PUT', `/api/gateways/${GATEWAY}/schedules/eclairage-2`, {
      kind: 'lighting',
      outputs: ['cabinet:circuit.2.command'],
      schedule: LIGHTING,
    });
    expect(put.status).toBe(200);
    const { status, body } = await central.api(agent, 'GET', `/api/gateways/${GATEWAY}/schedules`);
    expect(status).toBe(200);
    expect(
      body.schedules.map((s: { id: string; source: string; targets: unknown }) => [s.id, s.source, s.targets]),
    ).toEqual([
      ['eclairage', 'config', { outputs: ['cabinet:circuit.1.command'], slot: 'calendar' }],
      ['eclairage-2', 'central', { outputs: ['cabinet:circuit.2.command'], slot: 'calendar' }],
    ]);
    await central.api(agent, 'DELETE', `/api/gateways/${GATEWAY}/schedules/eclairage-2`);
  });
});

describe('pushes report what really happened', () => {
  it("marks a push refused with the gateway's reason when the gateway cannot run the schedule", async () => {
    await waitFor('equipment: a.status === 200', equipment, (a) => a.status === 200);
    const { status, body } = await central.api(admin, 'POST', '/api/templates/push', {
      scheduleId: 'eclairage-syndical',
      item: { kind: 'lighting', outputs: ['cabinet:circuit.9.command'], schedule: LIGHTING },
      communes: ['02691', '02408'],
    });
    expect(status).toBe(202);
    const progress = await waitFor(
      'GET /api/pushes/${body.id}: p.summary.refused === 1',
      async () => (await central.api(admin, 'GET', `/api/pushes/${body.id}`)).body,
      (p) => p.summary.refused === 1,
    );
    expect(progress).toMatchObject({
      summary: { applied: 0, refused: 1, pending: 0, offline: 1, 'no-gateway': 1 },
      targets: expect.arrayContaining([
        {
          commune: '02691',
          gatewayId: GATEWAY,
          version: expect.any(Number),
          status: 'refused',
          reason: expect.stringMatching(/circuit\.9\.command/),
        },
        { commune: '02691', gatewayId: 'gw-silent', version: 1, status: 'offline' },
        { commune: '02408', gatewayId: null, version: null, status: 'no-gateway' },
      ]),
    });
    const schedules = (await central.api(agent, 'GET', `/api/gateways/${GATEWAY}/schedules`)).body.schedules;
    expect(schedules.find((s: { id: string }) => s.id === 'eclairage-syndical')).toMatchObject({
      source: 'central',
      state: 'refused',
      reason: expect.stringMatching(/circuit\.9\.command/),
    });
  });

  it('lists past pushes with their counts per state, within the tenant', async () => {
    const { status, body } = await central.api(admin, 'GET', '/api/pushes');
    expect(status).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({ scheduleId: 'eclairage-syndical', summary: expect.objectContaining({ refused: 1 }) }),
    ]);
    expect(body[0].targets).toBeUndefined();
    const other = await central.api(await central.login('admin@sde-nord'), 'GET', '/api/pushes');
    expect(other).toEqual({ status: 200, body: [] });
    const staff = await central.api(agent, 'GET', '/api/pushes');
    expect(staff).toEqual({ status: 200, body: [] });
  });
});
