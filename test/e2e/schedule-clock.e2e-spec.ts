import { type ChildProcess, fork } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYamlFile } from '@beffroi/runtime';
import { localDate, planTransitions, resolveLocalTime, scheduleSchema } from '@beffroi/schedule';
import { localAuthorization } from '../support/local-credential';
import { waitFor } from '../support/wait-for';

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'dist', 'tools', 'start-all.js');
/** The site of the demo cabinet (config/gateway.yaml). */
const HOTEL_DE_VILLE = { latitude: 49.8467, longitude: 3.2874, altitude: 80, timeZone: 'Europe/Paris' };

interface Switching {
  at: string;
  value: boolean;
  cause: string;
  result: string;
  slot: number;
}

interface LauncherReady {
  urls: { gateway: string; simulator: string };
}

let launcher: ChildProcess;
let configDir: string;
let output = '';

async function json(url: string, init?: RequestInit): Promise<any> {
  const response = await fetch(url, {
    headers: { 'content-type': 'application/json', authorization: localAuthorization() },
    ...init,
  });
  return response.json();
}

describe('the demo gateway, on a fake clock, switches the simulated cabinet at the computed instants', () => {
  let ready: LauncherReady;

  beforeAll(async () => {
    // The shipped demo config, with the gateway on an adjustable clock and no minimum on/off time.
    configDir = mkdtempSync(join(tmpdir(), 'beffroi-e2e-config-'));
    cpSync(join(ROOT, 'config'), configDir, { recursive: true });
    const gateway = join(configDir, 'gateway.yaml');
    writeFileSync(
      gateway,
      `${readFileSync(gateway, 'utf8').replace('minimumOnOff: 30s', 'minimumOnOff: 0s')}clock:\n  mode: adjustable\n`,
    );
    launcher = fork(LAUNCHER, ['--ephemeral', '--config-dir', configDir], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, TZ: 'UTC' },
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    ready = await new Promise<LauncherReady>((resolve, reject) => {
      launcher.once('message', (message: LauncherReady) => resolve(message));
      launcher.once('exit', (code) => reject(new Error(`launcher exited with ${code ?? 'null'}:\n${output}`)));
    });
  });

  afterAll(() => {
    if (launcher.exitCode === null) launcher.kill('SIGINT');
    rmSync(configDir, { recursive: true, force: true });
  });

  const setClock = (at: number) =>
    json(`${ready.urls.gateway}/clock`, { method: 'PUT', body: JSON.stringify({ at: new Date(at).toISOString() }) });

  it('on at sunset + 15 min and off at 23:00 on 2027-01-04, both circuits, recorded with their cause', async () => {
    const schedule = loadYamlFile(scheduleSchema, join(ROOT, 'config', 'schedules', 'eclairage-saint-quentin.yaml'));
    const from = resolveLocalTime(localDate(2027, 1, 4), 12, 0, 0, 'Europe/Paris').instant;
    const { transitions } = planTransitions(schedule, HOTEL_DE_VILLE, from, new Date(from.getTime() + 86_400_000));
    const [on, off] = transitions;
    expect(off?.at.toISOString()).toBe('2027-01-04T22:00:00.000Z');
    const circuits = async () =>
      (
        (await json(`${ready.urls.simulator}/devices/cabinet-hotel-de-ville`)) as { circuits: { command: boolean }[] }
      ).circuits
        .slice(0, 2)
        .map((circuit) => circuit.command);

    // Whatever the real time of day, the test starts from the afternoon, lights off: a boot at night switches them on
    // with the real clock, and those switchings must not be mistaken for the ones at the computed instants.
    await setClock(from.getTime() + 3_600_000);
    expect(
      await waitFor('circuits: state.every((c) => !c)', circuits, (state) => state.every((c) => !c), {
        timeoutMs: 10_000,
      }),
    ).toEqual([false, false]);

    for (const [transition, expected] of [
      [on, [true, true]],
      [off, [false, false]],
    ] as const) {
      const at = transition?.at.getTime() ?? 0;
      await setClock(at - 3000);
      expect(
        await waitFor(
          'circuits: state.every((c, i) => c === expected[i])',
          circuits,
          (state) => state.every((c, i) => c === expected[i]),
          { timeoutMs: 10_000 },
        ),
      ).toEqual(expected);
      const sinceJump = (list: Switching[]) => list.filter((s) => Date.parse(s.at) >= at - 3000);
      const switchings = sinceJump(
        await waitFor(
          'sinceJump(list).length === 2',
          () => json(`${ready.urls.gateway}/switchings?limit=10`) as Promise<Switching[]>,
          (list) => sinceJump(list).length === 2,
        ),
      );
      expect(switchings.map((s) => s.value)).toEqual(expected);
      for (const switching of switchings) {
        expect(switching).toMatchObject({ cause: 'schedule:eclairage-hotel-de-ville', result: 'applied', slot: 12 });
        const lateMs = Date.parse(switching.at) - at;
        expect(lateMs).toBeGreaterThanOrEqual(0);
        expect(lateMs).toBeLessThan(1500);
      }
    }
    const explained = await json(`${ready.urls.gateway}/outputs/cabinet-hotel-de-ville:circuit.1.command`);
    expect(explained).toMatchObject({ value: false, winner: { slot: 12, owner: 'schedule:eclairage-hotel-de-ville' } });
  });
});
