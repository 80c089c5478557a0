/**
 * `npm run bench:field`: points/s read over Modbus TCP on loopback from 50 simulated devices × 200 registers
 * (10,000 points) by (a) a hand-written modbus-serial loop, one request per point, (b) a hand-written loop with
 * ideal batching, (c) the gateway's driver stack (scheduler, read plan, codecs), all in this run, same registers.
 * Then (d) the memory of the whole gateway as a process polling the same 10,000 points every second (values kept
 * in SQLite, local API up), against the same gateway with no equipment.
 */
import { Logger } from '@nestjs/common';
import ModbusRTU from 'modbus-serial';
import { modbusTcpBusSchema } from '@beffroi/domain';
import { type BoundPoint, ModbusDriver } from '@beffroi/fieldbus';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadyMessage } from '@beffroi/runtime';
import { stringify } from 'yaml';
import { LOCAL_CREDENTIAL_ENV, localAuthorization } from '../support/local-credential';

/** BENCH_DEVICES and BENCH_PHASE_MS change the size and length of the run (defaults: the 50 devices, 4 s). */
const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);
const REGISTERS = 200;
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4000);
/** How long the gateway process polls before its memory is read. */
const GATEWAY_MS = Number(process.env.BENCH_GATEWAY_MS ?? 15_000);

