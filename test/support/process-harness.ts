import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ReadyMessage } from '@beffroi/runtime';
import { enrolment, readYaml, RunConfigs, type Yaml } from '../../tools/run-configs';
import { localAuthorization } from './local-credential';

/** The console's specs import the one wait from here. */
export { waitFor } from './wait-for';

/** The repository (this file runs from test/support under Jest, from dist/test/support in a benchmark). */
const ROOT = repositoryRoot(__dirname);
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

export type AppName = 'simulator' | 'central' | 'gateway';

/** Changes to the shipped configs of config/ before the run's copies are made. */
export interface ConfigEdits {
  /** Changes config/gateway.yaml (read and written as YAML). */
  gateway?: (config: Yaml) => void;
  /** Changes config/central.yaml (read and written as YAML). */
  central?: (config: Yaml) => void;
  /** Keys added to the gateway's `central` section (drain rate, reconnect delays...). */
  gatewayCentral?: Yaml;
  /** Files of config/ written over, by path relative to it (a schedule made for the test). */
  files?: Record<string, string>;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

/**
 * Simulator, central and gateway as three processes forked from dist/ (what `npm start` runs, from the same config
 * preparation: tools/run-configs.ts), each with its own storage in one temporary folder and its output in a log
 * file there. An app can be killed (SIGKILL) and started again on the same config, SQLite file and credential:
 * central and the gateway keep the HTTP port they got at their first start, so the gateway finds central again.
 */
export class ProcessHarness {
  private readonly running = new Map<AppName, Running>();
  private readonly configs = new Map<AppName, string>();
  private readonly urls = new Map<AppName, string>();
  private equipmentPorts: Record<string, number> = {};

  private constructor(
    private readonly dir: string,
    private readonly runConfigs: RunConfigs,
  ) {}

  /** Starts the three apps, the gateway enrolled with central with a one-time code (as `npm start` does). */
  static async start(edits: ConfigEdits = {}): Promise<ProcessHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-processes-'));
    const configDir = join(dir, 'config');
    cpSync(join(ROOT, 'config'), configDir, { recursive: true });
    for (const [path, content] of Object.entries(edits.files ?? {})) writeFileSync(join(configDir, path), content);
    for (const [app, edit] of [
      ['gateway', edits.gateway],
      ['central', edits.central],
    ] as const) {
      if (edit === undefined) continue;
      const path = join(configDir, `${app}.yaml`);
      const config = readYaml(path);
      edit(config);
      writeFileSync(path, stringify(config));
    }
    const harness = new ProcessHarness(dir, new RunConfigs({ configDir, ephemeral: true, keep: false }, ROOT));
    try {
      await harness.startAll(configDir, edits.gatewayCentral ?? {});
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  /** `http://host:port` of an app's HTTP API. */
  url(app: AppName): string {
    const url = this.urls.get(app);
    if (url === undefined) throw new Error(`${app} was never started`);
    return url;
  }

  /** Listening ports of the simulated equipment, by endpoint id. */
  get equipment(): Readonly<Record<string, number>> {
    return this.equipmentPorts;
  }

  /** SIGKILL: no shutdown hook runs, whatever was under way is cut where it stood. */
  async kill(app: AppName): Promise<void> {
    const running = this.running.get(app);
    if (running === undefined) throw new Error(`${app} is not running`);
    running.child.kill('SIGKILL');
    await running.exited;
  }

  /** SIGSTOP freezes an app where it stands (its sockets stay open, nothing is answered); SIGCONT resumes it. */
  signal(app: AppName, signal: 'SIGSTOP' | 'SIGCONT'): void {
    const running = this.running.get(app);
    if (running === undefined) throw new Error(`${app} is not running`);
    running.child.kill(signal);
  }

  /** Starts an app again on the config, storage and credential of its first start. */
  async restart(app: AppName): Promise<ReadyMessage> {
    const config = this.configs.get(app);
    if (config === undefined) throw new Error(`${app} was never started`);
    if (this.running.has(app)) throw new Error(`${app} is still running`);
    return this.fork(app, config);
  }

  /** The last lines each app wrote (all its runs), for the message of a failed expectation. */
  logTail(...apps: AppName[]): string {
    return apps
      .map((app) => {
        let text = '';
        try {
          text = readFileSync(this.logFile(app), 'utf8').trimEnd().split('\n').slice(-30).join('\n');
        } catch {
          text = '(no output)';
        }
        return `--- ${app} (${this.logFile(app)}) ---\n${text}`;
      })
      .join('\n');
  }

  /** A session token on central for one of its seeded demo accounts. */
  async login(login: string, password: string): Promise<string> {
    const answer = await request(`${this.url('central')}/api/auth/login`, 'POST', { login, password });
    if (answer.status !== 200) throw new Error(`login ${login}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return String(answer.body.token);
  }

  /** Stops every app (SIGTERM, then SIGKILL after a while) and deletes the folder. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async ({ child, exited }) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
    this.runConfigs.cleanUp();
  }

  private async startAll(configDir: string, gatewayCentral: Yaml): Promise<void> {
    const simulator = await this.fork('simulator', this.runConfigs.simulator());
    this.equipmentPorts = simulator.ports ?? {};
    const centralConfig = this.runConfigs.central();
    await this.fork('central', centralConfig);
    const section = await enrolment(
      this.url('central'),
      centralConfig,
      join(configDir, 'gateway.yaml'),
      this.runConfigs.credentialFile,
      () => undefined,
    );
    if (section === undefined) throw new Error('central.yaml seeds no account that may enrol the gateway');
    await this.fork('gateway', this.runConfigs.gateway(this.equipmentPorts, { ...section, ...gatewayCentral }));
  }

  private logFile(app: AppName): string {
    return join(this.dir, `${app}.log`);
  }

  private async fork(app: AppName, configPath: string): Promise<ReadyMessage> {
    const log = openSync(this.logFile(app), 'a');
    const child = fork(join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), ['--config', configPath], {
      cwd: ROOT,
      stdio: ['ignore', log, log, 'ipc'],
      env: { ...process.env, TZ: 'UTC' },
    });
    closeSync(log);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    this.running.set(app, { child, exited });
    void exited.then(() => {
      if (this.running.get(app)?.child === child) this.running.delete(app);
    });
    const ready = await new Promise<ReadyMessage>((resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${app} not ready after ${READY_TIMEOUT_MS} ms:\n${this.logTail(app)}`)),
        READY_TIMEOUT_MS,
      );
      child.once('message', (message: ReadyMessage) => {
        clearTimeout(timer);
        resolveReady(message);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${app} exited before it was ready:\n${this.logTail(app)}`));
      });
    });
    this.urls.set(app, `http://${ready.http.host}:${ready.http.port}`);
    if (!this.configs.has(app)) {
      this.configs.set(app, configPath);
      if (app !== 'simulator') pinHttpPort(configPath, ready.http.port);
    }
    return ready;
  }
}

/** The next start listens where this one did: the gateway's config names central's port. */
function pinHttpPort(configPath: string, port: number): void {
  const config = readYaml(configPath);
  config.http = { ...(config.http as Yaml), port };
  writeFileSync(configPath, stringify(config));
}

/** JSON over HTTP, with a bearer token when given, else the test gateways' local credential (harmless elsewhere). */
export async function request(
  url: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'GET',
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: token === undefined ? localAuthorization() : `Bearer ${token}`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

function repositoryRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
