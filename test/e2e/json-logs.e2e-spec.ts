import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ReadyMessage } from '@beffroi/runtime';
import { waitFor } from '../support/wait-for';

const ROOT = resolve(__dirname, '..', '..');

/** An app forked from dist/ with its stdout and stderr kept apart, whole. */
interface App {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<void>;
}

function start(app: 'simulator' | 'gateway', config: string, env: NodeJS.ProcessEnv): App {
  const child = fork(join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), ['--config', config], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Warnings at node-opcua's own default level (4), which test/support/jest-setup.ts lowers for the tests' process.
    env: { ...process.env, ...env, TZ: 'UTC', NODEOPCUA_LOG_LEVEL: '4' },
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return { child, stdout, stderr, exited };
}

function ready(app: App): Promise<ReadyMessage> {
  return new Promise((resolveReady, reject) => {
    app.child.once('message', (message: ReadyMessage) => resolveReady(message));
    void app.exited.then(() => reject(new Error(`exited before it was ready:\n${app.stdout.join('')}`)));
  });
}

/** The lines of a stream that are not one JSON object with a string level, context and message. */
function notJsonLogLines(chunks: readonly string[]): string[] {
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .filter((line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        return !['level', 'context', 'message'].every((key) => typeof entry[key] === 'string');
      } catch {
        return true;
      }
    });
}

describe('every log line is JSON, node-opcua included', () => {
  let dir: string;
  const apps: App[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-json-logs-'));
  });

  afterAll(async () => {
    for (const app of apps) app.child.kill('SIGKILL');
    await Promise.all(apps.map((app) => app.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the simulator (OPC UA server) and a gateway with an OPC UA bus, both making their certificates', async () => {
    // The simulator keeps its server's PKI under the temporary folder: a fresh one makes it create its certificate.
    const simulatorTmp = join(dir, 'simulator-tmp');
    mkdirSync(simulatorTmp);
    const simulatorConfig = join(dir, 'simulator.yaml');
    writeFileSync(
      simulatorConfig,
      stringify({
        control: { host: '127.0.0.1', port: 0 },
        opcua: [{ id: 'heating', kind: 'heating-controller', host: '127.0.0.1', port: 0, zones: [{ name: 'Salle' }] }],
      }),
    );
    const simulator = start('simulator', simulatorConfig, { TMPDIR: simulatorTmp });
    apps.push(simulator);
    const { ports } = await ready(simulator);

    const gatewayConfig = join(dir, 'gateway.yaml');
    writeFileSync(
      gatewayConfig,
      stringify({
        gateway: { id: 'gw-json-logs' },
        commune: { insee: '02691', name: 'Saint-Quentin' },
        sites: [{ id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
        http: { host: '127.0.0.1', port: 0 },
        storage: { path: join(dir, 'gateway.sqlite') },
        profilesDir: join(ROOT, 'config', 'profiles'),
        buses: [
          {
            id: 'heating',
            protocol: 'opcua',
            endpointUrl: `opc.tcp://127.0.0.1:${ports?.heating ?? 0}`,
            pkiDir: join(dir, 'gateway-pki'),
            equipment: [{ id: 'heating', profile: 'beffroi-sim-heating' }],
          },
        ],
      }),
    );
    const gateway = start('gateway', gatewayConfig, {});
    apps.push(gateway);
    await ready(gateway);
    await waitFor(
      'the gateway connects to the heating controller',
      () => Promise.resolve(gateway.stdout.join('')),
      (output) => output.includes('bus heating: connected to'),
      { timeoutMs: 120_000, context: () => gateway.stdout.join('') },
    );
    for (const app of [gateway, simulator]) {
      app.child.kill('SIGTERM');
      await app.exited;
    }

    const output = [...simulator.stdout, ...gateway.stdout].join('');
    // What node-opcua says when it makes the gateway's client certificate is among the JSON lines.
    expect(output).toMatch(/"message":"Creating default certificate[^"]*","context":"node-opcua"/);
    expect({
      simulatorStdout: notJsonLogLines(simulator.stdout),
      simulatorStderr: notJsonLogLines(simulator.stderr),
      gatewayStdout: notJsonLogLines(gateway.stdout),
      gatewayStderr: notJsonLogLines(gateway.stderr),
    }).toEqual({ simulatorStdout: [], simulatorStderr: [], gatewayStdout: [], gatewayStderr: [] });
  }, 300_000);
});
