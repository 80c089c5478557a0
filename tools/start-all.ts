/**
 * `npm start`: runs the simulator, the central server and the gateway together on this machine, with the
 * configs in config/ (or a copy where every port is ephemeral, with --ephemeral). Stops all of them on Ctrl-C.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ReadyMessage } from '@beffroi/runtime';

const ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

type AppName = 'simulator' | 'central' | 'gateway';
type Yaml = Record<string, unknown>;

interface Options {
  configDir: string;
  ephemeral: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { configDir: join(ROOT, 'config'), ephemeral: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ephemeral') options.ephemeral = true;
    else if (arg === '--config-dir' && argv[i + 1] !== undefined) options.configDir = resolve(argv[++i] ?? '');
    else {
      console.error(`start-all: unknown argument ${arg ?? ''} (expected --ephemeral, --config-dir <dir>)`);
      process.exit(2);
    }
  }
  return options;
}

const children = new Map<AppName, ChildProcess>();
let stopping = false;

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

function readYaml(path: string): Yaml {
  return parse(readFileSync(path, 'utf8')) as Yaml;
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
  log('all stopped');
  process.exit(exitCode);
}

/** Copies of the configs for this run: profiles resolved, and with --ephemeral every port 0 then wired up. */
class RunConfigs {
  readonly dir: string;

  constructor(private readonly options: Options) {
    this.dir = options.ephemeral ? mkdtempSync(join(tmpdir(), 'beffroi-run-')) : join(ROOT, 'var', 'run');
    mkdirSync(this.dir, { recursive: true });
  }

  simulator(): string {
    const config = readYaml(join(this.options.configDir, 'simulator.yaml'));
    if (this.options.ephemeral) {
      config.control = { ...(config.control as Yaml), port: 0 };
      for (const endpoint of (config.modbus as Yaml[] | undefined) ?? []) {
        endpoint.transport = { ...(endpoint.transport as Yaml), port: 0 };
      }
      for (const server of (config.opcua as Yaml[] | undefined) ?? []) server.port = 0;
    }
    return this.write('simulator.yaml', config);
  }

  central(): string {
    const config = readYaml(join(this.options.configDir, 'central.yaml'));
    if (this.options.ephemeral) {
      config.http = { ...(config.http as Yaml), port: 0 };
      config.storage = { path: join(this.dir, 'central.sqlite') };
    }
    return this.write('central.yaml', config);
  }

  /** Where the demo gateway keeps the credential it got from central. */
  get credentialFile(): string {
    return this.options.ephemeral ? join(this.dir, 'gateway-credential') : join(ROOT, 'var', 'gateway-credential');
  }

  /** Buses whose id is a simulator endpoint's are pointed at the port that endpoint actually listens on. */
  gateway(simulatorPorts: Record<string, number>, central: Yaml | undefined): string {
    const source = join(this.options.configDir, 'gateway.yaml');
    const config = readYaml(source);
    if (central !== undefined) config.central = central;
    // Paths in the config are relative to it: the copy points at the originals.
    config.profilesDir = resolve(
      dirname(source),
      typeof config.profilesDir === 'string' ? config.profilesDir : 'profiles',
    );
    if (typeof config.schoolHolidays === 'string')
      config.schoolHolidays = resolve(dirname(source), config.schoolHolidays);
    for (const schedule of (config.schedules as Yaml[] | undefined) ?? []) {
      if (typeof schedule.file === 'string') schedule.file = resolve(dirname(source), schedule.file);
    }
    if (this.options.ephemeral) {
      config.http = { ...(config.http as Yaml), port: 0 };
      config.storage = { path: join(this.dir, 'gateway.sqlite') };
      for (const bus of (config.buses as Yaml[] | undefined) ?? []) {
        if (bus.protocol === 'opcua') bus.pkiDir = join(this.dir, 'pki');
        const port = simulatorPorts[String(bus.id)];
        if (port === undefined) continue;
        if (bus.protocol === 'opcua') bus.endpointUrl = String(bus.endpointUrl).replace(/:\d+(\/|$)/, `:${port}$1`);
        else bus.port = port;
      }
    }
    return this.write('gateway.yaml', config);
  }

  private write(name: string, config: Yaml): string {
    const path = join(this.dir, name);
    writeFileSync(path, `# Generated by npm start from config/${name}; edit that file instead.\n${stringify(config)}`);
    return path;
  }
}

/**
 * The gateway's `central` section, enrolling it first when it has no credential central knows: with the first
 * account of central's seed that may enrol and has a literal (demo) password, a one-time code for the gateway's
 * commune is made, and the gateway trades it for its credential as it starts.
 */
async function enrolment(centralUrl: string, centralConfig: string, gatewayConfig: string, credentialFile: string) {
  const seed = (readYaml(centralConfig).seed ?? {}) as { accounts?: Yaml[] };
  const account = (seed.accounts ?? []).find(
    (a) => (a.role === 'syndicate-admin' || a.role === 'field-engineer') && typeof a.password === 'string',
  );
  const gateway = readYaml(gatewayConfig) as { gateway: { id: string }; commune: { insee: string } };
  if (account === undefined) {
    log('the gateway runs alone: central.yaml seeds no account with a password that may enrol it');
    return undefined;
  }
  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${centralUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Yaml };
  };
  const section: Yaml = { url: centralUrl, credentialFile };
  const login = await api('POST', '/api/auth/login', undefined, { login: account.login, password: account.password });
  if (login.status !== 200) throw new Error(`cannot log in to central as ${String(account.login)}: ${login.status}`);
  const token = String(login.body.token);
  const known = await api('GET', `/api/gateways/${gateway.gateway.id}`, token);
  if (known.status === 200 && known.body.revokedAt === null && existsSync(credentialFile)) return section;
  rmSync(credentialFile, { force: true });
  if (known.status === 200 && known.body.revokedAt === null) {
    await api('POST', `/api/gateways/${gateway.gateway.id}/revoke`, token);
  }
  const code = await api('POST', `/api/communes/${gateway.commune.insee}/enrolment-codes`, token);
  if (code.status !== 201) throw new Error(`cannot make an enrolment code: ${JSON.stringify(code.body)}`);
  log(`enrolling gateway ${gateway.gateway.id} into commune ${gateway.commune.insee}`);
  return { ...section, enrolmentCode: code.body.code };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const configs = new RunConfigs(options);
  const simulator = await startApp('simulator', configs.simulator());
  const centralConfig = configs.central();
  const central = await startApp('central', centralConfig);
  const centralUrl = `http://${central.http.host}:${central.http.port}`;
  const gatewaySection = await enrolment(
    centralUrl,
    centralConfig,
    join(options.configDir, 'gateway.yaml'),
    configs.credentialFile,
  );
  const gateway = await startApp('gateway', configs.gateway(simulator.ports ?? {}, gatewaySection));
  const urls = {
    central: centralUrl,
    gateway: `http://${gateway.http.host}:${gateway.http.port}`,
    simulator: `http://${simulator.http.host}:${simulator.http.port}`,
  };
  log('Beffroi is up — Ctrl-C stops everything', { urls, equipment: simulator.ports });
  process.send?.({ type: 'ready', urls, equipment: simulator.ports });
}

main().catch((error: unknown) => {
  log(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
