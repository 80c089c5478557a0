import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

const POINT = 'cabinet:circuit.1.command';

let central: CentralHarness;
let admin: string;
let gateway: ProtocolGateway;

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const enrolment = await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-lift' });
  // Central checks commands against what the gateway reported: it connects once and reports its catalogue.
  gateway = new ProtocolGateway('gw-lift', (enrolment.body as { credential: string }).credential, central.wsUrl);
  await gateway.connect();
});

afterAll(async () => {
  gateway.close();
  await central.close();
});

describe('forcing the lift of a lock-out from central', () => {
  it('is refused to every role but the syndicate admin', async () => {
    for (const login of ['agent@02691', 'tech@useda']) {
      const token = await central.login(login);
      const { status, body } = await central.api(token, 'POST', '/api/gateways/gw-lift/commands', {
        action: 'force-lift-lockout',
        pointKey: POINT,
      });
      expect(status).toBe(403);
      expect((body as { message: string }).message).toContain('may not force the lift of a lock-out');
    }
  });

  it('is a distinct command action for the admin, naming who forces it, and written to the audit log', async () => {
    const { status, body } = await central.api(admin, 'POST', '/api/gateways/gw-lift/commands', {
      action: 'force-lift-lockout',
      pointKey: POINT,
    });
    expect(status).toBe(202);
    expect(body).toMatchObject({ action: 'force-lift-lockout', pointKey: POINT, status: 'queued' });
    const audit = (await central.api(admin, 'GET', '/api/audit?commune=02691')).body as {
      action: string;
      actor: string;
      detail: { by?: string };
    }[];
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'command.force-lift-lockout',
        actor: 'admin@useda',
        detail: expect.objectContaining({ by: 'central:admin@useda' }),
      }),
    );
  });
});
