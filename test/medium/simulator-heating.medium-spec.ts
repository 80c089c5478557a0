import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYaml, profileSchema, type OpcuaProfile } from '@beffroi/domain';
import {
  AttributeIds,
  type ClientMonitoredItem,
  type ClientSession,
  type ClientSubscription,
  coerceNodeId,
  type DataValue,
  DataType,
  MessageSecurityMode,
  type NodeId,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua-client';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { ManualClock } from '@beffroi/runtime';
import { HeatingController } from '../../apps/simulator/src/devices/heating/heating-controller.device';
import { simulatorConfigSchema } from '../../apps/simulator/src/simulator.config';

const PROFILE_PATH = join(__dirname, '../../config/profiles/beffroi-sim-heating.yaml');
const NAMESPACE_URI = 'urn:beffroi:simulator:heating';
const MINUTE = 60_000;

const WIRE_TYPES: Record<string, DataType> = {
  string: DataType.String,
  float64: DataType.Double,
  bool: DataType.Boolean,
};

function loadProfile(): OpcuaProfile {
  const profile = parseYaml(profileSchema, readFileSync(PROFILE_PATH, 'utf8'), PROFILE_PATH);
  if (profile.protocol !== 'opcua') throw new Error(`${PROFILE_PATH} is not an OPC UA profile`);
  return profile;
}

/** Two zones, one simulated hour per real minute of the manual clock. */
function heatingConfig() {
  const config = simulatorConfigSchema.parse({
    opcua: [
      {
        id: 'medium-heating',
        kind: 'heating-controller',
        port: 0,
        outdoorTemperature: 8,
        timeScale: 60,
        zones: [
          { name: 'Salle des fêtes', initialTemperature: 14 },
          { name: 'Mairie', initialTemperature: 20 },
        ],
      },
    ],
  }).opcua[0];
  if (!config) throw new Error('no heating controller in the config');
  return config;
}

describe('simulated heating controller over OPC UA', () => {
  const profile = loadProfile();
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 8));
  const device = new HeatingController(heatingConfig(), clock);
  let client: OPCUAClient;
  let session: ClientSession;
  let subscription: ClientSubscription | undefined;
  let monitoredTemperature: ClientMonitoredItem;
  /** Profile point id → node id resolved against the server's namespace array. */
  let nodes: Map<string, NodeId>;

  const node = (point: string): NodeId => {
    const nodeId = nodes.get(point);
    if (!nodeId) throw new Error(`no point ${point} in ${PROFILE_PATH}`);
    return nodeId;
  };
  const read = async (point: string): Promise<unknown> => {
    const dataValue = await session.read({ nodeId: node(point), attributeId: AttributeIds.Value });
    expect(dataValue.statusCode.name).toBe('Good');
    return dataValue.value.value;
  };
  const write = async (point: string, dataType: DataType, value: string | number): Promise<string> => {
    const status = await session.write({
      nodeId: node(point),
      attributeId: AttributeIds.Value,
      value: { value: { dataType, value } },
    });
    return status.name;
  };
  /** The first value of the monitored item that `accept` takes. */
  const notified = (accept: (value: unknown) => boolean): Promise<unknown> =>
    new Promise((resolve) => {
      const listener = (dataValue: DataValue) => {
        if (!accept(dataValue.value.value)) return;
        monitoredTemperature.off('changed', listener);
        resolve(dataValue.value.value);
      };
      monitoredTemperature.on('changed', listener);
    });
  const resolveNodes = async (): Promise<Map<string, NodeId>> => {
    const namespaceArray = await session.readNamespaceArray();
    return new Map(profile.points.map((point) => [point.id, coerceNodeId(point.address.nodeId, { namespaceArray })]));
  };

  beforeAll(async () => {
    await device.start();
    client = OPCUAClient.create({
      applicationName: 'BeffroiMediumTest',
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { initialDelay: 100, maxDelay: 200, maxRetry: 100 },
      clientCertificateManager: new OPCUACertificateManager({
        rootFolder: join(tmpdir(), 'beffroi-simulator', 'medium-client', 'pki'),
        automaticallyAcceptUnknownCertificate: true,
        disableFileWatchers: true,
      }),
    });
    await client.connect(device.endpointUrl);
    session = await client.createSession();
    nodes = await resolveNodes();
  });

  afterAll(async () => {
    await subscription?.terminate();
    await session.close();
    await client.disconnect();
    await device.stop();
  });

  it('has a profile that parses and addresses every node in the simulator namespace', () => {
    expect(profile.points).toHaveLength(16);
    for (const point of profile.points) expect(point.address.nodeId).toMatch(/^nsu=urn:beffroi:simulator:heating;s=/);
  });

  it('listens on the port the system chose', () => {
    expect(device.port).toBeGreaterThan(0);
    expect(device.endpointUrl).toBe(`opc.tcp://127.0.0.1:${device.port}`);
  });

  it('exposes the zones, the outdoor sensor and the fault contact under Objects/HeatingController', async () => {
    const namespaceArray = await session.readNamespaceArray();
    const browseNames = async (nodeId: string) => {
      const result = await session.browse(
        coerceNodeId(`nsu=${NAMESPACE_URI};s=${nodeId}`, { namespaceArray }).toString(),
      );
      return (result.references ?? []).map((reference) => reference.browseName.name);
    };

    expect(await browseNames('HeatingController')).toEqual(expect.arrayContaining(['Zone1', 'Zone2', 'Outdoor']));
    expect(await browseNames('Zone2')).toEqual(
      expect.arrayContaining([
        'Name',
        'Mode',
        'ComfortSetpoint',
        'EcoSetpoint',
        'FrostSetpoint',
        'ActiveSetpoint',
        'Temperature',
        'HeaterOn',
      ]),
    );
    expect(await browseNames('Outdoor')).toContain('Temperature');
    expect(await browseNames('Controller')).toContain('Fault');
  });

  it('reads every point of the profile with the type the profile declares', async () => {
    const values: DataValue[] = await session.read(
      profile.points.map((point) => ({ nodeId: node(point.id), attributeId: AttributeIds.Value })),
    );

    values.forEach((dataValue, index) => {
      const point = profile.points[index]!;
      expect({ point: point.id, status: dataValue.statusCode.name }).toEqual({ point: point.id, status: 'Good' });
      expect({ point: point.id, type: dataValue.value.dataType }).toEqual({
        point: point.id,
        type: WIRE_TYPES[point.type],
      });
    });
    expect(await read('zone.1.mode')).toBe('comfort');
    expect(await read('zone.1.comfort_setpoint')).toBe(19);
    expect(await read('zone.1.temperature')).toBe(14);
    expect(await read('zone.1.heater_on')).toBe(true);
    expect(await read('zone.2.heater_on')).toBe(false);
    expect(await read('outdoor.temperature')).toBe(8);
  });

  it('shows the fault contact closed by the physical inputs, until it is opened again', async () => {
    expect(await read('controller.fault')).toBe(false);
    device.applyInputs({ fault: true });
    expect(await read('controller.fault')).toBe(true);
    expect(device.state().fault).toBe(true);
    device.applyInputs({ fault: false });
    expect(await read('controller.fault')).toBe(false);
  });

  it('takes a new mode and setpoint written by a client', async () => {
    expect(await write('zone.2.eco_setpoint', DataType.Double, 15.5)).toBe('Good');
    expect(await write('zone.2.mode', DataType.String, 'eco')).toBe('Good');

    expect(await read('zone.2.mode')).toBe('eco');
    expect(await read('zone.2.eco_setpoint')).toBe(15.5);
    expect(await read('zone.2.active_setpoint')).toBe(15.5);
    expect(device.state().zones[1]).toMatchObject({ mode: 'eco', activeSetpoint: 15.5 });
  });

  it('refuses an unknown mode and a setpoint outside 5..30 °C with BadOutOfRange, and writes to a measure', async () => {
    expect(await write('zone.1.mode', DataType.String, 'turbo')).toBe('BadOutOfRange');
    expect(await write('zone.1.comfort_setpoint', DataType.Double, 31)).toBe('BadOutOfRange');
    expect(await write('zone.1.frost_setpoint', DataType.Double, 4)).toBe('BadOutOfRange');
    expect(await write('zone.1.temperature', DataType.Double, 25)).toBe('BadNotWritable');

    expect(await read('zone.1.mode')).toBe('comfort');
    expect(await read('zone.1.comfort_setpoint')).toBe(19);
  });

  it('warms a zone whose heater is on, and a subscription sees it', async () => {
    subscription = await session.createSubscription2({ requestedPublishingInterval: 100, publishingEnabled: true });
    monitoredTemperature = await subscription.monitor(
      { nodeId: node('zone.1.temperature'), attributeId: AttributeIds.Value },
      { samplingInterval: 100, queueSize: 1 },
      TimestampsToReturn.Both,
    );
    expect(await notified(() => true)).toBe(14);

    const warmer = notified((value) => value !== 14);
    await clock.advance(30 * MINUTE);

    expect(await warmer).toBeGreaterThan(15);
    expect(await read('zone.1.heater_on')).toBe(true);
  });

  it('drops its clients on restart and serves the same state, to reads and subscriptions, back on the same port', async () => {
    await clock.advance(10 * MINUTE);
    const before = device.state();
    const port = device.port;
    const lost = once(client, 'connection_lost');
    const restored = once(session, 'session_restored');

    const restart = device.restart(500);
    await lost;
    expect(device.running).toBe(false);
    await restart;
    await restored;

    expect(device.port).toBe(port);
    nodes = await resolveNodes();
    expect(await read('zone.2.mode')).toBe('eco');
    expect(await read('zone.2.eco_setpoint')).toBe(15.5);
    expect(await read('zone.1.temperature')).toBe(before.zones[0]?.temperature);
    expect(device.state()).toEqual(before);

    await clock.advance(MINUTE);
    const now = device.state().zones[0]?.temperature;
    expect(await notified((value) => value === now)).toBe(now);
  });

  it('applies physical inputs: outdoor temperature and a window opened in a zone', async () => {
    expect(device.inputsSchema.safeParse({ zones: [{ zone: 3, temperature: 10 }] }).success).toBe(false);

    device.applyInputs({ outdoorTemperature: -5, zones: [{ zone: 1, temperature: 11 }] });

    expect(await read('outdoor.temperature')).toBe(-5);
    expect(await read('zone.1.temperature')).toBe(11);
    expect(await read('zone.1.heater_on')).toBe(true);
  });
});
