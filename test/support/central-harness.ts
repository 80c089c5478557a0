import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AdjustableClock, httpAddressOf } from '@beffroi/runtime';
import { centralConfig } from '../../apps/central/src/central.config';
import { CentralModule } from '../../apps/central/src/central.module';
import { httpsOptionsOf } from '../../apps/central/src/https-options';

export const PASSWORD = 'correct horse battery';

/** Two syndicates, three communes, one account per role and tenant: the cast of the authorization tests. */
export const SEED = {
  syndicates: [
    { id: 'useda', name: "Union des secteurs d'énergie du département de l'Aisne" },
    { id: 'sde-nord', name: "Syndicat d'énergie du Nord" },
  ],
  communes: [
    { insee: '02691', syndicate: 'useda' },
    { insee: '02408', syndicate: 'useda' },
    { insee: '59350', syndicate: 'sde-nord' },
  ],
  accounts: [
    { login: 'admin@useda', name: 'Admin USEDA', role: 'syndicate-admin', tenant: 'useda', password: PASSWORD },
    { login: 'admin@sde-nord', name: 'Admin Nord', role: 'syndicate-admin', tenant: 'sde-nord', password: PASSWORD },
    { login: 'agent@02691', name: 'Agent Saint-Quentin', role: 'commune-staff', tenant: '02691', password: PASSWORD },
    { login: 'agent@02408', name: 'Agent Laon', role: 'commune-staff', tenant: '02408', password: PASSWORD },
    { login: 'tech@useda', name: 'Technicien USEDA', role: 'field-engineer', tenant: 'useda', password: PASSWORD },
    { login: 'lecteur@02691', name: 'Lecteur', role: 'read-only', tenant: '02691', password: PASSWORD },
  ],
};

export interface CentralHarness {
  app: INestApplication;
  url: string;
  wsUrl: string;
  dir: string;
  /** Central's clock: tests move it with `set` or by shifting `offsetMs`. */
  clock: AdjustableClock;
  /** Stops the app; the SQLite file stays, so `startCentral({ dir })` starts it again on the same data. */
  stop(): Promise<void>;
  /** Stops and deletes the folder. */
  close(): Promise<void>;
  login(login: string, password?: string): Promise<string>;
  api(token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

const REPOSITORY = resolve(__dirname, '..', '..');

/** Central's sources (migrations, entities, seeding), the lock file and the seed: what a seeded database depends on. */
function seededDatabaseKey(): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(SEED));
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
      hash.update(path);
      hash.update(readFileSync(path));
    }
  };
  for (const dir of ['apps/central/src', 'libs']) visit(join(REPOSITORY, dir));
  hash.update(readFileSync(join(REPOSITORY, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * A new central's database file, already migrated and seeded. Seeding hashes the six accounts' passwords (scrypt,
 * about 0.3 s each on an idle core, seconds under load), which most tests paid on every start; the first start
 * makes the file (through a real start and stop), the next ones on this machine copy it (a test's `config` changes
 * no seeded row: it may not name `seed`, `storage` or `demo`). Central's start
 * then finds every seeded row present and creates none, as on any restart.
 */
async function seededDatabase(): Promise<string> {
  const template = join(tmpdir(), `beffroi-central-seeded-${seededDatabaseKey()}.sqlite`);
  if (existsSync(template)) return template;
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-central-seeding-'));
  const first = await startCentral({ dir });
  await first.stop();
  // The rename makes the file appear whole to a test file running at the same time.
  renameSync(join(dir, 'central.sqlite'), `${template}.${process.pid}`);
  renameSync(`${template}.${process.pid}`, template);
  rmSync(dir, { recursive: true, force: true });
  return template;
}

/**
 * A real central (Nest app, SQLite file in a temp folder) on an ephemeral port, seeded with {@link SEED}; with a
 * `dir`, started again on the data a previous start left there.
 */
export async function startCentral(
  options: { dir?: string; config?: Record<string, unknown>; port?: number } = {},
): Promise<CentralHarness> {
  for (const key of ['seed', 'storage', 'demo']) {
    if (options.config !== undefined && key in options.config)
      throw new Error(`startCentral: config.${key} is the harness's`);
  }
  let dir = options.dir;
  if (dir === undefined) {
    const seeded = await seededDatabase();
    dir = mkdtempSync(join(tmpdir(), 'beffroi-central-'));
    copyFileSync(seeded, join(dir, 'central.sqlite'));
  }
  const config = centralConfig({
    demo: true,
    http: { port: options.port ?? 0 },
    storage: { path: join(dir, 'central.sqlite') },
    seed: SEED,
    ...options.config,
  });
  const clock = new AdjustableClock();
  const app = await NestFactory.create(CentralModule.forConfig(config, clock), {
    logger: ['error', 'warn'],
    ...httpsOptionsOf(config),
  });
  await app.listen(config.http.port, '127.0.0.1');
  const { port } = httpAddressOf(app);
  const secure = config.http.tls !== undefined;
  const url = `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
  const api = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  const stop = () => app.close();
  return {
    app,
    url,
    wsUrl: `${secure ? 'wss' : 'ws'}://127.0.0.1:${port}/api/sync`,
    dir,
    clock,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    api,
    login: async (login, password = PASSWORD) => {
      const { status, body } = await api(undefined, 'POST', '/api/auth/login', { login, password });
      if (status !== 200) throw new Error(`login ${login}: ${status} ${JSON.stringify(body)}`);
      return (body as { token: string }).token;
    },
  };
}
