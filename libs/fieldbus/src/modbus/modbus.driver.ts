import { Logger } from '@nestjs/common';
import type { ModbusPointDefinition, PointScalar, Quality } from '@beffroi/domain';
import { EMPTY, type Observable } from 'rxjs';
import { decodeModbusPoint, encodeBitInRegister, encodeModbusPoint } from '../codec/modbus-codec';
import { type BoundPoint, type BusHealth, FieldDriver, type PointSample, type WriteAck } from '../field-driver';
import { type ModbusBoundPoint, planReads, pointData, type ReadPlan, type ReadPlanOptions } from '../plan/read-plan';
import {
  BusScheduler,
  DEFAULT_SCHEDULER_OPTIONS,
  type SchedulerOptions,
  type UnitHealth,
  type WriteOutcome,
} from './bus-scheduler';
import { type ModbusBusConfig, ModbusLink, type ModbusOutcome } from './modbus-link';

/** Scheduling as the bus config asks: one request at a time and the inter-frame gap on an RTU line. */
export function schedulerOptionsOf(bus: ModbusBusConfig): SchedulerOptions {
  return {
    ...DEFAULT_SCHEDULER_OPTIONS,
    maxInFlight: bus.protocol === 'modbus-tcp' ? bus.maxInFlight : 1,
    interFrameGapMs: bus.protocol === 'modbus-tcp' ? 0 : bus.interFrameGap,
    retries: bus.retries,
    offlineAfter: bus.offlineAfter,
    probeMinMs: bus.probeMin,
    probeMaxMs: Math.max(bus.probeMin, bus.probeMax),
  };
}

function planOptionsOf(bus: ModbusBusConfig): Partial<ReadPlanOptions> {
  return { maxRegisterGap: bus.maxReadGap, maxBitGap: bus.maxReadGap * 4, maxRegisters: bus.maxReadRegisters };
}

/** Shared by every good sample: polling allocates as little as it can. */
const GOOD: Quality = Object.freeze({ status: 'good' });

function badSample(key: string, reason: string, receivedAt: Date): PointSample {
  return { key, value: null, quality: { status: 'bad', reason }, receivedAt };
}

function isModbusPoint(point: BoundPoint): point is ModbusBoundPoint {
  return point.unit !== undefined && 'table' in point.definition.address;
}

/**
 * A Modbus bus (TCP, RTU on a serial line, or RTU over TCP) behind the field-driver port: its one connection, its
 * request scheduler, the read plan of the points asked for and the codecs of each point.
 */
export class ModbusDriver extends FieldDriver {
  readonly changes$: Observable<PointSample> = EMPTY;
  private readonly logger = new Logger(ModbusDriver.name);
  private readonly link: ModbusLink;
  private readonly scheduler: BusScheduler;
  private readonly plans = new WeakMap<readonly BoundPoint[], ReadPlan>();
  private readonly equipmentByUnit = new Map<number, Set<string>>();

  constructor(
    readonly bus: ModbusBusConfig,
    points: readonly BoundPoint[],
  ) {
    super();
    for (const point of points) {
      if (point.unit === undefined) continue;
      const set = this.equipmentByUnit.get(point.unit) ?? new Set<string>();
      set.add(point.equipmentId);
      this.equipmentByUnit.set(point.unit, set);
    }
    this.scheduler = new BusScheduler(
      (request) => this.link.execute(request),
      schedulerOptionsOf(bus),
      (health) => {
        this.logUnitChange(health);
      },
    );
    this.link = new ModbusLink(bus, (open) => {
      this.scheduler.setConnected(open);
    });
  }

  get busId(): string {
    return this.bus.id;
  }

  /** Connections opened since start. */
  get opens(): number {
    return this.link.opens;
  }

  start(): Promise<void> {
    this.link.start();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.link.stop();
  }

