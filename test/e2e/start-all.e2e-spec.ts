import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localAuthorization } from '../support/local-credential';
import { waitFor } from '../support/wait-for';

/** What `npm start` runs once built (the test line builds first). */
const LAUNCHER = join(__dirname, '..', '..', 'dist', 'tools', 'start-all.js');

interface LauncherReady {
  type: 'ready';
  urls: { central: string; gateway: string; simulator: string };
  equipment: Record<string, number>;
  /** The folder of the run (configs, databases, credential), removed when the launcher stops. */
  runDir: string;
}

let launcher: ChildProcess;
let output = '';

function waitReady(child: ChildProcess): Promise<LauncherReady> {
  return new Promise((resolve, reject) => {
    child.once('message', (message: LauncherReady) => resolve(message));
    child.once('exit', (code) => reject(new Error(`launcher exited with ${code ?? 'null'} before ready:\n${output}`)));
  });
}

function pidsFromOutput(): number[] {
  return [
    ...new Set(
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => (JSON.parse(line) as { pid: number }).pid),
    ),
  ];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start: simulator + central + gateway on one machine', () => {
  let ready: LauncherReady;

  beforeAll(async () => {
    expect(existsSync(LAUNCHER)).toBe(true);
    launcher = fork(LAUNCHER, ['--ephemeral'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, TZ: 'UTC' },
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    ready = await waitReady(launcher);
  });

  afterAll(() => {
    if (launcher.exitCode === null) launcher.kill('SIGKILL');
  });

  it.each(['central', 'gateway', 'simulator'] as const)('%s answers /health', async (app) => {
    const response = await fetch(`${ready.urls[app]}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', app });
  });

  it('the gateway loaded the demo commune with its three buses', async () => {
    const health = (await (await fetch(`${ready.urls.gateway}/health`)).json()) as { buses: { busId: string }[] };
    expect(health).toMatchObject({ commune: { insee: '02691', name: 'Saint-Quentin' }, equipment: 3 });
    expect(health.buses.map((bus) => bus.busId)).toEqual(['street-lighting', 'belfry', 'heating-salle-des-fetes']);
  });

  it('the simulated equipment listens on its own ports', async () => {
    expect(Object.keys(ready.equipment).sort()).toEqual([
      'belfry',
      'heating-salle-des-fetes',
      'street-lighting',
      'street-lighting-laon',
    ]);
    const devices = (await (await fetch(`${ready.urls.simulator}/devices`)).json()) as { id: string }[];
    expect(devices.map((d) => d.id).sort()).toEqual([
      'bells-basilique',
      'cabinet-hotel-de-ville',
      'cabinet-mairie-laon',
      'heating-salle-des-fetes',
    ]);
  });

  it('the gateway reads the cabinet (Modbus TCP), the bells (RTU over TCP) and the heating (OPC UA) from config alone', async () => {
    const wanted = [
      'cabinet-hotel-de-ville:selector',
      'bells-basilique:bell.1.running',
      'heating-salle-des-fetes:zone.1.temperature',
    ];
    const points = await waitFor(
      `${wanted.join(', ')} read good`,
      async () => {
        const answer = await fetch(`${ready.urls.gateway}/points`, {
          headers: { authorization: localAuthorization() },
        });
        return (await answer.json()) as { key: string; quality: { status: string } }[];
      },
      (list) => wanted.every((key) => list.find((p) => p.key === key)?.quality.status === 'good'),
      { timeoutMs: 30_000 },
    );
    for (const key of wanted) expect(points.find((p) => p.key === key)).toMatchObject({ quality: { status: 'good' } });
  });

  it('the gateway switches a circuit of the simulated cabinet and confirms it by its feedback', async () => {
    const write = await fetch(`${ready.urls.gateway}/points/cabinet-hotel-de-ville:circuit.3.command/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: localAuthorization() },
      body: JSON.stringify({ value: true, permanent: true }),
    });
    expect(await write.json()).toMatchObject({ status: 'applied', feedback: true });
    const cabinet = (await (await fetch(`${ready.urls.simulator}/devices/cabinet-hotel-de-ville`)).json()) as {
      circuits: { circuit: number; energised: boolean }[];
    };
    expect(cabinet.circuits.find((c) => c.circuit === 3)).toMatchObject({ energised: true });
  });

  it('the README session: log in to central, switch a circuit on until 02:00, read the feedback and the explain', async () => {
    const central = async (path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
      const response = await fetch(`${ready.urls.central}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          'content-type': 'application/json',
          ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return (await response.json()) as any;
    };
    const { token } = await central('/api/auth/login', {
      method: 'POST',
      body: { login: 'agent@02691', password: 'demo-agent-02691' },
    });
    const gateway = 'gw-saint-quentin-centre';
    expect(
      await waitFor(
        `${gateway} online at central`,
        () => central(`/api/gateways/${gateway}`, { token }),
        (g) => g.online === true,
        { timeoutMs: 30_000 },
      ),
    ).toMatchObject({
      online: true,
      communeInsee: '02691',
    });
    // Central checks commands against the gateway's catalogue, reported just after the connection.
    await waitFor(
      `the catalogue of ${gateway} at central`,
      () => central(`/api/gateways/${gateway}/equipment`, { token }),
      (answer) => Array.isArray(answer.equipment),
      { timeoutMs: 30_000 },
    );
    const command = await central(`/api/gateways/${gateway}/commands`, {
      method: 'POST',
      token,
      body: { action: 'switch', pointKey: 'cabinet-hotel-de-ville:circuit.4.command', value: true, until: '02:00' },
    });
    expect(command).toMatchObject({ status: expect.stringMatching(/^(queued|sent)$/), until: '02:00' });
    expect(
      await waitFor(
        `command ${command.id} applied`,
        () => central(`/api/commands/${command.id}`, { token }),
        (c) => c.status === 'applied',
        { timeoutMs: 30_000 },
      ),
    ).toMatchObject({ status: 'applied' });
    const feedback = (points: any) =>
      points
        .find((e: { id: string }) => e.id === 'cabinet-hotel-de-ville')
        ?.points.find((p: { key: string }) => p.key === 'cabinet-hotel-de-ville:circuit.4.feedback');
    expect(
      feedback(
        await waitFor(
          'the feedback of circuit 4 at central',
          () => central(`/api/gateways/${gateway}/points`, { token }),
          (p) => feedback(p)?.value === true,
          { timeoutMs: 30_000 },
        ),
      ),
    ).toMatchObject({ value: true, quality: { status: 'good' } });
    expect(
      await waitFor(
        'the command to win circuit 4 in slot 10',
        () => central(`/api/gateways/${gateway}/outputs/cabinet-hotel-de-ville:circuit.4.command`, { token }),
        (e) => e.winner?.slot === 10,
        { timeoutMs: 30_000 },
      ),
    ).toMatchObject({ value: true, winner: { slot: 10, owner: `command:${command.id}` } });
  });

  it('logs structured JSON lines', () => {
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ pid: expect.any(Number) }));
  });

  it('Ctrl-C stops everything cleanly', async () => {
    const pids = pidsFromOutput();
    // The launcher, the simulator, central, and the gateways of Saint-Quentin and Laon.
    expect(pids.length).toBe(5);
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(ready.runDir)).toBe(false);
  });
});
