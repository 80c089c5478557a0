import { Logger } from '@nestjs/common';
import type { ModbusPointDefinition, PointScalar, Quality } from '@beffroi/domain';
import { BehaviorSubject, distinctUntilChanged, EMPTY, type Observable } from 'rxjs';
import {
  decodeModbusPoint,
  decodePlainRegister,
  encodeBitInRegister,
  encodeModbusPoint,
  type PlainRegister,
  plainRegisterOf,
} from '../codec/modbus-codec';
import {
  type BoundPoint,
  type BusHealth,
  FieldDriver,
  type LinkState,
  type PointSample,
  type WriteAck,
} from '../field-driver';
import {
  type ModbusBoundPoint,
  planReads,
  pointData,
  type PointSlot,
  type ReadCut,
  type ReadPlan,
  type ReadPlanOptions,
  type ReadRequest,
  type UnplannedPoint,
} from '../plan/read-plan';
import {
  BusScheduler,
  DEFAULT_SCHEDULER_OPTIONS,
  type ModbusReadRequest,
  type SchedulerOptions,
  type UnitHealth,
  type WriteOutcome,
} from './bus-scheduler';
import { type ModbusBusConfig, ModbusLink, type ModbusOutcome } from './modbus-link';
import { isIllegalAddress, type ReadPiece, readSplitting, wireRequestOf } from './split-read';

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

function planOptionsOf(bus: ModbusBusConfig, cuts: readonly ReadCut[]): Partial<ReadPlanOptions> {
  return { maxRegisterGap: bus.maxReadGap, maxBitGap: bus.maxReadGap * 4, maxRegisters: bus.maxReadRegisters, cuts };
}

/** Shared by every good sample: polling allocates as little as it can. */
const GOOD: Quality = Object.freeze({ status: 'good' });

function badSample(key: string, reason: string, receivedAt: Date): PointSample {
  return { key, value: null, quality: { status: 'bad', reason }, receivedAt };
}

/**
 * One point of a request, as polling decodes it. Built with the plan, side by side with the others of its request:
 * decoding reads these and the answer, not the bound points and definitions the caller allocated all over the heap.
 */
interface PollPoint {
  key: string;
  /** Index of the point's first register or bit in the answer. */
  offset: number;
  /** Set for a plain register point, decoded without `decodeModbusPoint`. */
  plain: PlainRegister | undefined;
  slot: PointSlot;
}

/** One request of a read plan, ready to poll: the request is built once, not at every poll. */
interface PollRead {
  planned: ReadRequest;
  request: ModbusReadRequest;
  points: PollPoint[];
  /** Where this request's first sample goes in the result. */
  first: number;
}

/** A read plan ready to poll: its requests, then the points no request can hold; `size` samples in all. */
interface PollPlan {
  reads: PollRead[];
  unplanned: UnplannedPoint[];
  size: number;
  /** The learned cuts it was planned with (see `ModbusDriver.learn`). */
  cutsVersion: number;
}

function pollReadOf(planned: ReadRequest, first: number): PollRead {
  return {
    planned,
    request: wireRequestOf(planned),
    points: planned.points.map((slot) => ({
      key: slot.point.key,
      offset: slot.offset,
      plain: slot.count === 1 ? plainRegisterOf(slot.point.definition) : undefined,
      slot,
    })),
    first,
  };
}

function pollPlanOf(plan: ReadPlan, cutsVersion: number): PollPlan {
  let size = 0;
  const reads = plan.requests.map((planned): PollRead => {
    const read = pollReadOf(planned, size);
    size += planned.points.length;
    return read;
  });
  return { reads, unplanned: plan.unplanned, size: size + plan.unplanned.length, cutsVersion };
}

/** The outcome of one request of a plan, and when it came; `pieces` when it was read again in pieces. */
interface Answer {
  outcome: ModbusOutcome;
  receivedAt: Date;
  pieces?: ReadPiece[];
}