interface Figures {
  name: string;
  points: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** Runs `scan` back to back on every device in parallel for PHASE_MS; counts points read, CPU and peak RSS. */
async function phase(name: string, devices: number, scan: (device: number) => Promise<number>): Promise<Figures> {
  global.gc?.();
  const cpu = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const started = performance.now();
  const deadline = started + PHASE_MS;
  let points = 0;
  await Promise.all(
    Array.from({ length: devices }, async (_, device) => {
      while (performance.now() < deadline) {
        // Not `points += await scan(device)`: that reads `points` before awaiting, so the loops of the other
        // devices would overwrite each other's counts and the total would be about one device's.
        const read = await scan(device);
        points += read;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const used = process.cpuUsage(cpu);
  return { name, points, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: peakRss / 2 ** 20 };
}

/**
 * A phase over fresh modbus-serial clients, one per device, closed when it ends. They are dropped with it: each keeps
 * its last 256 transactions (and the data they read), which must not weigh on the phases after.
 */
async function clientPhase(
  name: string,
  ports: number[],
  scan: (client: ModbusRTU) => Promise<number>,
): Promise<Figures> {
  const clients = await Promise.all(
    ports.map(async (port) => {
      const client = new ModbusRTU();
      await client.connectTCP('127.0.0.1', { port });
      client.setID(1);
      client.setTimeout(2000);
      return client;
    }),
  );
  const figures = await phase(name, clients.length, (device) => scan(clients[device]!));
  await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.close(() => resolve()))));
  return figures;
}

function busPoints(busId: string, equipmentId: string): BoundPoint[] {
  return Array.from({ length: REGISTERS }, (_, address) => ({
    key: `${equipmentId}:register.${address}`,
    equipmentId,
    unit: 1,
    periodMs: 1000,
    definition: {
      id: `register.${address}`,
      kind: 'measure' as const,
      type: 'uint16' as const,
      byteOrder: 'big' as const,
      wordOrder: 'big' as const,
      address: { table: 'holding-register' as const, address },
    },
  })).map((point) => ({ ...point, key: `${busId}/${point.key}` }));
}

/** Resident memory of a process now and at its peak (Linux /proc), in MB. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * The gateway as it runs on site (dist/apps/gateway), polling `ports` (one bus and one 200-register bank each) for
 * `ms`; its memory then. With no ports, the gateway alone.
 */
async function gatewayMemory(ports: readonly number[], ms: number) {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-gateway-'));
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(
    join(dir, 'profiles', 'register-bank.yaml'),
    stringify({
      id: 'register-bank',
      name: 'Register bank',
      protocol: 'modbus',
      defaults: { period: '1s', byteOrder: 'big', wordOrder: 'big' },
      points: Array.from({ length: REGISTERS }, (_, address) => ({
        id: `register.${address}`,
        name: `Register ${address}`,
        kind: 'measure',
        type: 'uint16',
        address: { table: 'holding-register', address },
      })),
    }),
  );
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    stringify({
      gateway: { id: 'gw-bench' },
      commune: { insee: '02691', name: 'Saint-Quentin' },
      sites: [{ id: 'site', name: 'Site', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
      http: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'gateway.sqlite') },
      localAccess: { passwordEnv: LOCAL_CREDENTIAL_ENV },
      profilesDir: 'profiles',
      buses: ports.map((port, i) => ({
        id: `bus-${i}`,
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port,
        timeout: '2s',
        equipment: [{ id: `bank-${i}`, profile: 'register-bank', unit: 1 }],
      })),
    }),
  );
  const gateway = fork(join(__dirname, '..', '..', 'apps', 'gateway', 'src', 'main.js'), ['--config', config], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReadyMessage>((resolve) => gateway.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, ms));
  const memory = memoryOf(gateway.pid ?? 0);
  const points = await fetch(`http://127.0.0.1:${ready.http.port}/points`, {
    headers: { authorization: localAuthorization() },
  });
  const health = (await points.json()) as {
    quality: { status: string };
  }[];
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  return { ...memory, points: health.length, good: health.filter((p) => p.quality.status === 'good').length };
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  // The equipment runs in its own process, as real devices do: what is measured here is the client side alone.
  const configPath = join(mkdtempSync(join(tmpdir(), 'beffroi-bench-')), 'simulator.yaml');
  writeFileSync(
    configPath,
    stringify({
      control: { port: 0 },
      modbus: Array.from({ length: DEVICES }, (_, i) => ({
        id: `bench-${i}`,
        transport: { type: 'tcp', port: 0 },
        devices: [{ id: `bank-${i}`, kind: 'register-bank', unit: 1, registers: REGISTERS }],
      })),
    }),
  );
  const simulator = fork(join(__dirname, '..', '..', 'apps', 'simulator', 'src', 'main.js'), ['--config', configPath], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReadyMessage>((resolve) => simulator.once('message', resolve));
  const ports = Array.from({ length: DEVICES }, (_, i) => ready.ports?.[`bench-${i}`] ?? 0);

  const a = await clientPhase('(a) modbus-serial, one request per point', ports, async (client) => {
    for (let address = 0; address < REGISTERS; address++) await client.readHoldingRegisters(address, 1);
    return REGISTERS;
  });
  const b = await clientPhase('(b) modbus-serial, ideal batching (125 + 75)', ports, async (client) => {
    await client.readHoldingRegisters(0, 125);
    await client.readHoldingRegisters(125, REGISTERS - 125);
    return REGISTERS;
  });

  const drivers = ports.map((port, i) => {
    const bus = modbusTcpBusSchema.parse({
      id: `bus-${i}`,
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port,
      timeout: '2s',
      maxInFlight: 1,
      equipment: [{ id: `bank-${i}`, profile: 'register-bank', unit: 1 }],
    });
    const points = busPoints(bus.id, `bank-${i}`);
    return { driver: new ModbusDriver(bus, points), points };
  });
  await Promise.all(drivers.map(({ driver }) => driver.start()));
  while (drivers.some(({ driver }) => driver.health().link !== 'connected'))
    await new Promise((r) => setTimeout(r, 20));
  let bad = 0;
  const c = await phase('(c) Beffroi gateway driver (plan + scheduler + codecs)', DEVICES, async (device) => {
    const { driver, points } = drivers[device]!;
    const samples = await driver.read(points);
    const good = samples.filter((s) => s.quality.status === 'good').length;
    bad += samples.length - good;
    return good;
  });
  await Promise.all(drivers.map(({ driver }) => driver.stop()));
  const idleGateway = await gatewayMemory([], GATEWAY_MS);
  const busyGateway = await gatewayMemory(ports, GATEWAY_MS);
  simulator.kill('SIGTERM');

  const rows = [a, b, c].map((f) => ({
    approach: f.name,
    'points/s': Math.round(f.points / f.seconds),
    'CPU s': f.cpuSeconds.toFixed(2),
    'CPU µs/point': ((f.cpuSeconds * 1e6) / f.points).toFixed(2),
    'peak RSS MB': f.peakRssMb.toFixed(0),
  }));
  console.log(
    `\nField bench: ${DEVICES} devices × ${REGISTERS} registers over Modbus TCP on loopback (simulator in its own ` +
      `process), ${PHASE_MS} ms per phase; CPU and peak RSS are this process's, the client side`,
  );
  console.table(rows);
  const rate = (f: Figures) => f.points / f.seconds;
  console.log(`gateway vs ideal batching: ${(rate(b) / rate(c)).toFixed(2)}× slower (target ≤ 1.5×)`);
  console.log(`gateway vs one request per point: ${(rate(c) / rate(a)).toFixed(1)}× faster`);
  console.log(`gateway points/s: ${Math.round(rate(c))} (target ≥ 20,000); bad samples: ${bad}`);
  console.log(`\n(d) the gateway process, ${GATEWAY_MS / 1000} s after it is ready, MB`);
  console.table([
    { gateway: 'no equipment', 'RSS MB': idleGateway.rssMb.toFixed(0), 'peak RSS MB': idleGateway.peakMb.toFixed(0) },
    {
      gateway: `${DEVICES} devices, ${busyGateway.points} points every 1 s (${busyGateway.good} good)`,
      'RSS MB': busyGateway.rssMb.toFixed(0),
      'peak RSS MB': busyGateway.peakMb.toFixed(0),
    },
  ]);
  console.log(
    `gateway peak RSS with ${DEVICES} devices: ${busyGateway.peakMb.toFixed(0)} MB (target ≤ 200 MB), ` +
      `${(busyGateway.peakMb - idleGateway.peakMb).toFixed(0)} MB over the gateway alone`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
