import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/**
 * A syndicate template on a real gateway (issue 12, item 1): the gateway's config tags its outputs, the template
 * binds to them by tag, and the commune's own calendar schedule stays on top of the syndicate's baseline programme;
 * the output's explanation shows both.
 */

const SCHEDULE_FILE = join(__dirname, '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml');
const OUTPUT = 'cabinet:circuit.1.command';

let sim: SimulatorHarness;
let central: CentralHarness;
let gw: GatewayHarness;
let admin: string;

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '50ms' });
  central = await startCentral();
  admin = await central.login('admin@useda');
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-template-'));
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
        equipment: [
          {
            id: 'cabinet',
            profile: 'beffroi-sim-cabinet',
            unit: 1,
            tags: { 'circuit.1.command': ['eclairage-voirie'], 'circuit.2.command': ['eclairage-stade'] },
          },
        ],
      },
    ],
    dir,
    {
      files: { 'eclairage.yaml': readFileSync(SCHEDULE_FILE, 'utf8') },
      config: {
        control: { minimumOnOff: '0s' },
        schedules: [{ id: 'eclairage-commune', kind: 'lighting', file: 'eclairage.yaml', outputs: [OUTPUT] }],
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

describe('a template bound by tag on a real gateway', () => {
  it("runs in the baseline slot under the commune's own calendar schedule, and the explanation shows both", async () => {
    await waitFor(
      'GET /api/gateways/gw-test/equipment: a.status === 200',
      () => central.api(admin, 'GET', '/api/gateways/gw-test/equipment'),
      (a) => a.status === 200,
    );
    const equipment = (await central.api(admin, 'GET', '/api/gateways/gw-test/equipment')).body;
    const circuit = equipment.equipment[0].points.find((p: { key: string }) => p.key === OUTPUT);
    expect(circuit.tags).toEqual(['eclairage-voirie']);

    const created = await central.api(admin, 'POST', '/api/templates', {
      id: 'eclairage-syndical',
      name: 'Éclairage de voirie',
      item: { kind: 'lighting', tag: 'eclairage-voirie', schedule: parse(readFileSync(SCHEDULE_FILE, 'utf8')) },
    });
    expect(created.status).toBe(201);
    const pushed = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/push', {
      communes: { insee: ['02691'] },
    });
    expect(pushed.status).toBe(202);
    const progress = await waitFor(
      'GET /api/pushes/${pushed.body.id}: p.summary.applied === 1',
      async () => (await central.api(admin, 'GET', `/api/pushes/${pushed.body.id}`)).body,
      (p: any) => p.summary.applied === 1,
    );
    expect(progress.targets).toEqual([expect.objectContaining({ status: 'applied', bound: [OUTPUT] })]);

    const explained = await waitFor(
      'GET /api/gateways/gw-test/outputs/${OUTPUT}: e.underneath?.some((u: { slot: number }) => u.slot === 14) === t…',
      async () => (await central.api(admin, 'GET', `/api/gateways/gw-test/outputs/${OUTPUT}`)).body,
      (e: any) => e.underneath?.some((u: { slot: number }) => u.slot === 14) === true,
    );
    expect(explained.winner).toMatchObject({ slot: 12, owner: expect.stringContaining('eclairage-commune') });
    expect(explained.underneath).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ slot: 14, owner: expect.stringContaining('eclairage-syndical') }),
      ]),
    );
  });

  it('shows in the fleet the software the gateway says it runs', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const fleet = (await central.api(admin, 'GET', '/api/fleet')).body;
    const gateway = fleet.find((c: { insee: string }) => c.insee === '02691').gateways[0];
    expect(gateway).toMatchObject({ id: 'gw-test', online: true, softwareVersion: `beffroi-gateway ${version}` });
  });
});
