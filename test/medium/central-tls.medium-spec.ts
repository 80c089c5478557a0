import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { DocumentException, parseYaml } from '@beffroi/domain';
import { stringify } from 'yaml';
import { centralConfigSchema } from '../../apps/central/src/central.config';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { type CentralHarness, PASSWORD, startCentral } from '../support/central-harness';
import { gatewayConfigFor, type GatewayHarness, PROFILES_DIR, startGateway } from '../support/gateway-harness';
import { localAuthorization } from '../support/local-credential';
import { waitFor } from '../support/wait-for';

let dir: string;
let central: CentralHarness;
const running: GatewayHarness[] = [];
const servers: Server[] = [];

/** A test CA, central's certificate signed by it (127.0.0.1), and an impostor's self-signed certificate. */
const files = {
  ca: () => join(dir, 'ca.pem'),
  cert: () => join(dir, 'central.pem'),
  key: () => join(dir, 'central.key'),
  impostorCert: () => join(dir, 'impostor.pem'),
  impostorKey: () => join(dir, 'impostor.key'),
};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Beffroi test CA');
  openssl('req', ...ec, '-keyout', 'central.key', '-out', 'central.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'central.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'central.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'impostor.key',
    '-out',
    'impostor.pem',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
  );
  openssl('x509', '-in', 'impostor.pem', '-out', 'impostor.pem');
}

function fingerprint(path: string): string {
  return new X509Certificate(readFileSync(path)).fingerprint256;
}

