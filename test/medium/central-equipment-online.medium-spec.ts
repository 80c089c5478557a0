import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/**
 * The gateway's first health report is sent at boot, often while its buses are still connecting. Central must not
 * show the equipment unreachable until the next interval (an hour here): the gateway reports again as soon as an
 * equipment's online state changes.
 */
describe("an equipment's online state on central", () => {
  let sim: SimulatorHarness;
  let central: CentralHarness;
  let gw: GatewayHarness;

  beforeAll(async () => {
    sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '50ms' });
    central = await startCentral();
    const admin = await central.login('admin@useda');
    const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as {
      code: string;
    };
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-online-'));
    gw = await startGateway(
      [
        {
          id: 'street',
          protocol: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.ports.street,
          timeout: '1s',
          reconnectMin: '500ms',
          reconnectMax: '500ms',
          equipment: [{ id: 'cab-1', profile: 'beffroi-sim-cabinet', unit: 1 }],
        },
      ],
      dir,
      {
        config: {
          central: {
            url: central.url,
            enrolmentCode: code,
            credentialFile: join(dir, 'gateway-credential'),
            reconnectMin: '20ms',
            reconnectMax: '200ms',
            healthInterval: '1h',
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

  it('follows the unit going online and offline without waiting for the next health interval', async () => {
    const admin = await central.login('admin@useda');
    const cabinet = async () => {
      const { body } = await central.api(admin, 'GET', '/api/communes/02691');
      const gateways = (body as { gateways: { health: { equipment: Record<string, { online: boolean }> } | null }[] })
        .gateways;
      return gateways[0]?.health?.equipment['cab-1'];
    };
    await waitFor('cab-1 online on central', cabinet, (health) => health?.online === true);
    await sim.close();
    await waitFor('cab-1 offline on central', cabinet, (health) => health?.online === false);
  });
});
