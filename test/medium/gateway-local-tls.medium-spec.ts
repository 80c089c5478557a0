import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCentral } from '../support/central-harness';
import { localAuthorization, startGateway } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

/** GET over HTTPS trusting only `ca`: the status and the certificate the gateway served. */
function get(url: string, ca: string, authorization?: string): Promise<{ status: number; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { ca, headers: authorization === undefined ? {} : { authorization } }, (answer) => {
      const fingerprint = (answer.socket as TLSSocket).getPeerCertificate().fingerprint256;
      answer.resume();
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, fingerprint }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('the local API over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a self-signed certificate at first start, serves it, and keeps it across restarts', async () => {
    const first = await startGateway([], dir, { config: { http: { port: 0, tls: {} } } });
    const cert = readFileSync(join(dir, 'local-api.crt'), 'utf8');
    const fingerprint = new X509Certificate(cert).fingerprint256;
    try {
      expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(statSync(join(dir, 'local-api.key')).mode & 0o777).toBe(0o600);
      expect(new X509Certificate(cert).subjectAltName).toMatch(/DNS:localhost.*IP Address:127\.0\.0\.1/);
      expect(await get(`${first.url}/health`, cert)).toEqual({ status: 200, fingerprint });
      expect(await get(`${first.url}/outputs`, cert)).toMatchObject({ status: 401 });
      expect(await get(`${first.url}/outputs`, cert, localAuthorization())).toMatchObject({ status: 200 });
    } finally {
      await first.app.close();
    }
    const again = await startGateway([], dir, { config: { http: { port: 0, tls: {} } } });
    try {
      expect(await get(`${again.url}/health`, cert)).toEqual({ status: 200, fingerprint });
    } finally {
      await again.app.close();
    }
  });

  it("reports its certificate's fingerprint in /health and to central, whose API gives it to the console", async () => {
    const central = await startCentral();
    const admin = await central.login('admin@useda');
    const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
    const gw = await startGateway([], mkdtempSync(join(tmpdir(), 'beffroi-gw-tls-')), {
      config: {
        http: { port: 0, tls: {} },
        central: {
          url: central.url,
          enrolmentCode: code,
          credentialFile: join(dir, 'reporting-credential'),
          reconnectMin: '20ms',
          healthInterval: '100ms',
        },
      },
    });
    try {
      const cert = readFileSync(join(gw.dir, 'local-api.crt'), 'utf8');
      const fingerprint = new X509Certificate(cert).fingerprint256;
      const health = await new Promise<unknown>((resolve, reject) => {
        request(`${gw.url}/health`, { ca: cert }, (answer) => {
          let text = '';
          answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
          answer.on('end', () => resolve(JSON.parse(text)));
        })
          .on('error', reject)
          .end();
      });
      expect(health).toMatchObject({ localApi: { tls: true, fingerprint } });
      const reported = await waitFor(
        'GET /api/gateways/gw-test: gateway.health !== null && gateway.health !== undefined',
        async () => (await central.api(admin, 'GET', '/api/gateways/gw-test')).body as { health: unknown },
        (gateway) => gateway.health !== null && gateway.health !== undefined,
      );
      expect(reported.health).toMatchObject({ localApi: { tls: true, fingerprint } });
    } finally {
      await gw.close();
      await central.close();
    }
  });
});