/**
 * The samples of a plan once every request is answered, in plan order. They are made at the end rather than as each
 * answer comes: in between, other buses poll and the garbage collector would copy them about.
 */
function samplesOf(plan: PollPlan, answers: readonly Answer[]): PointSample[] {
  const samples = new Array<PointSample>(plan.size);
  plan.reads.forEach((read, index) => {
    const answer = answers[index];
    if (answer?.pieces) {
      let first = read.first;
      for (const piece of answer.pieces) {
        fillSamples(samples, pollReadOf(piece.request, first), piece.outcome, piece.receivedAt);
        first += piece.request.points.length;
      }
    } else if (answer) fillSamples(samples, read, answer.outcome, answer.receivedAt);
  });
  if (plan.unplanned.length > 0) {
    const receivedAt = new Date();
    let index = plan.size - plan.unplanned.length;
    for (const { point, reason } of plan.unplanned) samples[index++] = badSample(point.key, reason, receivedAt);
  }
  return samples;
}

/** The samples of one request's points, from its outcome, in their places in `samples`. */
function fillSamples(samples: PointSample[], read: PollRead, outcome: ModbusOutcome, receivedAt: Date): void {
  let index = read.first;
  if (!outcome.ok) {
    for (const { key } of read.points) samples[index++] = badSample(key, outcome.reason, receivedAt);
    return;
  }
  const data: readonly (number | boolean)[] = outcome.bits ?? outcome.registers ?? [];
  // The other one-register or one-bit points decode from a reused one-element array, not a slice of the answer.
  const single: (number | boolean)[] = [0];
  for (const point of read.points) {
    const value = point.plain && decodePlainRegister(point.plain, data[point.offset]);
    samples[index++] =
      value === undefined
        ? decodedSample(point.slot, data, single, receivedAt)
        : { key: point.key, value, quality: GOOD, observedAt: receivedAt, receivedAt };
  }
}

