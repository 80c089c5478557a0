import { type CentralHarness, PASSWORD, startCentral } from '../support/central-harness';

let central: CentralHarness;
const tokens: Record<string, string> = {};

interface Alarm {
  gatewayId: string;
  key: string;
  severity: string;
  state: string;
  message: string;
}

const LOCKED = { gatewayId: 'account:agent@02691', key: 'account.locked' };

async function alarms(login: string, query = ''): Promise<Alarm[]> {
  const answer = await central.api(tokens[login], 'GET', `/api/alarms${query}`);
  expect(answer.status).toBe(200);
  return (answer.body as Alarm[]).filter((alarm) => alarm.gatewayId.startsWith('account:'));
}

async function wrongLogins(count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    statuses.push(
      (await central.api(undefined, 'POST', '/api/auth/login', { login: 'agent@02691', password: 'wrong password' }))
        .status,
    );
  }
  return statuses;
}

async function audited(action: string): Promise<{ actor: string; target: string }[]> {
  const entries = (await central.api(tokens['admin@useda'], 'GET', '/api/audit?limit=1000')).body as {
    actor: string;
    action: string;
    target: string;
  }[];
  return entries.filter((entry) => entry.action === action).map(({ actor, target }) => ({ actor, target }));
}

beforeAll(async () => {
  central = await startCentral({
    config: {
      auth: { throttle: { perLogin: { freeFailures: 1, lockAfter: 3 }, baseDelay: '0s', lockFor: '15min' } },
    },
  });
  for (const login of ['admin@useda', 'admin@sde-nord', 'tech@useda', 'lecteur@02691']) {
    tokens[login] = await central.login(login);
  }
});

afterAll(async () => {
  await central.close();
});

describe('the account.locked alarm', () => {
  it("is raised when the throttle locks an account, for its syndicate's admins only, and audited", async () => {
    expect(await wrongLogins(4)).toEqual([401, 401, 401, 429]);
    expect(await alarms('admin@useda')).toEqual([
      expect.objectContaining({
        ...LOCKED,
        severity: 'warning',
        state: 'open',
        message: expect.stringMatching(
          /^login agent@02691 locked until \S+ after repeated failed logins \(the last from \S+\); an admin who enables the account again lifts the lock$/,
        ),
      }),
    ]);
    expect(await alarms('admin@useda', '?commune=02691')).toEqual([expect.objectContaining(LOCKED)]);
    for (const other of ['admin@sde-nord', 'tech@useda', 'lecteur@02691']) expect(await alarms(other)).toEqual([]);
    expect(await audited('alarm.raise')).toEqual([{ actor: 'system', target: 'account:agent@02691/account.locked' }]);
  });

  it('is cleared once the lock has ended', async () => {
    central.clock.offsetMs = 16 * 60_000;
    expect(await alarms('admin@useda')).toEqual([]);
    expect(await alarms('admin@useda', '?all=true')).toEqual([
      expect.objectContaining({ ...LOCKED, state: 'cleared' }),
    ]);
    expect(await audited('alarm.clear')).toEqual([{ actor: 'system', target: 'account:agent@02691/account.locked' }]);
    expect(await central.login('agent@02691', PASSWORD)).toEqual(expect.any(String));
  });

  it("is acknowledged by its syndicate's admins, and answers like no alarm to anyone else", async () => {
    const [cleared] = (await central.api(tokens['admin@useda'], 'GET', '/api/alarms?all=true')).body as {
      id: number;
    }[];
    const id = cleared?.id ?? 0;
    for (const other of ['admin@sde-nord', 'tech@useda']) {
      expect(await central.api(tokens[other], 'POST', `/api/alarms/${id}/acknowledge`)).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: `no alarm ${id}`, problems: [] },
      });
    }
    const acknowledged = await central.api(tokens['admin@useda'], 'POST', `/api/alarms/${id}/acknowledge`);
    expect(acknowledged).toEqual({
      status: 200,
      body: expect.objectContaining({ ...LOCKED, acknowledgedBy: 'admin@useda' }),
    });
  });

  it('is cleared when an admin enables the account again, which lifts the lock', async () => {
    expect(await wrongLogins(4)).toEqual([401, 401, 401, 429]);
    expect(await alarms('admin@useda')).toEqual([expect.objectContaining({ ...LOCKED, state: 'open' })]);
    const enabled = await central.api(tokens['admin@useda'], 'POST', '/api/accounts/agent@02691/enable');
    expect(enabled.status).toBe(200);
    expect(await alarms('admin@useda')).toEqual([]);
    expect((await audited('alarm.clear'))[0]).toEqual({
      actor: 'admin@useda',
      target: 'account:agent@02691/account.locked',
    });
    expect(await central.login('agent@02691', PASSWORD)).toEqual(expect.any(String));
  });
});
