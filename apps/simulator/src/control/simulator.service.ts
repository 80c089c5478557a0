import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { problemsFromIssues } from '@beffroi/domain';
import type { z } from 'zod';
import { Clock } from '@beffroi/runtime';
import { BellController } from '../devices/bell-controller.device';
import { HeatingController } from '../devices/heating/heating-controller.device';
import { LightingCabinet } from '../devices/lighting-cabinet.device';
import { RegisterBank } from '../devices/register-bank.device';
import type { SimulatedDevice } from '../devices/simulated-device';
import { modbusFaultSchema } from '../modbus/fault';
import type { ModbusEndpoint } from '../modbus/modbus-endpoint';
import type { AcceptedWrite, ModbusSlaveDevice } from '../modbus/modbus-slave';
import { ModbusRtuOverTcpEndpoint, ModbusRtuSerialEndpoint } from '../modbus/modbus-rtu.endpoint';
import { ModbusTcpEndpoint } from '../modbus/modbus-tcp.endpoint';
import type { ModbusDeviceConfig, ModbusEndpointConfig, SimulatorConfig } from '../simulator.config';
import { SimulatorException, SimulatorExceptionCode } from './simulator.exception';

/** Where a device is reached. */
export interface DeviceListing {
  id: string;
  kind: SimulatedDevice['kind'];
  endpoint: string;
  transport: 'modbus-tcp' | 'modbus-rtu-over-tcp' | 'modbus-rtu-serial' | 'opcua';
  unit?: number;
  port?: number;
  endpointUrl?: string;
  /** TCP connections to the device's endpoint: open now and accepted since start. */
  connections?: { open: number; accepted: number };
}

type Registered =
  | { protocol: 'modbus'; device: ModbusSlaveDevice; endpoint: ModbusEndpoint; config: ModbusEndpointConfig }
  | { protocol: 'opcua'; device: HeatingController };

export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new SimulatorException(
      SimulatorExceptionCode.InvalidRequest,
      `invalid ${what}`,
      problemsFromIssues(result.error.issues, body),
    );
  }
  return result.data;
}

/** Owns the simulated devices and their endpoints; the control API's rules. */
@Injectable()
export class SimulatorService implements OnApplicationShutdown {
  private readonly logger = new Logger(SimulatorService.name);
  private readonly devices = new Map<string, Registered>();
  private readonly endpoints: ModbusEndpoint[] = [];

  constructor(
    private readonly config: SimulatorConfig,
    private readonly clock: Clock,
  ) {
    for (const endpointConfig of config.modbus) {
      const devices = endpointConfig.devices.map((d) => this.createModbusDevice(d));
      const endpoint = this.createEndpoint(endpointConfig, devices);
      this.endpoints.push(endpoint);
      for (const device of devices)
        this.devices.set(device.id, { protocol: 'modbus', device, endpoint, config: endpointConfig });
    }
    for (const heating of config.opcua) {
      this.devices.set(heating.id, { protocol: 'opcua', device: new HeatingController(heating, clock) });
    }
  }

  /** Opens every endpoint; on failure closes what was opened and rethrows (never half-starts). */
  async start(): Promise<void> {
    try {
      for (const endpoint of this.endpoints) await endpoint.start();
      for (const entry of this.devices.values()) if (entry.protocol === 'opcua') await entry.device.start();
    } catch (error) {
      await this.onApplicationShutdown();
      throw error;
    }
    this.logger.log(`${this.devices.size} simulated devices ready`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.endpoints.map((e) => e.stop()));
    await Promise.allSettled(
      [...this.devices.values()].flatMap((entry) => (entry.protocol === 'opcua' ? [entry.device.stop()] : [])),
    );
  }

  list(): DeviceListing[] {
    return [...this.devices.values()].map((entry) => this.listing(entry));
  }

  /** Listening ports by endpoint or device id, for the launcher. */
  ports(): Record<string, number> {
    const ports: Record<string, number> = {};
    for (const endpoint of this.endpoints) if (endpoint.port !== undefined) ports[endpoint.id] = endpoint.port;
    for (const entry of this.devices.values())
      if (entry.protocol === 'opcua') ports[entry.device.id] = entry.device.port;
    return ports;
  }

  state(id: string): Record<string, unknown> {
    return { ...this.listing(this.get(id)), ...this.get(id).device.state() };
  }

