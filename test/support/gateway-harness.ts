import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkProfileReferences, gatewayConfigSchema } from '@beffroi/domain';
import { AdjustableClock, Clock, httpAddressOf, ManualClock } from '@beffroi/runtime';
import { LocalApiTransport, localTls } from '../../apps/gateway/src/access/local-tls';
import { FieldService } from '../../apps/gateway/src/field/field.service';
import { LoadedGatewayConfig, loadProfiles } from '../../apps/gateway/src/gateway.config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { PollerService } from '../../apps/gateway/src/points/poller.service';
import { loadSchedules } from '../../apps/gateway/src/schedule/schedule-files';
import { LOCAL_CREDENTIAL_ENV, localAuthorization } from './local-credential';

export { LOCAL_CREDENTIAL_ENV, localAuthorization } from './local-credential';

export const PROFILES_DIR = resolve(__dirname, '..', '..', 'config', 'profiles');

/** A real gateway (Nest app, SQLite file in a temp folder, real drivers) on an ephemeral port. */
export interface GatewayHarness {
  app: INestApplication;
  url: string;
  field: FieldService;
  poller: PollerService;
  dir: string;
  close(): Promise<void>;
}

/** A gateway config around these buses, for the demo commune. */
export function gatewayConfigFor(buses: unknown[], dir: string): unknown {
  return {
    gateway: { id: 'gw-test' },
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'site', name: 'Site', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
    http: { port: 0 },
    storage: { path: join(dir, 'gateway.sqlite') },
    localAccess: { passwordEnv: LOCAL_CREDENTIAL_ENV },
    profilesDir: PROFILES_DIR,
    buses,
  };
}

export interface GatewayOptions {
  /** More top-level config (schedules, control, clock...). */
  config?: Record<string, unknown>;
  /** Files written next to the config file (schedule files), by relative path. */
  files?: Record<string, string>;
  /** With `clock: { mode: adjustable }` or a manual `clock`: the gateway's time when it boots. */
  bootAt?: Date;
  /**
   * The gateway runs on this clock instead of the one its config says: its schedules, bells, alarms and reporters
   * wait for `clock.advance` (see {@link runClock}), the field and the sync protocol keep the machine's time.
   */
  clock?: ManualClock;
  /** Profiles read instead of config/profiles (a profile with a faster poll period, say). */
  profilesDir?: string;
}

export async function startGateway(
  buses: unknown[],
  dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-')),
  options: GatewayOptions = {},
): Promise<GatewayHarness> {
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);
  const configPath = join(dir, 'gateway.yaml');
  const profilesDir = options.profilesDir ?? PROFILES_DIR;
  const config = gatewayConfigSchema.parse({
    ...(gatewayConfigFor(buses, dir) as object),
    profilesDir,
    ...options.config,
  });
  const profiles = loadProfiles(profilesDir);
  const problems = checkProfileReferences(config, profiles);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  const loaded = new LoadedGatewayConfig(configPath, config, profiles, loadSchedules(configPath, config, profiles));
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const tls = localTls(loaded, silent, new Date());
  if (options.clock !== undefined && options.bootAt !== undefined) options.clock.set(options.bootAt);
  const module = GatewayModule.forConfig(loaded, new LocalApiTransport(tls?.fingerprint), options.clock);
  const app = await NestFactory.create(module, {
    logger: ['error'],
    ...(tls === undefined ? {} : { httpsOptions: { key: tls.key, cert: tls.cert } }),
  });
  if (options.bootAt !== undefined && options.clock === undefined) {
    const clock = app.get(Clock);
    if (!(clock instanceof AdjustableClock))
      throw new Error('bootAt needs clock: { mode: adjustable } or a manual clock');
    clock.set(options.bootAt);
  }
  await app.listen(0, '127.0.0.1');
  const { port } = httpAddressOf(app);
  return {
    app,
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    field: app.get(FieldService),
    poller: app.get(PollerService),
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The longest step of {@link runClock} and {@link runClockUntil}, and the real time after each step of `runClock`. */
const CLOCK_STEP_MS = 100;
const REAL_PAUSE_MS = 10;

/**
 * Runs a gateway's manual `clock` forward by `ms`, fast: to each timer due on the way in steps of at most 100 ms, with
 * 10 ms of real time after each so that what the timers started on the field (a write) goes on and arms what comes
 * next. For stretches where the gateway should do nothing on the field, or only writes whose spacing the equipment
 * does not care about.
 */
export async function runClock(clock: ManualClock, ms: number): Promise<void> {
  const until = clock.monotonicMs() + ms;
  while (clock.monotonicMs() < until) {
    await clock.advance(nextStep(clock, until - clock.monotonicMs()));
    await new Promise((resolve) => setTimeout(resolve, REAL_PAUSE_MS));
  }
}

/**
 * Runs a gateway's manual `clock` with the machine's time until `accept` holds for what `probe` returns: each step
 * (to the next timer due, at most 100 ms) comes after as much real time, so equipment simulated on the machine's
 * time (a bell's hammer that stays down for its pulse) sees the gateway's actions spaced as the sequence says. For a
 * ring being played; move the clock to its start with `clock.advance`. Throws, naming `what`, when `withinMs` of clock
 * time pass first.
 */
export async function runClockUntil<T>(
  what: string,
  clock: ManualClock,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  withinMs: number,
): Promise<T> {
  const until = clock.monotonicMs() + withinMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    const left = until - clock.monotonicMs();
    if (left <= 0) {
      throw new Error(`ran the clock ${withinMs} ms for ${what}; ${JSON.stringify({ last: value }).slice(0, 2000)}`);
    }
    const step = nextStep(clock, left);
    await new Promise((resolve) => setTimeout(resolve, step));
    await clock.advance(step);
  }
}

/** Up to the next timer due, at most 100 ms and `left`. */
function nextStep(clock: ManualClock, left: number): number {
  return Math.min(left, CLOCK_STEP_MS, clock.nextDueIn() ?? CLOCK_STEP_MS);
}

/** A JSON request to a test gateway's local API, with its local credential unless `authorization` says otherwise (null: none). */
export async function api(
  base: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  authorization: string | null = localAuthorization(),
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(authorization === null ? {} : { authorization }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}
