import { duration, host, identifier, intIn, nonEmptyText, numberIn, tcpPort } from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import { z } from 'zod';

const lightingCabinet = z.strictObject({
  id: identifier,
  kind: z.literal('lighting-cabinet'),
  unit: intIn(1, 247),
  circuits: intIn(1, 32).default(4),
  /** Time between the contactor closing and its feedback contact following. */
  feedbackDelay: duration(0, 60_000).default(200),
  /** Load of each circuit at 100 % level, in kW; missing entries default to 1 kW. */
  circuitLoadKw: z.array(numberIn(0, 100, ' kW')).default([]),
  nominalVoltage: numberIn(100, 400, ' V').default(230),
  /** What the cabinet draws for itself whatever its circuits do (controller, modem, meter, contactor coils), in W. */
  standbyW: numberIn(0, 5000, ' W').default(25),
});

const bellController = z.strictObject({
  id: identifier,
  kind: z.literal('bell-controller'),
  unit: intIn(1, 247),
  bells: intIn(1, 8).default(3),
  /** The swing relay is cut after this time, whatever the bus says. */
  maxSwing: duration(1000, 3_600_000).default(180_000),
  /** A hammer strike closes the strike relay for this long. */
  strikePulse: duration(50, 5000).default(500),
});

const registerBank = z.strictObject({
  id: identifier,
  kind: z.literal('register-bank'),
  unit: intIn(1, 247),
  /** Holding registers 0..registers-1. */
  registers: intIn(1, 10_000).default(200),
  /** Registers keep their first values (n) instead of changing every second. */
  frozen: z.boolean({ error: 'expected true or false' }).default(false),
});

export const modbusDeviceSchema = z.discriminatedUnion('kind', [lightingCabinet, bellController, registerBank], {
  error: 'expected kind lighting-cabinet | bell-controller | register-bank',
});
export type ModbusDeviceConfig = z.output<typeof modbusDeviceSchema>;
export type LightingCabinetConfig = z.output<typeof lightingCabinet>;
export type BellControllerConfig = z.output<typeof bellController>;
export type RegisterBankConfig = z.output<typeof registerBank>;

const modbusTransport = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('tcp'), host: host.default('127.0.0.1'), port: tcpPort }),
    z.strictObject({ type: z.literal('rtu-over-tcp'), host: host.default('127.0.0.1'), port: tcpPort }),
    z.strictObject({
      type: z.literal('rtu-serial'),
      path: z
        .string({ error: 'expected a serial device path' })
        .startsWith('/', { error: 'expected a serial device path' }),
      baudRate: intIn(1200, 115200).default(19200),
    }),
  ],
  { error: 'expected type tcp | rtu-over-tcp | rtu-serial' },
);
export type ModbusTransportConfig = z.output<typeof modbusTransport>;

const modbusEndpoint = z
  .strictObject({
    id: identifier,
    transport: modbusTransport,
    devices: z.array(modbusDeviceSchema).min(1, { error: 'expected at least one device' }),
  })
  .superRefine((endpoint, ctx) => {
    const units = new Set<number>();
    endpoint.devices.forEach((device, index) => {
      if (units.has(device.unit)) {
        ctx.addIssue({ code: 'custom', path: ['devices', index, 'unit'], message: `duplicate unit ${device.unit}` });
      }
      units.add(device.unit);
    });
  });
export type ModbusEndpointConfig = z.output<typeof modbusEndpoint>;

const heatingZone = z.strictObject({
  name: nonEmptyText,
  initialTemperature: numberIn(-20, 40, ' °C').default(14),
  comfort: numberIn(5, 30, ' °C').default(19),
  eco: numberIn(5, 30, ' °C').default(16),
  frost: numberIn(5, 30, ' °C').default(8),
  /** Warming rate with the heater on and no losses, °C per hour. */
  heatingRatePerHour: numberIn(0.1, 50, ' °C/h').default(3),
  /** Time constant of heat loss to the outside, hours. */
  lossTimeConstantHours: numberIn(0.1, 500, ' h').default(10),
});
export type HeatingZoneConfig = z.output<typeof heatingZone>;

const heatingController = z.strictObject({
  id: identifier,
  kind: z.literal('heating-controller'),
  host: host.default('127.0.0.1'),
  port: tcpPort,
  outdoorTemperature: numberIn(-40, 50, ' °C').default(8),
  /** Simulated seconds per real second for the thermal model (60: an hour passes in a minute). */
  timeScale: numberIn(1, 3600).default(60),
  zones: z
    .array(heatingZone)
    .min(1, { error: 'expected at least one zone' })
    .max(16, { error: 'expected at most 16 zones' }),
  /** Security modes offered; Sign and SignAndEncrypt use Basic256Sha256. Default: None only. */
  securityModes: z
    .array(z.enum(['None', 'Sign', 'SignAndEncrypt'], { error: 'expected None | Sign | SignAndEncrypt' }))
    .min(1, { error: 'expected at least one security mode' })
    .default(['None']),
  /** false: only client certificates in <pki>/server/trusted/certs are accepted. Default: any, on first sight. */
  acceptUnknownClientCertificates: z.boolean({ error: 'expected true | false' }).default(true),
  /** Accounts accepted for UserName login. Default: none. */
  users: z
    .array(
      z.strictObject({
        userName: nonEmptyText,
        password: z.string({ error: 'expected text' }).min(1, { error: 'expected non-empty text' }),
      }),
    )
    .default([]),
  /** Whether anonymous sessions are accepted. Default: true. */
  allowAnonymous: z.boolean({ error: 'expected true | false' }).default(true),
});
export type HeatingControllerConfig = z.output<typeof heatingController>;

export const simulatorConfigSchema = z
  .strictObject({
    control: z.strictObject({ host: host.default('127.0.0.1'), port: tcpPort.default(8090) }).prefault({}),
    modbus: z.array(modbusEndpoint).default([]),
    opcua: z.array(heatingController).default([]),
  })
  .superRefine((config, ctx) => {
    const ids = new Map<string, string>();
    const claim = (id: string, path: PropertyKey[]) => {
      if (ids.has(id)) ctx.addIssue({ code: 'custom', path, message: `duplicate id "${id}"` });
      ids.set(id, id);
    };
    config.modbus.forEach((endpoint, e) => {
      claim(endpoint.id, ['modbus', e, 'id']);
      endpoint.devices.forEach((device, d) => claim(device.id, ['modbus', e, 'devices', d, 'id']));
    });
    config.opcua.forEach((server, s) => claim(server.id, ['opcua', s, 'id']));
  });
export type SimulatorConfig = z.output<typeof simulatorConfigSchema>;

/** Reads and validates the simulator's YAML config; throws a DocumentException naming every problem. */
export function loadSimulatorConfig(path: string): SimulatorConfig {
  return loadYamlFile(simulatorConfigSchema, path);
}
