import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { type BusConfig, isWritableKind, type PointKind } from '@beffroi/domain';
import {
  bindBusPoints,
  type BoundPoint,
  type FieldDriver,
  isOpcuaBoundPoint,
  ModbusDriver,
  pointKey,
} from '@beffroi/fieldbus';
import { resolve } from 'node:path';
import { LoadedGatewayConfig } from '../gateway.config';

/** A point of the gateway: where it is, and which driver owns its bus. */
export interface GatewayPoint {
  bound: BoundPoint;
  busId: string;
  pointId: string;
  kind: PointKind;
  /** Key of the point that confirms this one, if any. */
  feedbackKey?: string;
  /** Read by polling (Modbus); OPC UA points come by subscription. */
  polled: boolean;
}

export function isOpcuaBus(bus: BusConfig): bus is Extract<BusConfig, { protocol: 'opcua' }> {
  return bus.protocol === 'opcua';
}

/** The OPC UA entry point of the field layer, loaded only when the config has an OPC UA bus. */
type OpcuaFieldbus = typeof import('@beffroi/fieldbus/opcua');

/**
 * Owns one driver per bus (one owner per bus, ever) and the map of every point to its bus. When the gateway stops,
 * writes stop waiting for the buses first, so that the switchings under way end (and are recorded) at once; the
 * drivers close last, once those are recorded. Provided by {@link FieldService.create} (it may load node-opcua).
 */
export class FieldService implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(FieldService.name);
  readonly drivers = new Map<string, FieldDriver>();
  readonly points = new Map<string, GatewayPoint>();

  /** The service for this config, node-opcua loaded first if (and only if) a bus needs it. */
  static async create(loaded: LoadedGatewayConfig): Promise<FieldService> {
    const opcua = loaded.config.buses.some(isOpcuaBus) ? await import('@beffroi/fieldbus/opcua') : undefined;
    opcua?.routeOpcuaLogs();
    return new FieldService(loaded, opcua);
  }

  private constructor(
    loaded: LoadedGatewayConfig,
    private readonly opcua: OpcuaFieldbus | undefined,
  ) {
    for (const bus of loaded.config.buses) {
      const bound = bindBusPoints(bus, loaded.profiles);
      this.drivers.set(bus.id, this.createDriver(bus, bound));
      for (const point of bound) {
        const { id, kind, feedback } = point.definition;
        this.points.set(point.key, {
          bound: point,
          busId: bus.id,
          pointId: id,
          kind,
          polled: !isOpcuaBus(bus),
          ...(feedback === undefined ? {} : { feedbackKey: pointKey(point.equipmentId, feedback) }),
        });
      }
    }
  }

  private isStopping = false;

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((driver) => driver.start()));
    this.logger.log(`${this.drivers.size} buses started, ${this.points.size} points`);
  }

  /**
   * The first shutdown hook, before those that wait for switchings and rings to end: from now on no write waits for a
   * bus that is down or a unit that does not answer (it fails, never sent); the buses still up take the last writes.
   */
  onModuleDestroy(): void {
    this.isStopping = true;
    for (const driver of this.drivers.values()) driver.stopWaiting();
  }

  /** The gateway is stopping: waits for equipment (a feedback, a hold) end now rather than when they would. */
  get stopping(): boolean {
    return this.isStopping;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.drivers.values()].map((driver) => driver.stop()));
  }

  driverOf(point: GatewayPoint): FieldDriver {
    const driver = this.drivers.get(point.busId);
    if (!driver) throw new Error(`no driver for bus ${point.busId}`);
    return driver;
  }

  /** Points a remote party may write (commands and setpoints). */
  isWritable(point: GatewayPoint): boolean {
    return isWritableKind(point.kind);
  }

  private createDriver(bus: BusConfig, points: BoundPoint[]): FieldDriver {
    switch (bus.protocol) {
      case 'modbus-tcp':
      case 'modbus-rtu':
      case 'modbus-rtu-over-tcp':
        return new ModbusDriver(bus, points);
      case 'opcua':
        if (this.opcua === undefined) throw new Error(`bus ${bus.id}: the OPC UA driver is not loaded`);
        return new this.opcua.OpcuaDriver(bus, points.filter(isOpcuaBoundPoint), {
          pkiDir: resolve(bus.pkiDir),
          securityPolicy: bus.securityPolicy,
          ...(bus.userName === undefined || bus.password === undefined
            ? {}
            : { user: { userName: bus.userName, password: bus.password } }),
        });
    }
  }
}