/** A request to central over HTTPS, trusting the test CA. */
function api(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${central.url}${path}`,
      {
        method,
        ca: readFileSync(files.ca()),
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A one-time enrolment code for Saint-Quentin, asked over HTTPS by its syndicate's admin. */
async function enrolmentCode(): Promise<string> {
  const login = await api('POST', '/api/auth/login', undefined, { login: 'admin@useda', password: PASSWORD });
  const token = (login.body as { token: string }).token;
  return ((await api('POST', '/api/communes/02691/enrolment-codes', token)).body as { code: string }).code;
}

/** Enrols `gatewayId` in Saint-Quentin through the HTTPS API; returns the path of its credential file. */
async function enrol(gatewayId: string): Promise<string> {
  const login = await api('POST', '/api/auth/login', undefined, { login: 'admin@useda', password: PASSWORD });
  const token = (login.body as { token: string }).token;
  const code = (await api('POST', '/api/communes/02691/enrolment-codes', token)).body as { code: string };
  const enrolled = await api('POST', '/api/enrolment', undefined, { code: code.code, gatewayId });
  expect(enrolled.status).toBe(201);
  const path = join(dir, `${gatewayId}.credential`);
  writeFileSync(path, `${(enrolled.body as { credential: string }).credential}\n`, { mode: 0o600 });
  return path;
}

async function gateway(gatewayId: string, centralSection: Record<string, unknown>): Promise<GatewayHarness> {
  const gatewayDir = join(dir, gatewayId);
  mkdirSync(gatewayDir);
  const started = await startGateway([], gatewayDir, {
    config: {
      gateway: { id: gatewayId },
      central: { reconnectMin: '20ms', reconnectMax: '200ms', ...centralSection },
    },
  });
  running.push(started);
  return started;
}

async function syncStatus(gw: GatewayHarness): Promise<{ connected: boolean; lastError: { message: string } | null }> {
  return (await (await fetch(`${gw.url}/sync`, { headers: { authorization: localAuthorization() } })).json()) as {
    connected: boolean;
    lastError: { message: string } | null;
  };
}

/** A raw server on an ephemeral port recording every byte it receives. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beffroi-tls-'));
  makeCertificates();
  central = await startCentral({ config: { http: { port: 0, tls: { cert: files.cert(), key: files.key() } } } });
});

afterAll(async () => {
  for (const gw of running) await gw.close();
  for (const server of servers) server.close();
  await central.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('central over TLS', () => {
  it('serves the API over HTTPS only, and a gateway trusting the CA file syncs over wss', async () => {
    expect(central.url).toMatch(/^https:/);
    expect((await api('GET', '/health')).status).toBe(200);
    await expect(fetch(central.url.replace('https:', 'http:') + '/health')).rejects.toThrow();

    const credentialFile = await enrol('gw-tls-ca');
    const gw = await gateway('gw-tls-ca', {
      url: central.url.replace('https:', 'wss:'),
      ca: files.ca(),
      credentialFile,
    });
    await waitFor(
      'syncStatus(gw): s.connected',
      () => syncStatus(gw),
      (s) => s.connected,
      { timeoutMs: 30_000 },
    );
    const token = (await api('POST', '/api/auth/login', undefined, { login: 'admin@useda', password: PASSWORD })).body
      .token as string;
    expect((await api('GET', '/api/gateways/gw-tls-ca', token)).body).toMatchObject({ online: true });
  });

  it('connects with the pinned fingerprint of central, without a CA file', async () => {
    const credentialFile = await enrol('gw-tls-pin');
    const gw = await gateway('gw-tls-pin', {
      url: central.url.replace('https:', 'wss:'),
      fingerprint: fingerprint(files.cert()).toLowerCase(),
      credentialFile,
    });
    await waitFor(
      'syncStatus(gw): s.connected',
      () => syncStatus(gw),
      (s) => s.connected,
      { timeoutMs: 30_000 },
    );
  });

  it('refuses a central whose certificate has another fingerprint, before sending it a single byte', async () => {
    const received: Buffer[] = [];
    let connections = 0;
    const impostor = createTlsServer(
      { cert: readFileSync(files.impostorCert()), key: readFileSync(files.impostorKey()) },
      (socket) => {
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        socket.on('error', () => undefined);
      },
    );
    impostor.on('connection', () => (connections += 1));
    impostor.on('tlsClientError', () => undefined);
    const port = await listen(impostor);
    const credentialFile = join(dir, 'pinned.credential');
    writeFileSync(credentialFile, 'the-credential-never-sent\n', { mode: 0o600 });
    const gw = await gateway('gw-tls-wrong-pin', {
      url: `wss://127.0.0.1:${port}`,
      fingerprint: fingerprint(files.cert()),
      credentialFile,
    });
    const status = await waitFor(
      'syncStatus(gw): s.lastError !== null && connections >= 2',
      () => syncStatus(gw),
      (s) => s.lastError !== null && connections >= 2,
      { timeoutMs: 30_000 },
    );
    expect(status.connected).toBe(false);
    expect(status.lastError?.message).toBe(
      `central's certificate has the SHA-256 fingerprint ${fingerprint(files.impostorCert())}, not the one ` +
        `central.fingerprint pins (${fingerprint(files.cert())}): connection refused`,
    );
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('refuses a central whose certificate the CA file did not sign', async () => {
    const credentialFile = await enrol('gw-tls-wrong-ca');
    const gw = await gateway('gw-tls-wrong-ca', {
      url: central.url.replace('https:', 'wss:'),
      ca: files.impostorCert(),
      credentialFile,
    });
    const status = await waitFor(
      'syncStatus(gw): s.lastError !== null',
      () => syncStatus(gw),
      (s) => s.lastError !== null,
      { timeoutMs: 30_000 },
    );
    expect(status.connected).toBe(false);
    expect(status.lastError?.message).toMatch(/certificate/);
  });

  it('enrols over https trusting the CA file, then syncs and keeps central’s field-token key', async () => {
    const gw = await gateway('gw-tls-enrol-ca', {
      url: central.url,
      ca: files.ca(),
      enrolmentCode: await enrolmentCode(),
      credentialFile: join(dir, 'gw-tls-enrol-ca.credential'),
    });
    await waitFor(
      'syncStatus(gw): s.connected',
      () => syncStatus(gw),
      (s) => s.connected,
      { timeoutMs: 30_000 },
    );
    expect(existsSync(join(dir, 'gw-tls-enrol-ca.credential-field-key.json'))).toBe(true);
  });

  it('enrols over https with the pinned fingerprint of central, without a CA file', async () => {
    const gw = await gateway('gw-tls-enrol-pin', {
      url: central.url,
      fingerprint: fingerprint(files.cert()),
      enrolmentCode: await enrolmentCode(),
      credentialFile: join(dir, 'gw-tls-enrol-pin.credential'),
    });
    await waitFor(
      'syncStatus(gw): s.connected',
      () => syncStatus(gw),
      (s) => s.connected,
      { timeoutMs: 30_000 },
    );
  });

  it('does not enrol with a central whose certificate has another fingerprint, and says why', async () => {
    const gw = await gateway('gw-tls-enrol-wrong', {
      url: central.url,
      fingerprint: fingerprint(files.impostorCert()),
      enrolmentCode: await enrolmentCode(),
      credentialFile: join(dir, 'gw-tls-enrol-wrong.credential'),
    });
    const status = await waitFor(
      'syncStatus(gw): s.lastError !== null',
      () => syncStatus(gw),
      (s) => s.lastError !== null,
      { timeoutMs: 30_000 },
    );
    expect(status.connected).toBe(false);
    expect(status.lastError?.message).toMatch(/enrolment pending: .*fingerprint/);
    expect(existsSync(join(dir, 'gw-tls-enrol-wrong.credential'))).toBe(false);
  });

  it('never falls back to plain ws: a wss url only ever opens TLS', async () => {
    const received: Buffer[] = [];
    const plain = createTcpServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      });
      socket.on('error', () => undefined);
    });
    const port = await listen(plain);
    const credentialFile = join(dir, 'plain.credential');
    writeFileSync(credentialFile, 'the-credential-never-sent\n', { mode: 0o600 });
    const gw = await gateway('gw-tls-plain', { url: `wss://127.0.0.1:${port}`, ca: files.ca(), credentialFile });
    await waitFor(
      'status.lastError !== null && connections >= 3',
      async () => ({ status: await syncStatus(gw), connections: received.length }),
      ({ status, connections }) => status.lastError !== null && connections >= 3,
      { timeoutMs: 30_000 },
    );
    // Every connection opened with a TLS handshake record (0x16); none carried an HTTP request in clear.
    expect(received.map((chunk) => chunk[0])).toEqual(received.map(() => 0x16));
    expect(Buffer.concat(received).toString('latin1')).not.toMatch(/GET \/api\/sync|the-credential-never-sent/);
  });
});

