/**
 * `npm start`: runs the simulator, the central server and the gateways together on this machine, with the
 * configs in config/ (or a copy where every port is ephemeral, with --ephemeral): `gateway.yaml`, then every
 * `gateway-*.yaml` (a further commune of the demo syndicate). `--fleet N` adds N protocol-level demo gateways
 * (tools/demo-fleet.ts). Stops all of them on Ctrl-C, then removes the run's folder (configs, databases, credentials)
 * unless --keep.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import type { ReadyMessage } from '@beffroi/runtime';
import { startDemoFleet } from './demo-fleet';
import { enrolment, LOCAL_CREDENTIAL_ENV, readYaml, RunConfigs, type RunOptions } from './run-configs';

const ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

type AppName = 'simulator' | 'central' | 'gateway';
/** The most demo gateways `--fleet` runs. */
const MAX_FLEET = 2000;

function parseOptions(argv: readonly string[]): RunOptions & { fleet: number } {
  const options = { configDir: join(ROOT, 'config'), ephemeral: false, keep: false, fleet: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ephemeral') options.ephemeral = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--config-dir' && argv[i + 1] !== undefined) options.configDir = resolve(argv[++i] ?? '');
    else if (arg === '--fleet' && argv[i + 1] !== undefined) {
      const text = argv[++i] ?? '';
      options.fleet = Number(text);
      if (!/^\d+$/.test(text) || options.fleet > MAX_FLEET) {
        console.error(`start-all: --fleet expects a number of demo gateways 0..${MAX_FLEET}, got "${text}"`);
        process.exit(2);
      }
    } else {
      console.error(
        `start-all: unknown argument ${arg ?? ''} (expected --ephemeral, --keep, --config-dir <dir>, --fleet <n>)`,
      );
      process.exit(2);
    }
  }
  return options;
}

/** Each running app by its name in the logs: `simulator`, `central`, `gateway`, `gateway-laon`… */
const children = new Map<string, ChildProcess>();
let fleet: { close: () => void } | undefined;
let stopping = false;
let configs: RunConfigs | undefined;

function log(msg: string, extra: Record<string, unknown> = {}): void {
  console.log(
    JSON.stringify({
      level: 'log',
      pid: process.pid,
      timestamp: Date.now(),
      context: 'Launcher',
      message: msg,
      ...extra,
    }),
  );
}

function startApp(name: string, app: AppName, configPath: string): Promise<ReadyMessage> {
  const child = fork(join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), ['--config', configPath], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.set(name, child);
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      log(`${name} exited unexpectedly`, { code, signal });
      void stopAll(1);
    }
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready after ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      resolvePromise(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code ?? 'null'} before it was ready`));
    });
  });
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  fleet?.close();
  const running = [...children.entries()].reverse();
  await Promise.all(
    running.map(
      ([name, child]) =>
        new Promise<void>((done) => {
          const kill = setTimeout(() => {
            log(`${name} did not stop in time, killing it`);
            child.kill('SIGKILL');
          }, STOP_TIMEOUT_MS);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  configs?.cleanUp();
  log('all stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  configs = new RunConfigs(options, ROOT);
  const simulator = await startApp('simulator', 'simulator', configs.simulator());
  const centralConfig = configs.central();
  const central = await startApp('central', 'central', centralConfig);
  const centralUrl = `http://${central.http.host}:${central.http.port}`;
  // The demo gateways' local credential (their run configs read it from this variable; the children inherit it).
  process.env[LOCAL_CREDENTIAL_ENV] ??= randomBytes(12).toString('base64url');
  const urls: Record<string, string> = { central: centralUrl };
  for (const file of ['gateway.yaml', ...configs.moreGateways()]) {
    const credentialFile = configs.credentialFileOf(file);
    const section = await enrolment(centralUrl, centralConfig, join(options.configDir, file), credentialFile, log);
    const name = basename(file, '.yaml');
    const gateway = await startApp(name, 'gateway', configs.gateway(simulator.ports ?? {}, section, file));
    urls[name] = `http://${gateway.http.host}:${gateway.http.port}`;
  }
  urls.simulator = `http://${simulator.http.host}:${simulator.http.port}`;
  if (options.fleet > 0) fleet = await startDemoFleet(centralUrl, adminOf(centralConfig), options.fleet, log);
  log('Beffroi is up — Ctrl-C stops everything', { urls, equipment: simulator.ports, runDir: configs.dir });
  log(
    `gateway local API: curl -u local:${process.env[LOCAL_CREDENTIAL_ENV] ?? ''} ${urls.gateway ?? ''}/outputs ` +
      `(or a field token from POST ${centralUrl}/api/gateways/<id>/field-token: docs/security.md)`,
  );
  process.send?.({ type: 'ready', urls, equipment: simulator.ports, runDir: configs.dir });
}

/** The first syndicate admin of central's seed with a literal (demo) password: who the demo fleet logs in as. */
function adminOf(centralConfig: string): { login: string; password: string } {
  const seed = (readYaml(centralConfig).seed ?? {}) as {
    accounts?: { login?: unknown; role?: unknown; password?: unknown }[];
  };
  const admin = (seed.accounts ?? []).find((a) => a.role === 'syndicate-admin' && typeof a.password === 'string');
  if (typeof admin?.login !== 'string' || typeof admin.password !== 'string') {
    throw new Error('--fleet needs a syndicate admin with a demo password in central.yaml');
  }
  return { login: admin.login, password: admin.password };
}

main().catch((error: unknown) => {
  log(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