function decodedSample(
  slot: PointSlot,
  data: readonly (number | boolean)[],
  single: (number | boolean)[],
  receivedAt: Date,
): PointSample {
  let slice: readonly (number | boolean)[];
  if (slot.count === 1 && slot.offset < data.length) {
    single[0] = data[slot.offset] ?? 0;
    slice = single;
  } else slice = pointData(data, slot);
  const decoded = decodeModbusPoint(slot.point.definition, slice as readonly number[] | readonly boolean[]);
  return decoded.ok
    ? { key: slot.point.key, value: decoded.value, quality: GOOD, observedAt: receivedAt, receivedAt }
    : badSample(slot.point.key, decoded.reason, receivedAt);
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
  private readonly linkStates = new BehaviorSubject<LinkState>('connecting');
  readonly link$: Observable<LinkState> = this.linkStates.pipe(distinctUntilChanged());
  private readonly logger = new Logger(ModbusDriver.name);
  private readonly link: ModbusLink;
  private readonly scheduler: BusScheduler;
  private readonly plans = new WeakMap<readonly BoundPoint[], PollPlan>();
  private readonly equipmentByUnit = new Map<number, Set<string>>();
  /** Cuts the equipment's answers proved (exception 02 to a joined read), by `unit/table/address`. */
  private readonly cuts = new Map<string, ReadCut>();
  private cutsVersion = 0;

  constructor(
    readonly bus: ModbusBusConfig,
    points: readonly BoundPoint[],
  ) {
    super();
    this.addPoints(points);
    this.scheduler = new BusScheduler(
      (request, done) => {
        this.link.execute(request, done);
      },
      schedulerOptionsOf(bus),
      (health) => {
        this.logUnitChange(health);
      },
    );
    this.link = new ModbusLink(bus, (open) => {
      this.scheduler.setConnected(open);
      this.linkStates.next(open ? 'connected' : 'connecting');
    });
  }

  /**
   * Equipment bound while the bus runs: its units count in `health()` from now on. Reading needs nothing more (every
   * read plans the points it is given).
   */
  addPoints(points: readonly BoundPoint[]): void {
    for (const point of points) {
      if (point.unit === undefined) continue;
      const set = this.equipmentByUnit.get(point.unit) ?? new Set<string>();
      set.add(point.equipmentId);
      this.equipmentByUnit.set(point.unit, set);
    }
  }

  /** Equipment unbound while the bus runs: it no longer counts in `health()`. */
  removeEquipment(equipmentId: string): void {
    for (const [unit, ids] of this.equipmentByUnit) {
      ids.delete(equipmentId);
      if (ids.size === 0) this.equipmentByUnit.delete(unit);
    }
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

  stopWaiting(): void {
    this.scheduler.stopWaiting();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.link.stop();
  }

  read(points: readonly BoundPoint[]): Promise<PointSample[]> {
    const plan = this.planFor(points);
    // One promise per poll, not one per request: the scheduler answers each request through a callback.
    return new Promise((resolve, reject) => {
      const answers: Answer[] = [];
      let waiting = plan.reads.length;
      const finish = () => {
        // Decoding never throws by design; should it, the caller gets the error rather than the socket that answered.
        try {
          resolve(samplesOf(plan, answers));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      plan.reads.forEach((read, index) => {
        this.scheduler.submit(read.request, (outcome) => {
          const receivedAt = new Date();
          if (read.planned.points.length > 1 && isIllegalAddress(outcome)) {
            readSplitting(read.planned, outcome, receivedAt, this.submitRead, ({ pieces, cuts }) => {
              answers[index] = { outcome, receivedAt, pieces };
              this.learn(read.planned, pieces, cuts);
              if (--waiting === 0) finish();
            });
            return;
          }
          answers[index] = { outcome, receivedAt };
          if (--waiting === 0) finish();
        });
      });
      if (plan.reads.length === 0) finish();
    });
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
    const outage = this.link.outage;
    const offline = outage
      ? [...this.equipmentByUnit.values()].flatMap((ids) =>
          [...ids].map((equipmentId) => ({ equipmentId, since: outage.since, reason: outage.reason })),
        )
      : this.scheduler
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

  private readonly submitRead = (request: ModbusReadRequest, done: (outcome: ModbusOutcome) => void): void => {
    this.scheduler.submit(request, done);
  };

  /** The plan of these points, made again once the equipment's answers proved a new cut. */
  private planFor(points: readonly BoundPoint[]): PollPlan {
    let plan = this.plans.get(points);
    if (plan?.cutsVersion !== this.cutsVersion) {
      const options = planOptionsOf(this.bus, [...this.cuts.values()]);
      plan = pollPlanOf(planReads(points.filter(isModbusPoint), options), this.cutsVersion);
      this.plans.set(points, plan);
    }
    return plan;
  }

  /**
   * Remembers the cuts a read split on exception 02 proved, so that the next plans read those parts apart at once
   * instead of being refused first; says so once per request refused.
   */
  private learn(refused: ReadRequest, pieces: readonly ReadPiece[], cuts: readonly ReadCut[]): void {
    const fresh = cuts.filter((cut) => !this.cuts.has(`${cut.unit}/${cut.table}/${cut.address}`));
    if (fresh.length === 0) return;
    for (const cut of fresh) this.cuts.set(`${cut.unit}/${cut.table}/${cut.address}`, cut);
    this.cutsVersion++;
    const span = (r: ReadRequest) => `${r.address}..${r.address + r.count - 1}`;
    const equipment = [...(this.equipmentByUnit.get(refused.unit) ?? [])].join(', ') || 'no equipment';
    this.logger.warn(
      `bus ${this.bus.id}: unit ${refused.unit} (${equipment}) answered exception 2 (illegal data address) to ` +
        `${refused.table} ${span(refused)}: reading ${refused.table} ${pieces.map((p) => span(p.request)).join(', ')} ` +
        `apart from now on (the profile's readPlan.noBridge can say so from the start)`,
    );
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
