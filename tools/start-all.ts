/**
 * `npm start`: runs the simulator, the central server and the gateway together on this machine, with the
 * configs in config/ (or a copy where every port is ephemeral, with --ephemeral). Stops all of them on Ctrl-C, then
 * removes the run's folder (configs, databases, credential) unless --keep.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ReadyMessage } from '@beffroi/runtime';
import { enrolment, LOCAL_CREDENTIAL_ENV, RunConfigs, type RunOptions } from './run-configs';

const ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

type AppName = 'simulator' | 'central' | 'gateway';

function parseOptions(argv: readonly string[]): RunOptions {
  const options: RunOptions = { configDir: join(ROOT, 'config'), ephemeral: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ephemeral') options.ephemeral = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--config-dir' && argv[i + 1] !== undefined) options.configDir = resolve(argv[++i] ?? '');
    else {
      console.error(`start-all: unknown argument ${arg ?? ''} (expected --ephemeral, --keep, --config-dir <dir>)`);
      process.exit(2);
    }
  }
  return options;
}

const children = new Map<AppName, ChildProcess>();
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

function startApp(name: AppName, configPath: string): Promise<ReadyMessage> {
  const child = fork(join(ROOT, 'dist', 'apps', name, 'src', 'main.js'), ['--config', configPath], {
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
  const simulator = await startApp('simulator', configs.simulator());
  const centralConfig = configs.central();
  const central = await startApp('central', centralConfig);
  const centralUrl = `http://${central.http.host}:${central.http.port}`;
  const gatewaySection = await enrolment(
    centralUrl,
    centralConfig,
    join(options.configDir, 'gateway.yaml'),
    configs.credentialFile,
    log,
  );
  // The demo gateway's local credential (its run config reads it from this variable; the child inherits it).
  process.env[LOCAL_CREDENTIAL_ENV] ??= randomBytes(12).toString('base64url');
  const gateway = await startApp('gateway', configs.gateway(simulator.ports ?? {}, gatewaySection));
  const urls = {
    central: centralUrl,
    gateway: `http://${gateway.http.host}:${gateway.http.port}`,
    simulator: `http://${simulator.http.host}:${simulator.http.port}`,
  };
  log('Beffroi is up — Ctrl-C stops everything', { urls, equipment: simulator.ports, runDir: configs.dir });
  log(
    `gateway local API: curl -u local:${process.env[LOCAL_CREDENTIAL_ENV] ?? ''} ${urls.gateway}/outputs ` +
      `(or a field token from POST ${centralUrl}/api/gateways/<id>/field-token: docs/security.md)`,
  );
  process.send?.({ type: 'ready', urls, equipment: simulator.ports, runDir: configs.dir });
}

main().catch((error: unknown) => {
  log(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
