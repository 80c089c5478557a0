import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldKeyRefresher } from '../../apps/gateway/src/access/field-key.refresher';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

let central: CentralHarness;
let gw: GatewayHarness;

async function fieldToken(): Promise<string> {
  const answer = await central.api(await central.login('tech@useda'), 'POST', '/api/gateways/gw-test/field-token');
  return `Bearer ${(answer.body as { token: string }).token}`;
}

beforeAll(async () => {
  central = await startCentral();
  const code = (await central.api(await central.login('admin@useda'), 'POST', '/api/communes/02691/enrolment-codes'))
    .body as { code: string };
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-rotation-'));
  gw = await startGateway([], dir, {
    config: {
      central: {
        url: central.url,
        enrolmentCode: code.code,
        credentialFile: join(dir, 'gateway-credential'),
        reconnectMin: '20ms',
        reconnectMax: '200ms',
      },
    },
  });
  await waitFor(
    'the field key file gateway-credential-field-key.json',
    () => existsSync(join(dir, 'gateway-credential-field-key.json')),
    (exists) => exists,
    { timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await gw.close();
  await central.close();
});

describe("central's field-token key rotated", () => {
  it('reaches the gateway at its next refresh: new tokens are accepted, those of the old key refused', async () => {
    const before = await fieldToken();
    expect((await api(gw.url, 'GET', '/outputs', undefined, before)).status).toBe(200);
    const refresher = gw.app.get(FieldKeyRefresher);
    expect(await refresher.refresh()).toBe(false);

    // Rotation: central's key file moved aside, central restarted on the same data and port.
    const port = Number(new URL(central.url).port);
    await central.stop();
    rmSync(join(central.dir, 'field-signing-key.pem'));
    central = await startCentral({ dir: central.dir, port });
    const after = await fieldToken();
    expect((await api(gw.url, 'GET', '/outputs', undefined, after)).body.message).toMatch(
      /^token signed with key .*, which this gateway does not know/,
    );

    expect(await refresher.refresh()).toBe(true);
    expect((await api(gw.url, 'GET', '/outputs', undefined, after)).status).toBe(200);
    expect((await api(gw.url, 'GET', '/outputs', undefined, before)).status).toBe(401);
  });
});
