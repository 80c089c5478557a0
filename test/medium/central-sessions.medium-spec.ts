import { request } from 'node:http';
import { type CentralHarness, PASSWORD, startCentral } from '../support/central-harness';

const MINUTE = 60_000;

/** A login over a socket bound to `localAddress` (any 127.x address is this machine): another client address. */
function loginFrom(
  central: CentralHarness,
  localAddress: string,
  login: string,
  password: string,
): Promise<{ status: number; retryAfter: string | undefined }> {
  const url = new URL('/api/auth/login', central.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, retryAfter });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ login, password }));
  });
}

/** Opens the event stream of a session; resolves `ended` when central closes it. */
async function openStream(central: CentralHarness, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${central.url}/api/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const ended = (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) return true;
    }
  })();
  return { ended, abort: () => controller.abort() };
}

/** Whether `promise` settles within `ms` (a bound on a wait, not a timing assertion). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return settled;
}

describe('central sessions and logins', () => {
  let central: CentralHarness;

  beforeEach(async () => {
    central = await startCentral({
      config: {
        auth: {
          sessionIdle: '1min',
          streamCheck: '100ms',
          throttle: {
            perLogin: { freeFailures: 3, lockAfter: 5, concurrent: 2 },
            perAddress: { freeFailures: 50, lockAfter: 500, concurrent: 4 },
            baseDelay: '1s',
            lockFor: '15min',
          },
        },
      },
    });
  });

  afterEach(async () => {
    await central.close();
  });

  it('throttles wrong passwords with growing waits, then locks the login even for the right password', async () => {
    const attempt = (password: string) =>
      central.api(undefined, 'POST', '/api/auth/login', { login: 'agent@02691', password });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong password')).status).toBe(401);
    const delayed = await attempt('wrong password');
    expect(delayed).toMatchObject({ status: 429, body: { code: 'TOO_MANY_ATTEMPTS', problems: [] } });
    expect(JSON.stringify(delayed.body)).not.toContain('wrong password');

    central.clock.offsetMs += 1_000;
    expect((await attempt('wrong password')).status).toBe(401);
    const locked = await loginFrom(central, '127.0.0.3', 'agent@02691', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(14 * 60);

    const admin = await central.login('admin@useda');
    const audit = (await central.api(admin, 'GET', '/api/audit?limit=50')).body as { action: string; target: string }[];
    expect(audit).toContainEqual(expect.objectContaining({ action: 'auth.lock', target: 'agent@02691' }));

    central.clock.offsetMs += 15 * MINUTE;
    expect((await loginFrom(central, '127.0.0.3', 'agent@02691', PASSWORD)).status).toBe(200);
  });

  it('answers a burst of parallel wrong passwords at once with 429, and a login from elsewhere still works', async () => {
    const burst = Array.from({ length: 100 }, (_, i) => loginFrom(central, '127.0.0.4', `guess-${i % 7}`, 'nope'));
    const real = loginFrom(central, '127.0.0.5', 'lecteur@02691', PASSWORD);
    const answers = await Promise.all(burst);
    expect((await real).status).toBe(200);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(100 - 4 * 3);
    expect(refused.every((answer) => answer.retryAfter !== undefined)).toBe(true);
  });

  it('keeps a session alive while it is used every 15 s, and ends it a minute after its last use', async () => {
    const token = await central.login('agent@02691');
    for (let i = 0; i < 8; i++) {
      central.clock.offsetMs += 15_000;
      expect((await central.api(token, 'GET', '/api/auth/me')).status).toBe(200);
    }
    central.clock.offsetMs += MINUTE + 1_000;
    expect((await central.api(token, 'GET', '/api/auth/me')).body).toMatchObject({
      message: 'session expired: log in again',
    });
  });

  it('closes the event streams of a session at its logout, and only those', async () => {
    const token = await central.login('agent@02691');
    const other = await central.login('agent@02691');
    const mine = await openStream(central, token);
    const theirs = await openStream(central, other);
    expect(await settlesWithin(mine.ended, 300)).toBe(false);
    await central.api(token, 'POST', '/api/auth/logout');
    expect(await settlesWithin(mine.ended, 5_000)).toBe(true);
    expect(await settlesWithin(theirs.ended, 300)).toBe(false);
    theirs.abort();
  });

  it('closes the event stream of a session when the session expires', async () => {
    const token = await central.login('agent@02691');
    const stream = await openStream(central, token);
    expect(await settlesWithin(stream.ended, 300)).toBe(false);
    central.clock.offsetMs += MINUTE + 1_000;
    expect(await settlesWithin(stream.ended, 5_000)).toBe(true);
  });
});
