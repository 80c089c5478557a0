import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ReadyMessage } from '@beffroi/runtime';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-access-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A gateway config without equipment, its files in the test's folder. */
function writeConfig(extra: Record<string, unknown>): string {
  const path = join(dir, 'gateway.yaml');
  const config = {
    gateway: { id: 'gw-access' },
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'site', name: 'Site', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
    http: { port: 0 },
    storage: { path: join(dir, 'gateway.sqlite') },
    profilesDir: join(ROOT, 'config', 'profiles'),
    buses: [],
    ...extra,
  };
  writeFileSync(path, stringify(config));
  return path;
}

/** Runs the gateway until it exits by itself (a refused start). */
function refusedStart(config: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [MAIN, '--config', config], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...env, TZ: 'UTC' },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Starts the gateway, waits until it listens, stops it; its log lines' messages. */
async function startAndStop(config: string): Promise<{ messages: string[]; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
  delete env.BEFFROI_GATEWAY_PASSWORD;
  const child: ChildProcess = fork(MAIN, ['--config', config], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = await new Promise<ReadyMessage>((done, reject) => {
    child.once('message', (message: ReadyMessage) => done(message));
    void exited.then(() => reject(new Error(`the gateway exited:\n${output}`)));
  });
  const url = `http://127.0.0.1:${ready.http.port}`;
  const status = (await fetch(`${url}/outputs`)).status;
  child.kill('SIGTERM');
  await exited;
  const messages = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { message: string }).message);
  return { messages: [...messages, `GET /outputs without a credential: ${status}`], url };
}

describe("the gateway's local API at start", () => {
  it('refuses to listen off the loopback without TLS or http.insecure, naming both ways out', () => {
    const { status, output } = refusedStart(writeConfig({ http: { host: '0.0.0.0', port: 0 } }));
    expect(status).toBe(78);
    expect(output).toContain(
      'http.host: 0.0.0.0 is not a loopback address: the local API needs TLS there ' +
        '(http.tls: {} generates a self-signed certificate) or http.insecure: true',
    );
    expect(output).not.toContain('listening');
  });

  it('refuses to start when the environment variable of localAccess.passwordEnv is not set', () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.BEFFROI_GATEWAY_LOCAL_TEST;
    const { status, output } = refusedStart(
      writeConfig({ localAccess: { passwordEnv: 'BEFFROI_GATEWAY_LOCAL_TEST' } }),
      env,
    );
    expect(status).toBe(78);
    expect(output).toContain('localAccess.passwordEnv: environment variable BEFFROI_GATEWAY_LOCAL_TEST is not set');
  });

  it('shows a generated local credential once, keeps only its hash (0600), and it opens the local API', async () => {
    const config = writeConfig({});
    const first = await startAndStop(config);
    const shown = first.messages.find((m) => m.startsWith('local credential generated, shown this once'));
    const secret = /: ([A-Za-z0-9_-]{24}) — e\.g\. curl -u local:/.exec(shown ?? '')?.[1];
    expect(secret).toBeDefined();
    expect(first.messages).toContain('GET /outputs without a credential: 401');
    const file = join(dir, 'local-credential');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^sha256\$[A-Za-z0-9_-]{43}\n$/);
    expect(readFileSync(file, 'utf8')).not.toContain(secret ?? '');

    const second = await startAndStop(config);
    expect(second.messages.some((m) => m.includes(secret ?? ''))).toBe(false);
    expect(second.messages.some((m) => m.startsWith('local credential generated'))).toBe(false);
  });

  it('warns at every start when it listens off the loopback over plain HTTP (http.insecure: true)', async () => {
    const { messages } = await startAndStop(
      writeConfig({ http: { host: '0.0.0.0', port: 0, insecure: true }, localAccess: { enabled: false } }),
    );
    expect(messages).toContainEqual(expect.stringMatching(/^the local API listens on 0\.0\.0\.0 over plain HTTP/));
    expect(messages).toContain('GET /outputs without a credential: 401');
  });
});
