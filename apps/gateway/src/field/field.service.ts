import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { type BusConfig, isWritableKind, type PointKind, type Profile } from '@beffroi/domain';
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
    private opcua: OpcuaFieldbus | undefined,
  ) {
    for (const bus of loaded.config.buses) {
      const bound = bindBusPoints(bus, loaded.profiles);
      this.drivers.set(bus.id, this.createDriver(bus, bound));
      this.register(bus, bound);
    }
  }

  private register(bus: BusConfig, bound: readonly BoundPoint[]): GatewayPoint[] {
    return bound.map((point) => {
      const { id, kind, feedback } = point.definition;
      const added: GatewayPoint = {
        bound: point,
        busId: bus.id,
        pointId: id,
        kind,
        polled: !isOpcuaBus(bus),
        ...(feedback === undefined ? {} : { feedbackKey: pointKey(point.equipmentId, feedback) }),
      };
      this.points.set(point.key, added);
      return added;
    });
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

  /**
   * A driver of its own for a bus the gateway does not poll (a live check of a new bus), not registered: the caller
   * starts and stops it. Loads node-opcua if the bus needs it.
   */
  async standaloneDriver(bus: BusConfig, points: BoundPoint[]): Promise<FieldDriver> {
    if (isOpcuaBus(bus)) await this.loadOpcua();
    return this.createDriver(bus, points);
  }

  /**
   * Starts polling equipment bound while the gateway runs (commissioning), without touching the other buses: on a new
   * bus, its own driver is created and started; on a Modbus bus already polled, the driver takes the new unit's points
   * on its running connection. `bus` is the bus as the config now says it, `equipmentId` the equipment added to it.
   * Answers the new points; the poller starts reading them when told (`PollerService.track`).
   */
  async addEquipment(
    bus: BusConfig,
    equipmentId: string,
    profiles: ReadonlyMap<string, Profile>,
  ): Promise<GatewayPoint[]> {
    const equipment = bus.equipment.filter((e) => e.id === equipmentId);
    const bound = bindBusPoints({ ...bus, equipment } as BusConfig, profiles);
    const running = this.drivers.get(bus.id);
    if (running === undefined) {
      const driver = await this.standaloneDriver(bus, bound);
      this.drivers.set(bus.id, driver);
      const added = this.register(bus, bound);
      await driver.start();
      return added;
    }
    if (!(running instanceof ModbusDriver)) {
      throw new Error(`bus ${bus.id} is an OPC UA bus: its subscriptions are made when it connects`);
    }
    running.addPoints(bound);
    return this.register(bus, bound);
  }

  /**
   * Stops polling an equipment removed from the config while the gateway runs: its points leave the map (the poller
   * drops them when told, `PollerService.untrack`). A bus left without equipment is stopped and forgotten.
   */
  async removeEquipment(equipmentId: string): Promise<GatewayPoint[]> {
    const removed = [...this.points.values()].filter((point) => point.bound.equipmentId === equipmentId);
    for (const point of removed) this.points.delete(point.bound.key);
    const busId = removed[0]?.busId;
    if (busId === undefined) return removed;
    const driver = this.drivers.get(busId);
    if (driver instanceof ModbusDriver) driver.removeEquipment(equipmentId);
    if (![...this.points.values()].some((point) => point.busId === busId)) {
      this.drivers.delete(busId);
      await driver?.stop();
    }
    return removed;
  }

  private async loadOpcua(): Promise<OpcuaFieldbus> {
    if (this.opcua === undefined) {
      this.opcua = await import('@beffroi/fieldbus/opcua');
      this.opcua.routeOpcuaLogs();
    }
    return this.opcua;
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
