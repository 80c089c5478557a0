import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, CommandV1 } from '@beffroi/sync';
import { SystemClock } from '@beffroi/runtime';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const LEVEL = 'cabinet:circuit.1.level';
const MODE = 'heating:zone.1.mode';
const COMFORT = 'heating:zone.1.comfort_setpoint';

/** Circuit 1 at full level all day. */
const LIGHTING = `
calendar: { defaultProgrammeId: jour, rules: [] }
programmes:
  jour:
    points:
      - { at: '00:00', value: true }
`;

/** Zone 1 in frost protection all day. */
const HEATING = `
setpoints: { comfort: 19, eco: 16, frost: 8 }
calendar: { defaultProgrammeId: hors-gel, rules: [] }
programmes:
  hors-gel:
    points:
      - { at: '12:00', value: frost }
`;

let pkiDir: string;
let sim: SimulatorHarness;
let peer: SyncPeer;
let gw: GatewayHarness;

beforeAll(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'beffroi-permanent-pki-'));
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, feedbackDelay: '20ms' }],
        },
      ],
      opcua: [{ id: 'heating', kind: 'heating-controller', port: 0, zones: [{ name: 'Salle' }] }],
    },
    new SystemClock(),
  );
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-permanent-'));
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, CREDENTIAL, { mode: 0o600 });
  gw = await startGateway(
    [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sim.ports.street,
        timeout: '300ms',
        verifyTimeout: '1s',
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
      {
        id: 'heating',
        protocol: 'opcua',
        endpointUrl: `opc.tcp://127.0.0.1:${sim.ports.heating}`,
        timeout: '1s',
        verifyTimeout: '2s',
        pkiDir,
        equipment: [{ id: 'heating', profile: 'beffroi-sim-heating' }],
      },
    ],
    dir,
    {
      files: { 'lighting.yaml': LIGHTING, 'heating.yaml': HEATING },
      config: {
        control: { minimumOnOff: '0s' },
        schedules: [
          { id: 'eclairage', kind: 'lighting', file: 'lighting.yaml', outputs: [LEVEL] },
          { id: 'chauffage', kind: 'heating', file: 'heating.yaml', zones: ['heating:zone.1'] },
        ],
        central: { url: peer.url, credentialFile, reconnectMin: '20ms', reconnectMax: '300ms' },
      },
    },
  );
  await waitFor(
    'GET /sync: status.connected === true',
    async () => (await api(gw.url, 'GET', '/sync')).body,
    (status) => status.connected === true,
  );
  // The boot plan has put the schedules' values on the equipment.
  await waitFor(
    'GET /outputs/${LEVEL}: result === "applied"',
    async () => (await api(gw.url, 'GET', `/outputs/${LEVEL}`)).body.lastSwitching?.result,
    (result) => result === 'applied',
  );
}, 60_000);

afterAll(async () => {
  await gw.close();
  await peer.close();
  await sim.close();
  rmSync(pkiDir, { recursive: true, force: true });
});

function resultsOf(id: string): CommandResult[] {
  return peer
    .appliedOf('commandResult')
    .map((e) => e.payload)
    .filter((r) => r.commandId === id);
}

/** Sends the command, waits for its first result, then long enough for a retry (1 s, 2 s…) to have come. */
async function runOnce(command: CommandV1): Promise<CommandResult[]> {
  peer.send(command);
  await waitFor(
    'resultsOf(command.id): list.length > 0',
    () => resultsOf(command.id),
    (list) => list.length > 0,
  );
  await new Promise((resolve) => setTimeout(resolve, 3500));
  return resultsOf(command.id);
}

async function switchingsBy(owner: string): Promise<{ result: string }[]> {
  const all = (await api(gw.url, 'GET', '/switchings?limit=1000')).body as { cause: string; result: string }[];
  return all.filter((s) => s.cause === owner);
}

describe('a write that can never succeed leaves its slot', () => {
  it('a typo in a heating mode ends failed once, naming the allowed values; the schedule keeps the zone', async () => {
    const results = await runOnce(peer.command({ id: 'mode-typo', pointKey: MODE, value: 'confort' }));

    expect(results).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: `value: ${MODE}: expected comfort | eco | frost, got "confort"`,
      }),
    ]);
    expect(await switchingsBy('command:mode-typo')).toEqual([]);
    expect((await api(gw.url, 'GET', `/outputs/${MODE}`)).body).toMatchObject({
      value: 'frost',
      winner: { slot: 12, owner: 'schedule:chauffage' },
    });
    const local = await api(gw.url, 'PUT', `/outputs/${MODE}/override`, { value: 'confort', permanent: true });
    expect(local).toMatchObject({ status: 400, body: { code: 'INVALID_VALUE' } });
    expect(local.body.message).toBe(`value: ${MODE}: expected comfort | eco | frost, got "confort"`);
  });

  it('a setpoint of 45 °C ends failed once, naming the range of the profile', async () => {
    const results = await runOnce(peer.command({ id: 'comfort-45', pointKey: COMFORT, value: 45 }));

    expect(results).toEqual([
      expect.objectContaining({ status: 'failed', reason: `value: ${COMFORT}: expected 5..30, got 45` }),
    ]);
    expect((await api(gw.url, 'GET', `/outputs/${COMFORT}`)).body).toMatchObject({
      value: 19,
      winner: { slot: 12, owner: 'schedule:chauffage' },
    });
  });

  it('a level the cabinet refuses (exception 3) ends failed once, leaves the manual slot, and the schedule wins again', async () => {
    const results = await runOnce(peer.command({ id: 'level-150', pointKey: LEVEL, value: 150 }));

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/exception 3/) });
    expect((results[0] as { reason: string }).reason).toContain('the equipment refuses this value: not retried');
    expect(await switchingsBy('command:level-150')).toEqual([expect.objectContaining({ result: 'failed' })]);
    const output = (await api(gw.url, 'GET', `/outputs/${LEVEL}`)).body;
    expect(output).toMatchObject({ value: 100, winner: { slot: 12, owner: 'schedule:eclairage' } });
    const cabinet = (await control(sim, 'GET', '/devices/cabinet')).body as { circuits: { level: number }[] };
    expect(cabinet.circuits[0]?.level).toBe(100);
  });

  it('a write that may pass (device busy) is retried until the command deadline, then ends failed and never applies later', async () => {
    const key = 'cabinet:circuit.2.level';
    await control(sim, 'PUT', '/devices/cabinet/fault', { mode: 'exception', code: 6 });
    const command = peer.command({
      id: 'level-busy',
      pointKey: key,
      value: 30,
      notAfter: new Date(Date.now() + 4000).toISOString(),
    });
    peer.send(command);
    const results = await waitFor(
      'resultsOf("level-busy"): list.length > 0',
      () => resultsOf('level-busy'),
      (list) => list.length > 0,
      { timeoutMs: 15_000 },
    );
    await control(sim, 'DELETE', '/devices/cabinet/fault');

    expect(results).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: expect.stringMatching(/^cabinet:circuit\.2\.level: not switched by .*exception 6/),
      }),
    ]);
    expect((await switchingsBy('command:level-busy')).length).toBeGreaterThan(1);
    expect((await api(gw.url, 'GET', `/outputs/${key}`)).body.winner).toEqual({ slot: 16, name: 'default' });
    // Once the device answers again, the output gets what lies underneath, never the failed command's value.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const level = ((await control(sim, 'GET', '/devices/cabinet')).body as { circuits: { level: number }[] })
      .circuits[1]?.level;
    expect(level).toBe(0);
    expect(resultsOf('level-busy')).toHaveLength(1);
  });
});
