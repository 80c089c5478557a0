import { type CentralHarness, SEED, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

let central: CentralHarness;
const tokens = new Map<string, string>();
const gateways: ProtocolGateway[] = [];

async function enrolled(insee: string, gatewayId: string, adminToken: string): Promise<ProtocolGateway> {
  const code = (await central.api(adminToken, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const enrolment = await central.api(undefined, 'POST', '/api/enrolment', { code: code.code, gatewayId });
  expect(enrolment.status).toBe(201);
  const gateway = new ProtocolGateway(gatewayId, (enrolment.body as { credential: string }).credential, central.wsUrl);
  gateways.push(gateway);
  return gateway;
}

/** A gateway of `insee`, enrolled by `admin` and connected (the matrix itself is in central-authorization). */
async function connected(insee: string, gatewayId: string, admin: string): Promise<void> {
  const gateway = await enrolled(insee, gatewayId, tokens.get(admin) ?? '');
  await gateway.connect();
}

beforeAll(async () => {
  central = await startCentral();
  for (const account of SEED.accounts) tokens.set(account.login, await central.login(account.login));
  await connected('02691', 'gw-saint-quentin', 'admin@useda');
  await connected('59350', 'gw-lille', 'admin@sde-nord');
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

describe('sessions and tenants', () => {
  it('refuses an ended or expired session', async () => {
    const token = await central.login('agent@02691');
    expect((await central.api(token, 'GET', '/api/auth/me')).status).toBe(200);
    await central.api(token, 'POST', '/api/auth/logout');
    expect((await central.api(token, 'GET', '/api/auth/me')).body).toMatchObject({ code: 'UNAUTHENTICATED' });

    const idle = await central.login('agent@02691');
    central.clock.offsetMs = 9 * 3_600_000;
    expect((await central.api(idle, 'GET', '/api/auth/me')).body).toMatchObject({
      message: 'session expired: log in again',
    });
    central.clock.offsetMs = 0;
  });

  it("lists only the communes and gateways of the caller's tenant", async () => {
    const communes = (await central.api(tokens.get('agent@02691'), 'GET', '/api/communes')).body as { insee: string }[];
    expect(communes.map((c) => c.insee)).toEqual(['02691']);
    const gatewaysSeen = (await central.api(tokens.get('admin@useda'), 'GET', '/api/gateways')).body as {
      id: string;
    }[];
    expect(gatewaysSeen.map((g) => g.id)).toEqual(['gw-saint-quentin']);
    const nord = (await central.api(tokens.get('admin@sde-nord'), 'GET', '/api/communes')).body as { insee: string }[];
    expect(nord.map((c) => c.insee)).toEqual(['59350']);
  });

  it('says which field of a body is wrong', async () => {
    const { status, body } = await central.api(
      tokens.get('admin@useda'),
      'POST',
      '/api/gateways/gw-saint-quentin/commands',
      {
        action: 'switch',
        pointKey: 'no key',
        value: true,
      },
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'INVALID_REQUEST', problems: [{ path: 'pointKey' }] });
    const login = await central.api(undefined, 'POST', '/api/auth/login', {
      login: 'agent@02691',
      password: 'wrong password',
    });
    expect(login).toMatchObject({ status: 401, body: { message: 'unknown login or wrong password' } });
  });
});

describe('gateway credentials on the sync socket', () => {
  it('refuses a credential speaking for another gateway, a revoked one, and an upgrade without one', async () => {
    const [saintQuentin] = gateways;
    const impostor = new ProtocolGateway(
      'gw-lille',
      (saintQuentin as unknown as { credential: string }).credential,
      central.wsUrl,
    );
    await expect(impostor.connect()).rejects.toThrow(/closed before welcome \(4401\)/);
    expect(impostor.received).toEqual([
      expect.objectContaining({ type: 'welcome', result: 'refused', reason: 'gateway-mismatch' }),
    ]);

    const unknown = new ProtocolGateway('gw-lille', 'forged-credential', central.wsUrl);
    await expect(unknown.connect()).rejects.toThrow(/4401/);
    expect(unknown.received[0]).toMatchObject({ reason: 'bad-credential' });

    const anonymous = new ProtocolGateway('gw-lille', '', central.wsUrl);
    await expect(anonymous.connect()).rejects.toThrow(/upgrade refused: 401/);

    const laon = await enrolled('02408', 'gw-laon', tokens.get('admin@useda') ?? '');
    await laon.connect();
    const revoked = await central.api(tokens.get('tech@useda'), 'POST', '/api/gateways/gw-laon/revoke');
    expect(revoked).toMatchObject({ status: 200, body: { online: false } });
    await laon.waitFor('the connection closed by central', () => laon.closeCode !== undefined);
    expect(laon.closeCode).toBe(4401);
    await expect(laon.connect()).rejects.toThrow(/4401/);
    expect(laon.received.at(-1)).toMatchObject({ type: 'welcome', result: 'refused', reason: 'revoked' });
  });

  it('an enrolment code works once, and a used or unknown one is refused', async () => {
    const token = tokens.get('admin@useda') ?? '';
    const { code } = (await central.api(token, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
    expect((await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-once' })).status).toBe(201);
    expect(await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-twice' })).toMatchObject({
      status: 401,
      body: { message: 'code: enrolment code already used; ask for a new one' },
    });
    expect(
      (await central.api(undefined, 'POST', '/api/enrolment', { code: 'AAAA-BBBB', gatewayId: 'gw-x' })).status,
    ).toBe(401);
    expect(
      (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'Not An Id' })).body,
    ).toMatchObject({
      problems: [{ path: 'gatewayId' }],
    });
  });

  it("answers enrolment with another commune's gateway id exactly like one of its own commune", async () => {
    const token = tokens.get('admin@useda') ?? '';
    const { code } = (await central.api(token, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
    const attempt = async (gatewayId: string) => {
      const { status, body } = await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId });
      return JSON.stringify({ status, body }).replaceAll(gatewayId, '<id>');
    };
    // Enrolled in Saint-Quentin (the code's commune), enrolled in Lille (another syndicate), revoked in Laon.
    const own = await attempt('gw-saint-quentin');
    expect(JSON.parse(own)).toEqual({
      status: 409,
      body: {
        code: 'CONFLICT',
        message: 'gatewayId: <id> is already in use; choose another id (a gateway is enrolled again only once revoked)',
        problems: [],
      },
    });
    expect(await attempt('gw-lille')).toBe(own);
    expect(await attempt('gw-laon')).toBe(own);
    expect((await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-free' })).status).toBe(201);
  });

  it('rejects malformed and oversized frames without crashing', async () => {
    const [saintQuentin] = gateways;
    if (saintQuentin === undefined) throw new Error('no gateway');
    saintQuentin.send('{ not json');
    saintQuentin.send(
      JSON.stringify({ type: 'report', v: 1, after: 0, messages: [{ gatewayId: 'gw-saint-quentin', seq: -1 }] }),
    );
    saintQuentin.send(JSON.stringify({ type: 'report', v: 9, after: 0, messages: [] }));
    saintQuentin.append({
      class: 'switching',
      payload: {
        pointKey: 'cabinet:circuit.1.command',
        value: true,
        source: 'test',
        result: 'applied',
        at: new Date().toISOString(),
      },
    });
    saintQuentin.flush();
    await saintQuentin.drained();
    saintQuentin.send('x'.repeat(5 * 1024 * 1024));
    await saintQuentin.waitFor('the connection closed by central', () => saintQuentin.closeCode !== undefined);
    expect(saintQuentin.closeCode).toBe(1009);
    expect((await central.api(undefined, 'GET', '/health')).status).toBe(200);
    await saintQuentin.connect();
  });
});