  /** What the bus wrote to a Modbus device and it accepted (GET /devices/:id/writes). */
  writes(id: string): { total: number; writes: readonly AcceptedWrite[] } {
    const entry = this.get(id);
    if (entry.protocol !== 'modbus') {
      throw new SimulatorException(
        SimulatorExceptionCode.NotSupported,
        `${id} speaks OPC UA: it keeps no Modbus writes`,
      );
    }
    return entry.device.writes();
  }

  setFault(id: string, body: unknown): Record<string, unknown> {
    const entry = this.get(id);
    if (entry.protocol !== 'modbus') {
      throw new SimulatorException(
        SimulatorExceptionCode.NotSupported,
        `${id} speaks OPC UA: use POST /devices/${id}/actions/restart to inject a server outage`,
      );
    }
    const fault = parseBody(modbusFaultSchema, body, 'fault');
    if (fault.mode === 'drop' && !entry.endpoint.canDropConnections) {
      throw new SimulatorException(
        SimulatorExceptionCode.NotSupported,
        `${id} is on a serial line: there is no connection to drop`,
      );
    }
    entry.device.fault = fault;
    this.logger.warn(`fault injected on ${id}: ${JSON.stringify(fault)}`);
    return this.state(id);
  }

  applyInputs(id: string, body: unknown): Record<string, unknown> {
    const { device } = this.get(id);
    device.applyInputs(parseBody(device.inputsSchema, body, 'inputs'));
    return this.state(id);
  }

  dropConnections(id: string): { closed: number } {
    const entry = this.get(id);
    if (entry.protocol !== 'modbus' || !entry.endpoint.canDropConnections) {
      throw new SimulatorException(SimulatorExceptionCode.NotSupported, `${id} has no TCP connections to drop`);
    }
    const closed = entry.endpoint.dropConnections();
    this.logger.warn(`dropped ${closed} connections of ${entry.endpoint.id}`);
    return { closed };
  }

  async restart(id: string, downtimeMs: number): Promise<Record<string, unknown>> {
    const entry = this.get(id);
    if (entry.protocol !== 'opcua') {
      throw new SimulatorException(
        SimulatorExceptionCode.NotSupported,
        `${id} is a Modbus device: use a fault or drop-connections`,
      );
    }
    await entry.device.restart(downtimeMs);
    return this.state(id);
  }

  private get(id: string): Registered {
    const entry = this.devices.get(id);
    if (!entry) {
      const known = [...this.devices.keys()].join(', ');
      throw new SimulatorException(SimulatorExceptionCode.UnknownDevice, `no device "${id}" (known: ${known})`);
    }
    return entry;
  }

  private listing(entry: Registered): DeviceListing {
    if (entry.protocol === 'opcua') {
      const { device } = entry;
      return {
        id: device.id,
        kind: device.kind,
        endpoint: device.id,
        transport: 'opcua',
        port: device.port,
        endpointUrl: device.endpointUrl,
      };
    }
    const { device, endpoint, config } = entry;
    const transport = (
      { tcp: 'modbus-tcp', 'rtu-over-tcp': 'modbus-rtu-over-tcp', 'rtu-serial': 'modbus-rtu-serial' } as const
    )[config.transport.type];
    return {
      id: device.id,
      kind: device.kind,
      endpoint: endpoint.id,
      transport,
      unit: device.unit,
      ...(endpoint.port === undefined ? {} : { port: endpoint.port, connections: endpoint.connections() }),
    };
  }

  private createModbusDevice(config: ModbusDeviceConfig): ModbusSlaveDevice {
    switch (config.kind) {
      case 'lighting-cabinet':
        return new LightingCabinet(config, this.clock);
      case 'bell-controller':
        return new BellController(config, this.clock);
      case 'register-bank':
        return new RegisterBank(config, this.clock);
    }
  }

  private createEndpoint(config: ModbusEndpointConfig, devices: ModbusSlaveDevice[]): ModbusEndpoint {
    const { transport } = config;
    switch (transport.type) {
      case 'tcp':
        return new ModbusTcpEndpoint(config.id, devices, transport.host, transport.port);
      case 'rtu-over-tcp':
        return new ModbusRtuOverTcpEndpoint(config.id, devices, transport.host, transport.port);
      case 'rtu-serial':
        return new ModbusRtuSerialEndpoint(config.id, devices, transport.path, transport.baudRate);
    }
  }
}