describe('TLS settings in the configs', () => {
  const centralProblems = (tls: unknown) => {
    try {
      parseYaml(centralConfigSchema, stringify({ http: { tls } }), 'central.yaml');
      return [];
    } catch (error) {
      if (!(error instanceof DocumentException)) throw error;
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it("names central's http.tls key that is wrong: a missing file, a key that is not one, another certificate's key", () => {
    expect(centralProblems({ cert: files.cert(), key: files.key() })).toEqual([]);
    expect(centralProblems({ cert: join(dir, 'none.pem'), key: files.key() })).toEqual([
      `http.tls.cert: cannot read the file ${join(dir, 'none.pem')} (ENOENT)`,
    ]);
    expect(centralProblems({ cert: files.cert(), key: files.ca() })).toEqual([
      `http.tls.key: cannot use the private key in ${files.ca()} (not a PEM private key)`,
    ]);
    expect(centralProblems({ cert: files.key(), key: files.key() })).toEqual([
      `http.tls.cert: ${files.key()} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`,
    ]);
    expect(centralProblems({ cert: files.cert(), key: files.impostorKey() })).toEqual([
      `http.tls.key: the key in ${files.impostorKey()} is not the key of the certificate in ${files.cert()}`,
    ]);
  });

  it("names the gateway's central.ca and central.fingerprint when they cannot be used", () => {
    const gatewayProblems = (centralSection: Record<string, unknown>) => {
      const path = join(dir, 'gateway-config.yaml');
      const config = { ...(gatewayConfigFor([], dir) as object), profilesDir: PROFILES_DIR, central: centralSection };
      writeFileSync(path, stringify(config));
      try {
        loadGatewayConfig(path);
        return [];
      } catch (error) {
        if (!(error instanceof DocumentException)) throw error;
        return error.problems.map((p) => `${p.path}: ${p.message}`);
      }
    };
    expect(gatewayProblems({ url: 'wss://central.example.fr', ca: files.ca() })).toEqual([]);
    expect(gatewayProblems({ url: 'wss://central.example.fr', ca: join(dir, 'none.pem') })).toEqual([
      `central.ca: cannot read the file ${join(dir, 'none.pem')} (ENOENT)`,
    ]);
    expect(gatewayProblems({ url: 'wss://central.example.fr', fingerprint: 'AB:CD' })).toEqual([
      'central.fingerprint: expected a SHA-256 certificate fingerprint: 32 hex bytes such as "5E:A1:…:0C", got "AB:CD"',
    ]);
    expect(gatewayProblems({ url: 'ws://central.example.fr', fingerprint: fingerprint(files.cert()) })).toEqual([
      'central.fingerprint: fingerprint is for a central reached over TLS: give an https:// or wss:// url',
    ]);
  });
});
