import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpcuaPointDefinition } from '@beffroi/domain';
import { ManualClock } from '@beffroi/runtime';
import { HeatingController } from '../../apps/simulator/src/devices/heating/heating-controller.device';
import { simulatorConfigSchema } from '../../apps/simulator/src/simulator.config';
import type { BoundPoint, PointSample } from '../../libs/fieldbus/src/field-driver';
import { OpcuaDriver } from '../../libs/fieldbus/src/opcua/opcua.driver';
import { waitFor } from '../support/wait-for';

const NS = 'nsu=urn:beffroi:simulator:heating';

function point(id: string, definition: Omit<OpcuaPointDefinition, 'id'>): BoundPoint<OpcuaPointDefinition> {
  return { key: `heating:${id}`, equipmentId: 'heating', definition: { id, ...definition }, periodMs: 250 };
}

/** A comfort setpoint that only takes two named values, as a vendor's preset register would. */
const PRESET = point('zone.1.preset', {
  kind: 'setpoint',
  type: 'float64',
  states: { '18': 'cool', '21': 'warm' },
  address: { nodeId: `${NS};s=Zone1.ComfortSetpoint` },
});
/** The heater relay, named. */
const HEATER = point('zone.1.heater', {
  kind: 'feedback',
  type: 'bool',
  states: { '0': 'off', '1': 'on' },
  address: { nodeId: `${NS};s=Zone1.HeaterOn` },
});
/** Declared float32, but the node is a Double: a write would send a Float the server refuses. */
const MISTYPED = point('zone.1.eco_setpoint', {
  kind: 'setpoint',
  type: 'float32',
  address: { nodeId: `${NS};s=Zone1.EcoSetpoint` },
});

describe('OPC UA points with states, and a declared type that does not match the node (real server)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'beffroi-opcua-states-'));
  const config = simulatorConfigSchema.parse({
    opcua: [{ id: 'heating', kind: 'heating-controller', port: 0, zones: [{ name: 'Salle', initialTemperature: 14 }] }],
  }).opcua[0];
  if (!config) throw new Error('no heating controller in the config');
  const device = new HeatingController(config, new ManualClock(Date.UTC(2026, 0, 15, 8)), {
    pkiDir: join(workDir, 'controller-pki'),
  });
  const errors: string[] = [];
  const samples: PointSample[] = [];
  let driver: OpcuaDriver;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    await device.start();
    driver = new OpcuaDriver(
      { id: 'heating-bus', endpointUrl: device.endpointUrl, securityMode: 'None', timeout: 1000 },
      [PRESET, HEATER, MISTYPED],
      { pkiDir: join(workDir, 'gateway-pki'), reconnect: { initialMs: 100, maxMs: 500 } },
    );
    driver.changes$.subscribe((sample) => samples.push(sample));
    await driver.start();
    await waitFor(
      'driver.health().link: link === "connected"',
      () => driver.health().link,
      (link) => link === 'connected',
      { timeoutMs: 15_000 },
    );
  });

  afterAll(async () => {
    await driver.stop();
    await device.stop();
    jest.restoreAllMocks();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('reads a state by its name and writes one by its name, as Modbus points do', async () => {
    const [preset, heater] = await driver.read([PRESET, HEATER]);
    // The comfort setpoint starts at 19 °C, which is no state of the preset.
    expect(preset).toMatchObject({ value: null, quality: { status: 'bad', reason: 'unknown state 19' } });
    expect(heater).toMatchObject({ quality: { status: 'good' }, value: expect.stringMatching(/^(on|off)$/) });

    await expect(driver.write(PRESET, 'warm', new Date(Date.now() + 5000))).resolves.toEqual({ status: 'written' });
    expect(device.state().zones[0]?.setpoints.comfort).toBe(21);
    const [after] = await driver.read([PRESET]);
    expect(after).toMatchObject({ value: 'warm', quality: { status: 'good' } });

    await expect(driver.write(PRESET, 'hot', new Date(Date.now() + 5000))).resolves.toEqual({
      status: 'failed',
      reason: 'expected one of "cool" | "warm", got "hot"',
    });
  });

  it('flags a declared type that does not match the node when it connects: an error log and a bad point', async () => {
    const reason = "type mismatch: declared float32 (Float), the node's DataType is Double";
    expect(errors).toEqual([
      `bus heating-bus: equipment heating, point zone.1.eco_setpoint, node ${NS};s=Zone1.EcoSetpoint: declared ` +
        "float32 (Float), the node's DataType is Double; the point stays bad until its profile type matches the node",
    ]);
    expect(samples.filter((sample) => sample.key === MISTYPED.key)).toEqual([
      expect.objectContaining({ value: null, quality: { status: 'bad', reason } }),
    ]);
    await expect(driver.read([MISTYPED])).resolves.toEqual([
      expect.objectContaining({ quality: { status: 'bad', reason } }),
    ]);
    // Not discovered on a write: refused before it reaches the server.
    await expect(driver.write(MISTYPED, 15, new Date(Date.now() + 5000))).resolves.toEqual({
      status: 'failed',
      reason,
    });
    expect(device.state().zones[0]?.setpoints.eco).toBe(16);
  });
});
