import { centralConfigSchema } from '../../apps/central/src/central.config';
import { type CentralHarness, PASSWORD, startCentral } from '../support/central-harness';

const NEW_PASSWORD = 'lanterne du beffroi 1905';

/** Opens the event stream of a session; `ended` resolves when central closes it. */
async function openStream(central: CentralHarness, token: string) {
  const response = await fetch(`${central.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const ended = (async () => {
    for (;;) if ((await reader.read()).done) return true;
  })();
  return { ended };
}

describe('central accounts: password rules, own password, disable, reset', () => {
  let central: CentralHarness;
  let admin: string;

  beforeEach(async () => {
    central = await startCentral();
    admin = await central.login('admin@useda');
  });

  afterEach(async () => {
    await central.close();
  });

  it("lists the accounts of the admin's tenant only, without their hashes", async () => {
    const { status, body } = await central.api(admin, 'GET', '/api/accounts');
    expect(status).toBe(200);
    const logins = (body as { login: string }[]).map((account) => account.login);
    expect(logins).toEqual(['admin@useda', 'agent@02408', 'agent@02691', 'lecteur@02691', 'tech@useda']);
    expect(JSON.stringify(body)).not.toMatch(/scrypt|hash/i);
    const agent = await central.login('agent@02691');
    expect((await central.api(agent, 'GET', '/api/accounts')).body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses short, common and login-containing passwords naming the field, never echoing them', async () => {
    const create = (password: string) =>
      central.api(admin, 'POST', '/api/accounts', {
        login: 'nouveau@02691',
        name: 'Nouveau',
        role: 'read-only',
        tenant: '02691',
        password,
      });
    for (const password of ['court-11car', 'Motdepasse123', 'nouveau-du-beffroi']) {
      const { status, body } = await create(password);
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 'INVALID_REQUEST', problems: [{ path: 'password' }] });
      expect(JSON.stringify(body)).not.toContain(password);
    }
    expect((await create(NEW_PASSWORD)).status).toBe(201);
  });

  it('changes my own password with the current one, ending my other sessions but not this one', async () => {
    const mine = await central.login('agent@02691');
    const other = await central.login('agent@02691');
    const otherStream = await openStream(central, other);
    const wrong = await central.api(mine, 'PUT', '/api/auth/password', {
      currentPassword: 'not my password',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong).toMatchObject({ status: 400, body: { problems: [{ path: 'currentPassword' }] } });
    const changed = await central.api(mine, 'PUT', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).toBe(204);
    expect(await otherStream.ended).toBe(true);
    expect((await central.api(other, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await central.api(mine, 'GET', '/api/auth/me')).status).toBe(200);
    await expect(central.login('agent@02691')).rejects.toThrow(/401/);
    await central.login('agent@02691', NEW_PASSWORD);
  });

  it('disables an account (its sessions and streams end at once) and enables it again', async () => {
    const agent = await central.login('agent@02691');
    const stream = await openStream(central, agent);
    const disabled = await central.api(admin, 'POST', '/api/accounts/agent@02691/disable');
    expect(disabled).toMatchObject({ status: 200, body: { login: 'agent@02691', disabledAt: expect.any(String) } });
    expect(await stream.ended).toBe(true);
    expect((await central.api(agent, 'GET', '/api/auth/me')).status).toBe(401);
    await expect(central.login('agent@02691')).rejects.toThrow(/401/);
    expect((await central.api(admin, 'POST', '/api/accounts/admin@useda/disable')).status).toBe(409);

    expect((await central.api(admin, 'POST', '/api/accounts/agent@02691/enable')).body).toMatchObject({
      disabledAt: null,
    });
    await central.login('agent@02691');
    const audit = (await central.api(admin, 'GET', '/api/audit?limit=20')).body as { action: string }[];
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['account.disable', 'account.enable']));
  });

  it("resets an account's password, ending its sessions", async () => {
    const agent = await central.login('agent@02691');
    const reset = await central.api(admin, 'PUT', '/api/accounts/agent@02691/password', { password: NEW_PASSWORD });
    expect(reset.status).toBe(204);
    expect((await central.api(agent, 'GET', '/api/auth/me')).status).toBe(401);
    await central.login('agent@02691', NEW_PASSWORD);
  });

  it('refuses control and direction-override characters in any text of a request, naming the field', async () => {
    const escape = await central.api(admin, 'POST', '/api/accounts', {
      login: 'nouveau@02691',
      name: 'Nouveau \u001b[31mrouge',
      role: 'read-only',
      tenant: '02691',
      password: NEW_PASSWORD,
    });
    expect(escape).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST', problems: [{ path: 'name' }] } });
    expect(JSON.stringify(escape.body)).not.toContain('\u001b');
    const nul = await central.api(undefined, 'POST', '/api/auth/login', {
      login: 'agent@02691\u0000',
      password: PASSWORD,
    });
    expect(nul).toMatchObject({ status: 400, body: { problems: [{ path: 'login' }] } });
    const query = await central.api(admin, 'GET', '/api/audit?commune=%E2%80%AE02691');
    expect(query).toMatchObject({ status: 400, body: { problems: [{ path: 'commune' }] } });
  });

  it('answers an account of another tenant exactly like an unknown one', async () => {
    const nord = await central.login('admin@sde-nord');
    const foreign = await central.api(nord, 'POST', '/api/accounts/agent@02691/disable');
    const unknown = await central.api(nord, 'POST', '/api/accounts/personne@nulle-part/disable');
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body).toEqual({ ...(unknown.body as object), message: 'no account "agent@02691"' });
  });
});

describe('central demo mode', () => {
  it('refuses passwords written in the config without demo: true, naming each account', () => {
    const result = centralConfigSchema.safeParse({
      seed: {
        syndicates: [{ id: 'useda', name: 'USEDA' }],
        accounts: [
          { login: 'admin@useda', name: 'Admin', role: 'syndicate-admin', tenant: 'useda', password: PASSWORD },
        ],
      },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['seed', 'accounts', 0, 'password'],
        message: expect.stringMatching(/demonstrations only.*passwordEnv.*demo: true/),
      }),
    ]);
  });

  it('says it is a demonstration on /health', async () => {
    const central = await startCentral();
    expect((await central.api(undefined, 'GET', '/health')).body).toMatchObject({ demo: true });
    await central.close();
  });
});
