import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRIORITY_SLOTS } from '@beffroi/domain';
import { ControlService } from '../../apps/gateway/src/control/control.service';
import { CommandLedgerEntity } from '../../apps/gateway/src/store/command-ledger.entity';
import { openGatewayDatabase } from '../../apps/gateway/src/store/gateway-data-source';
import { SwitchingEntity } from '../../apps/gateway/src/store/switching.entity';
import { WriteRecordEntity } from '../../apps/gateway/src/store/write-record.entity';
import { CommandExecutor } from '../../apps/gateway/src/sync/command-executor.service';
import { SystemClock } from '@beffroi/runtime';
import { type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

/**
 * Ctrl-C on `npm start` stops the simulator, central and the gateway at the same moment (tools/start-all.ts), and
 * kills with SIGKILL whatever still runs after this long.
 */
const LAUNCHER_PATIENCE_MS = 15_000;

/** Circuit 1 of the cabinet on all day: the boot plan switches it at once. */
const LIGHTING = `
calendar: { defaultProgrammeId: jour, rules: [] }
programmes:
  jour:
    points:
      - { at: '00:00', value: true }
`;

/** Zone 1 of the heating controller in frost protection all day: the boot plan writes its mode and setpoints. */
const HEATING = `
setpoints: { comfort: 19, eco: 16, frost: 8 }
calendar: { defaultProgrammeId: hors-gel, rules: [] }
programmes:
  hors-gel:
    points:
      - { at: '12:00', value: frost }
`;

const BOOT_PLAN_OUTPUTS = [
  'cabinet:circuit.1.command',
  'heating:zone.1.mode',
  'heating:zone.1.comfort_setpoint',
  'heating:zone.1.eco_setpoint',
  'heating:zone.1.frost_setpoint',
];

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';

let pkiDir: string;
let dir: string;
let sim: SimulatorHarness | undefined;
let gw: GatewayHarness | undefined;
let peer: SyncPeer | undefined;

function startEquipment(): Promise<SimulatorHarness> {
  return startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, feedbackDelay: '200ms' }],
        },
      ],
      opcua: [
        { id: 'heating', kind: 'heating-controller', port: 0, zones: [{ name: 'Salle', initialTemperature: 12 }] },
      ],
    },
    new SystemClock(),
  );
}

function startGatewayOn(equipment: SimulatorHarness, central?: SyncPeer, minimumOnOff = '0s'): Promise<GatewayHarness> {
  const common = { timeout: '300ms', verifyTimeout: '1s', reconnectMin: '20ms', reconnectMax: '200ms' };
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  if (central !== undefined) {
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(credentialFile, CREDENTIAL, { mode: 0o600 });
  }
  return startGateway(
    [
      {
        ...common,
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: equipment.ports.street,
        equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
      },
      {
        id: 'heating',
        protocol: 'opcua',
        endpointUrl: `opc.tcp://127.0.0.1:${equipment.ports.heating}`,
        timeout: '300ms',
        verifyTimeout: '1s',
        pkiDir,
        equipment: [{ id: 'heating', profile: 'beffroi-sim-heating' }],
      },
    ],
    dir,
    {
      files: { 'lighting.yaml': LIGHTING, 'heating.yaml': HEATING },
      config: {
        control: { minimumOnOff },
        schedules: [
          { id: 'eclairage', kind: 'lighting', file: 'lighting.yaml', outputs: ['cabinet:circuit.1.command'] },
          { id: 'chauffage', kind: 'heating', file: 'heating.yaml', zones: ['heating:zone.1'] },
        ],
        ...(central === undefined
          ? {}
          : {
              central: {
                url: central.url,
                credentialFile,
                reconnectMin: '20ms',
                reconnectMax: '300ms',
                telemetryInterval: '5s',
                healthInterval: '5s',
              },
            }),
      },
    },
  );
}

/** Closes the gateway as its SIGINT handler does; returns how long it took. */
async function stopGateway(): Promise<number> {
  const started = Date.now();
  await gw?.app.close();
  gw = undefined;
  return Date.now() - started;
}

/** What the gateway stored, read from its SQLite file once it has stopped. */
async function stored() {
  const db = await openGatewayDatabase(join(dir, 'gateway.sqlite'));
  try {
    return {
      writes: await db.getRepository(WriteRecordEntity).find({ order: { id: 'ASC' } }),
      switchings: await db.getRepository(SwitchingEntity).find({ order: { id: 'ASC' } }),
      ledger: await db.getRepository(CommandLedgerEntity).find(),
    };
  } finally {
    await db.destroy();
  }
}

