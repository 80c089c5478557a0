/**
 * The configs one run of simulator + central + gateway uses (`npm start`, and the e2e tests that start the apps as
 * separate processes): copies of config/*.yaml with their paths resolved, every port 0 and the storage in the run's
 * folder when ephemeral, and the gateway's enrolment with central.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export type Yaml = Record<string, unknown>;

/**
 * The environment variable holding the demo gateway's local credential (`localAccess.passwordEnv` of its run config):
 * `npm start` sets it to a random value unless it is set already, and prints it.
 */
export const LOCAL_CREDENTIAL_ENV = 'BEFFROI_GATEWAY_PASSWORD';

export interface RunOptions {
  /** The folder of simulator.yaml, central.yaml and gateway.yaml. */
  configDir: string;
  /** Every port 0, and the run's folder a new temporary one (else `var/run` of the checkout). */
  ephemeral: boolean;
  /** Leave the run's folder (configs, databases, credential, certificates) in place when the run stops. */
  keep: boolean;
}

export function readYaml(path: string): Yaml {
  return parse(readFileSync(path, 'utf8')) as Yaml;
}

/**
 * Copies of the configs for this run: profiles resolved, the databases, the gateway's credential and its OPC UA
 * certificates in the run's folder (so one folder holds everything the run wrote), and when ephemeral every port 0
 * then wired up.
 */
export class RunConfigs {
  readonly dir: string;

  /** `root`: the checkout, whose var/ holds the run's files when not ephemeral. */
  constructor(
    private readonly options: RunOptions,
    private readonly root: string,
  ) {
    this.dir = options.ephemeral ? mkdtempSync(join(tmpdir(), 'beffroi-run-')) : join(root, 'var', 'run');
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
    config.storage = { path: join(this.dir, 'central.sqlite') };
    if (this.options.ephemeral) config.http = { ...(config.http as Yaml), port: 0 };
    return this.write('central.yaml', config);
  }

  /** Where the demo gateway keeps the credential it got from central. */
  get credentialFile(): string {
    return this.credentialFileOf('gateway.yaml');
  }

  /** Where the gateway of this config file keeps its credential: `gateway-laon.yaml` → `gateway-laon-credential`. */
  credentialFileOf(file: string): string {
    return join(this.dir, `${basename(file, '.yaml')}-credential`);
  }

  /** The configs of the demo's further gateways, each with its own commune: `gateway-*.yaml`, sorted. */
  moreGateways(): string[] {
    return readdirSync(this.options.configDir)
      .filter((name) => /^gateway-[a-z0-9-]+\.yaml$/.test(name))
      .sort();
  }

  /** Removes the run's folder, unless the run was asked to keep it. */
  cleanUp(): void {
    if (!this.options.keep) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The copy of a gateway config (`gateway.yaml`, or another of {@link moreGateways}), its database named after it.
   * Buses whose id is a simulator endpoint's are pointed at the port that endpoint actually listens on.
   */
  gateway(simulatorPorts: Record<string, number>, central: Yaml | undefined, file = 'gateway.yaml'): string {
    const source = join(this.options.configDir, file);
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
    config.storage = { path: join(this.dir, `${basename(file, '.yaml')}.sqlite`) };
    config.localAccess = { ...(config.localAccess as Yaml | undefined), passwordEnv: LOCAL_CREDENTIAL_ENV };
    for (const bus of (config.buses as Yaml[] | undefined) ?? []) {
      if (bus.protocol === 'opcua') bus.pkiDir = join(this.dir, 'pki');
    }
    if (this.options.ephemeral) {
      config.http = { ...(config.http as Yaml), port: 0 };
      for (const bus of (config.buses as Yaml[] | undefined) ?? []) {
        const port = simulatorPorts[String(bus.id)];
        if (port === undefined) continue;
        if (bus.protocol === 'opcua') bus.endpointUrl = String(bus.endpointUrl).replace(/:\d+(\/|$)/, `:${port}$1`);
        else bus.port = port;
      }
    }
    return this.write(file, config);
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
export async function enrolment(
  centralUrl: string,
  centralConfig: string,
  gatewayConfig: string,
  credentialFile: string,
  log: (message: string) => void,
): Promise<Yaml | undefined> {
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
