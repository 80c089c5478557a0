import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

/**
 * Enrolment typed on the commissioning page (issue 17, item 4): `POST /sync/enrolment` on a gateway that has central's
 * address but no credential and no enrolment code, against a real central.
 */
let central: CentralHarness;
let admin: string;
const gateways: GatewayHarness[] = [];

/** A gateway without buses whose config has `central` (or none): not enrolled, with an id of its own. */
async function gateway(centralSection: Record<string, unknown> | undefined): Promise<GatewayHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-enrol-'));
  const id = gateways.length === 0 ? 'gw-test' : `gw-test-${gateways.length}`;
  const started = await startGateway([], dir, {
    config:
      centralSection === undefined
        ? { gateway: { id } }
        : {
            gateway: { id },
            central: {
              credentialFile: join(dir, 'gateway-credential'),
              reconnectMin: '20ms',
              reconnectMax: '200ms',
              ...centralSection,
            },
          },
  });
  gateways.push(started);
  return started;
}

async function enrolmentCode(): Promise<string> {
  return ((await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string }).code;
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
}, 60_000);

afterAll(async () => {
  for (const started of gateways) await started.close();
  await central.close();
});

describe('enrolment from the commissioning page: POST /sync/enrolment', () => {
  it('enrols the gateway with the code typed, keeps the credential, starts the sync and then opens to field tokens', async () => {
    const gw = await gateway({ url: central.url });
    expect((await api(gw.url, 'GET', '/sync')).body).toMatchObject({ state: 'not-enrolled', enrolled: false });

    const answer = await api(gw.url, 'POST', '/sync/enrolment', { code: await enrolmentCode() });
    expect(answer).toEqual({
      status: 201,
      body: { gatewayId: 'gw-test', communeInsee: '02691', central: central.url, state: 'connecting' },
    });
    expect(existsSync(join(gw.dir, 'gateway-credential'))).toBe(true);
    await waitFor(
      'the sync to connect',
      async () => (await api(gw.url, 'GET', '/sync')).body as { state: string },
      (sync) => sync.state === 'connected',
    );
    // Central's field-token key came with the credential: a technician's token opens the local API.
    const token = await central.api(await central.login('tech@useda'), 'POST', '/api/gateways/gw-test/field-token');
    const withToken = await api(gw.url, 'GET', '/sync', undefined, `Bearer ${(token.body as { token: string }).token}`);
    expect(withToken.status).toBe(200);

    const again = await api(gw.url, 'POST', '/sync/enrolment', { code: await enrolmentCode() });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_ENROLLED', problems: [] });
    expect(again.body.message).toContain('this gateway is enrolled with central already');
  });

  it('answers a wrong code with central’s refusal on the field code, and stays not enrolled', async () => {
    const gw = await gateway({ url: central.url });
    const answer = await api(gw.url, 'POST', '/sync/enrolment', { code: 'NOT-A-CODE' });
    expect(answer).toEqual({
      status: 400,
      body: {
        code: 'ENROLMENT_CODE_REFUSED',
        message: expect.stringContaining('unknown, used or expired enrolment code') as string,
        problems: [{ path: 'code', message: expect.stringContaining('central answered 401') as string }],
      },
    });
    expect((await api(gw.url, 'GET', '/sync')).body).toMatchObject({ state: 'not-enrolled', enrolled: false });
    expect(existsSync(join(gw.dir, 'gateway-credential'))).toBe(false);
  });

  it('says central could not be reached, changing nothing, and enrols with the same code once it answers', async () => {
    const unreachable = await gateway({ url: `http://127.0.0.1:${await closedPort()}` });
    const code = await enrolmentCode();
    const answer = await api(unreachable.url, 'POST', '/sync/enrolment', { code });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'CENTRAL_UNREACHABLE', problems: [] });
    expect(answer.body.message).toMatch(
      /^central \(http:\/\/127\.0\.0\.1:\d+\) could not be reached: .*nothing was changed/,
    );
    expect(existsSync(join(unreachable.dir, 'gateway-credential'))).toBe(false);
    // The code was not used up: another gateway enrols with it.
    const reachable = await gateway({ url: central.url });
    expect((await api(reachable.url, 'POST', '/sync/enrolment', { code })).status).toBe(201);
  });

  it('refuses a gateway without a central section, a body without a code, and a caller without a credential', async () => {
    const alone = await gateway(undefined);
    const noCentral = await api(alone.url, 'POST', '/sync/enrolment', { code: 'ABC' });
    expect([noCentral.status, noCentral.body.code]).toEqual([409, 'NO_CENTRAL']);
    const gw = await gateway({ url: central.url });
    expect(await api(gw.url, 'POST', '/sync/enrolment', { code: '  ' })).toEqual({
      status: 400,
      body: {
        code: 'INVALID_REQUEST',
        message: 'invalid enrolment',
        problems: [
          {
            path: 'code',
            message: 'expected the enrolment code given by central (console, Syndicat → Enrôlement), got "  "',
          },
        ],
      },
    });
    const anonymous = await api(gw.url, 'POST', '/sync/enrolment', { code: 'ABC' }, null);
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