beforeAll(() => {
  // One client certificate for every gateway of this file: creating it takes a while.
  pkiDir = mkdtempSync(join(tmpdir(), 'beffroi-shutdown-pki-'));
});

afterAll(() => rmSync(pkiDir, { recursive: true, force: true }));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'beffroi-shutdown-'));
});

afterEach(async () => {
  await stopGateway();
  await sim?.close().catch(() => undefined);
  await peer?.close();
  sim = undefined;
  peer = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('stopping the gateway while switchings wait for equipment that went away', () => {
  it.each([
    { after: 0, simulator: 'stopping with it' },
    { after: 150, simulator: 'stopping with it' },
    { after: 400, simulator: 'stopping with it' },
    { after: 1000, simulator: 'stopping with it' },
    { after: 0, simulator: 'already stopped' },
  ])(
    'stopped $after ms after it came up, the simulator $simulator: it stops at once, every boot switching recorded',
    async ({ after, simulator }) => {
      sim = await startEquipment();
      gw = await startGatewayOn(sim);
      await new Promise((resolve) => setTimeout(resolve, after));
      const equipmentStopped = sim.close();
      if (simulator === 'already stopped') await equipmentStopped;

      const took = await stopGateway();
      await equipmentStopped;

      expect(took).toBeLessThan(LAUNCHER_PATIENCE_MS);
      const { writes, switchings } = await stored();
      expect(writes.filter((write) => write.status === 'pending')).toEqual([]);
      expect(new Set(switchings.map((switching) => switching.key))).toEqual(new Set(BOOT_PLAN_OUTPUTS));
    },
    120_000,
  );

  it('a command from central waiting for a bus whose equipment is gone ends failed, recorded in the ledger', async () => {
    peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
    sim = await startEquipment();
    const gateway = await startGatewayOn(sim, peer);
    gw = gateway;
    const central = peer;
    await waitFor(
      'central.connected: connected',
      () => central.connected,
      (connected) => connected,
    );
    await sim.close();
    const key = 'cabinet:circuit.2.command';
    central.send(central.command({ id: 'cmd-on-2', pointKey: key, value: true }));
    const executor = gateway.app.get(CommandExecutor);
    const control = gateway.app.get(ControlService);
    const waiting = await waitFor(
      'cmd-on-2 running',
      () => executor.entry('cmd-on-2')?.status === 'running' && control.state(key).running,
      (running) => running,
    );
    expect(waiting).toBe(true);

    const took = await stopGateway();

    expect(took).toBeLessThan(LAUNCHER_PATIENCE_MS);
    const { writes, switchings, ledger } = await stored();
    const notSent = 'not sent: the gateway is stopping and the bus is not connected';
    expect(writes.filter((write) => write.key === key)).toMatchObject([{ status: 'failed', reason: notSent }]);
    expect(switchings.filter((switching) => switching.key === key)).toMatchObject([
      { cause: 'command:cmd-on-2', result: 'failed', reason: notSent },
    ]);
    const command = ledger.find((entry) => entry.id === 'cmd-on-2');
    expect(command?.status).toBe('done');
    expect(JSON.parse(command?.resultJson ?? 'null')).toMatchObject({
      commandId: 'cmd-on-2',
      status: 'failed',
      reason: `failed: ${notSent}`,
    });
  }, 120_000);

  it('a command held by the minimum on/off time ends failed at once, saying it switches after the restart', async () => {
    peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
    sim = await startEquipment();
    const gateway = await startGatewayOn(sim, peer, '30s');
    gw = gateway;
    const central = peer;
    await waitFor(
      'central.connected: connected',
      () => central.connected,
      (connected) => connected,
    );
    const key = 'cabinet:circuit.2.command';
    const executor = gateway.app.get(CommandExecutor);
    central.send(central.command({ id: 'cmd-on', pointKey: key, value: true }));
    await waitFor(
      'executor.entry("cmd-on")?.status: status === "done"',
      () => executor.entry('cmd-on')?.status,
      (status) => status === 'done',
    );
    central.send(central.command({ id: 'cmd-off', pointKey: key, value: false }));
    const held = await waitFor(
      'slot === PRIORITY_SLOTS.protection',
      () => gateway.app.get(ControlService).state(key).winner.slot,
      (slot) => slot === PRIORITY_SLOTS.protection,
    );
    expect(held).toBe(PRIORITY_SLOTS.protection);

    const took = await stopGateway();

    expect(took).toBeLessThan(5000);
    const command = (await stored()).ledger.find((entry) => entry.id === 'cmd-off');
    expect(JSON.parse(command?.resultJson ?? 'null')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('the minimum on/off time held it; the command stays in the manual slot'),
    });
  }, 120_000);
});