  async read(points: readonly BoundPoint[]): Promise<PointSample[]> {
    const plan = this.planFor(points);
    const unplanned = plan.unplanned.map(({ point, reason }) => badSample(point.key, reason, new Date()));
    const answered = await Promise.all(
      plan.requests.map(async (request) => {
        const { unit, table, address, count } = request;
        const outcome = await this.scheduler.read({ kind: 'read', unit, table, address, count });
        const receivedAt = new Date();
        if (!outcome.ok) return request.points.map((slot) => badSample(slot.point.key, outcome.reason, receivedAt));
        const data: readonly (number | boolean)[] = outcome.bits ?? outcome.registers ?? [];
        // Most points are one register or one bit: decode them from a reused one-element array, not a slice.
        const single: (number | boolean)[] = [0];
        const samples: PointSample[] = [];
        for (const slot of request.points) {
          let slice: readonly (number | boolean)[];
          if (slot.count === 1 && slot.offset < data.length) {
            single[0] = data[slot.offset] ?? 0;
            slice = single;
          } else slice = pointData(data, slot);
          const decoded = decodeModbusPoint(slot.point.definition, slice as readonly number[] | readonly boolean[]);
          samples.push(
            decoded.ok
              ? { key: slot.point.key, value: decoded.value, quality: GOOD, receivedAt }
              : badSample(slot.point.key, decoded.reason, receivedAt),
          );
        }
        return samples;
      }),
    );
    // A plain loop: Array.prototype.flat is an order of magnitude slower here, and this runs on every poll.
    const samples: PointSample[] = [];
    for (const batch of answered) for (const sample of batch) samples.push(sample);
    for (const sample of unplanned) samples.push(sample);
    return samples;
  }

  async write(point: BoundPoint, value: PointScalar, notAfter: Date): Promise<WriteAck> {
    if (!isModbusPoint(point)) return { status: 'failed', reason: `${point.key} is not a Modbus point` };
    const encoded = encodeModbusPoint(point.definition, value);
    if (!encoded.ok) return { status: 'failed', reason: encoded.reason };
    const { unit } = point;
    const { address } = point.definition.address;
    switch (encoded.value.kind) {
      case 'bits':
        return ackOf(
          await this.scheduler.write({ kind: 'write-coils', unit, address, values: encoded.value.bits }, notAfter),
        );
      case 'registers':
        return ackOf(
          await this.scheduler.write(
            { kind: 'write-registers', unit, address, values: encoded.value.registers },
            notAfter,
          ),
        );
      case 'bit-in-register':
        return this.writeBitInRegister(point, encoded.value.bit, encoded.value.value, notAfter);
    }
  }

  health(): BusHealth {
    const offline = this.scheduler
      .unitHealth()
      .filter((unit) => !unit.online)
      .flatMap((unit) =>
        [...(this.equipmentByUnit.get(unit.unit) ?? [])].map((equipmentId) => ({
          equipmentId,
          since: unit.since,
          reason: unit.reason,
        })),
      );
    return {
      busId: this.bus.id,
      link: this.link.isOpen ? 'connected' : 'connecting',
      offline,
      queued: this.scheduler.queued,
    };
  }

  /** Read-modify-write of one register for a bool kept in one of its bits. */
  private async writeBitInRegister(
    point: ModbusBoundPoint & { definition: ModbusPointDefinition },
    bit: number,
    value: boolean,
    notAfter: Date,
  ): Promise<WriteAck> {
    const { unit } = point;
    const { address } = point.definition.address;
    const current = await this.scheduler.read({ kind: 'read', unit, table: 'holding-register', address, count: 1 });
    if (!current.ok)
      return { status: 'failed', reason: `reading the register before setting its bit: ${current.reason}` };
    const register = encodeBitInRegister(current.registers?.[0] ?? 0, bit, value);
    return ackOf(await this.scheduler.write({ kind: 'write-registers', unit, address, values: [register] }, notAfter));
  }

  private planFor(points: readonly BoundPoint[]): ReadPlan {
    let plan = this.plans.get(points);
    if (!plan) {
      plan = planReads(points.filter(isModbusPoint), planOptionsOf(this.bus));
      this.plans.set(points, plan);
    }
    return plan;
  }

  private logUnitChange(health: UnitHealth): void {
    const equipment = [...(this.equipmentByUnit.get(health.unit) ?? [])].join(', ') || 'no equipment';
    if (health.online) this.logger.log(`bus ${this.bus.id}: unit ${health.unit} (${equipment}) answers again`);
    else this.logger.warn(`bus ${this.bus.id}: unit ${health.unit} (${equipment}) offline: ${health.reason}`);
  }
}

function ackOf(outcome: WriteOutcome | ModbusOutcome): WriteAck {
  if (outcome.ok) return { status: 'written' };
  return outcome.failure === 'expired'
    ? { status: 'expired', reason: outcome.reason }
    : { status: 'failed', reason: outcome.reason };
}
