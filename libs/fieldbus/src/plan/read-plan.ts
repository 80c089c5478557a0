import { isBitTable, MODBUS_TABLES, type ModbusPointDefinition, type ModbusTable } from '@beffroi/domain';
import { modbusPointSpan } from '../codec/modbus-codec';
import type { BoundPoint } from '../field-driver';

/** A Modbus point bound to the unit id of its equipment. */
export type ModbusBoundPoint = BoundPoint<ModbusPointDefinition> & { unit: number };

/** Modbus Application Protocol V1.1b3 §6.3 and §6.4: FC 03 and 04 read 1 to 125 (0x7D) registers. */
export const MODBUS_MAX_READ_REGISTERS = 125;
/** Modbus Application Protocol V1.1b3 §6.1 and §6.2: FC 01 and 02 read 1 to 2000 (0x7D0) bits. */
export const MODBUS_MAX_READ_BITS = 2000;

/** How far requests may grow. Gaps are read and thrown away; a device may accept less than the protocol allows. */
export interface ReadPlanOptions {
  /** Most unused registers read to join two points into one request. */
  maxRegisterGap: number;
  /** Most unused coils or discrete inputs read to join two points into one request. */
  maxBitGap: number;
  /** Most registers one request reads, 1..125. */
  maxRegisters: number;
  /** Most bits one request reads, 1..2000. */
  maxBits: number;
  /** Boundaries no request reads across, besides those of the points' profiles (`readPlan.noBridge`). */
  cuts: readonly ReadCut[];
}

/**
 * A boundary in a unit's table that no request reads across: a request never holds both `address - 1` and `address`.
 * A range the equipment does not have is bounded by two; a point the equipment refuses is cut off on both sides.
 */
export interface ReadCut {
  unit: number;
  table: ModbusTable;
  address: number;
}

export const DEFAULT_READ_PLAN_OPTIONS: Readonly<ReadPlanOptions> = {
  maxRegisterGap: 8,
  maxBitGap: 32,
  maxRegisters: MODBUS_MAX_READ_REGISTERS,
  maxBits: MODBUS_MAX_READ_BITS,
  cuts: [],
};

/** Where one point lies in the response of its request. */
export interface PointSlot {
  point: ModbusBoundPoint;
  /** Index of the point's first register or bit in the response. */
  offset: number;
  /** Registers or bits the point occupies. */
  count: number;
}

/** One read: `count` registers or bits of `table` from `address`, on unit `unit`. */
export interface ReadRequest {
  unit: number;
  table: ModbusTable;
  address: number;
  count: number;
  /** The points this read serves, in address order; each lies wholly inside it. */
  points: PointSlot[];
}

/** A point no request can hold, and why (it is larger than the configured read limit). */
export interface UnplannedPoint {
  point: ModbusBoundPoint;
  reason: string;
}

export interface ReadPlan {
  /** By unit, then table (coil, discrete-input, holding-register, input-register), then address. */
  requests: ReadRequest[];
  unplanned: UnplannedPoint[];
}

interface Placed {
  point: ModbusBoundPoint;
  table: ModbusTable;
  address: number;
  count: number;
}

/** The planning settings with what the points' profiles add: cuts by unit and table, a smaller gap by unit. */
interface Settings extends ReadPlanOptions {
  cutsOf: Map<string, number[]>;
  unitMaxGap: Map<number, number>;
}

/**
 * The reads that fetch these points, deterministically: per unit and table, by address, neighbours joined across
 * gaps of at most `maxRegisterGap`/`maxBitGap` (or the smaller `readPlan.maxGap` of the unit's profile) into
 * requests of at most `maxRegisters`/`maxBits`, never across a cut (`cuts`, and the ranges of the profile's
 * `readPlan.noBridge`). A point never straddles two requests; points sharing registers (bits of one register) share
 * a request when they fit. Throws a RangeError on options out of their ranges.
 */
export function planReads(points: readonly ModbusBoundPoint[], options: Partial<ReadPlanOptions> = {}): ReadPlan {
  const settings = settingsOf(readPlanOptions(options), points);
  const plan: ReadPlan = { requests: [], unplanned: [] };
  let current: ReadRequest | undefined;
  for (const placed of points.map(place).sort(byUnitTableAddress)) {
    const limit = limitOf(placed.table, settings);
    if (placed.count > limit) {
      plan.unplanned.push({ point: placed.point, reason: tooLarge(placed, limit) });
    } else if (current !== undefined && joins(current, placed, settings)) {
      addTo(current, placed);
    } else {
      current = { unit: placed.point.unit, table: placed.table, address: placed.address, count: 0, points: [] };
      addTo(current, placed);
      plan.requests.push(current);
    }
  }
  return plan;
}

/** A point's registers or bits in the response to its request (a short response gives a short slice). */
export function pointData<T extends number | boolean>(response: readonly T[], slot: PointSlot): T[] {
  return response.slice(slot.offset, slot.offset + slot.count);
}

function readPlanOptions(options: Partial<ReadPlanOptions>): ReadPlanOptions {
  const settings: ReadPlanOptions = {
    maxRegisterGap: options.maxRegisterGap ?? DEFAULT_READ_PLAN_OPTIONS.maxRegisterGap,
    maxBitGap: options.maxBitGap ?? DEFAULT_READ_PLAN_OPTIONS.maxBitGap,
    maxRegisters: options.maxRegisters ?? DEFAULT_READ_PLAN_OPTIONS.maxRegisters,
    maxBits: options.maxBits ?? DEFAULT_READ_PLAN_OPTIONS.maxBits,
    cuts: options.cuts ?? DEFAULT_READ_PLAN_OPTIONS.cuts,
  };
  checkInteger('maxRegisterGap', settings.maxRegisterGap, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('maxBitGap', settings.maxBitGap, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('maxRegisters', settings.maxRegisters, 1, MODBUS_MAX_READ_REGISTERS);
  checkInteger('maxBits', settings.maxBits, 1, MODBUS_MAX_READ_BITS);
  return settings;
}

function settingsOf(options: ReadPlanOptions, points: readonly ModbusBoundPoint[]): Settings {
  const cutsOf = new Map<string, number[]>();
  const cut = (unit: number, table: ModbusTable, address: number) => {
    const key = cutKey(unit, table);
    cutsOf.set(key, [...(cutsOf.get(key) ?? []), address]);
  };
  for (const { unit, table, address } of options.cuts) cut(unit, table, address);
  const unitMaxGap = new Map<number, number>();
  for (const point of points) {
    const rules = point.readPlan;
    if (rules === undefined || unitMaxGap.has(point.unit)) continue;
    unitMaxGap.set(point.unit, rules.maxGap ?? Number.MAX_SAFE_INTEGER);
    for (const range of rules.noBridge) {
      cut(point.unit, range.table, range.from);
      cut(point.unit, range.table, range.to + 1);
    }
  }
  return { ...options, cutsOf, unitMaxGap };
}

function cutKey(unit: number, table: ModbusTable): string {
  return `${unit}/${table}`;
}

function checkInteger(name: keyof ReadPlanOptions, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min}..${max}, got ${value}`);
  }
}

function place(point: ModbusBoundPoint): Placed {
  const { table, address } = point.definition.address;
  return { point, table, address, count: modbusPointSpan(point.definition) };
}

function byUnitTableAddress(a: Placed, b: Placed): number {
  return (
    a.point.unit - b.point.unit ||
    MODBUS_TABLES.indexOf(a.table) - MODBUS_TABLES.indexOf(b.table) ||
    a.address - b.address ||
    a.count - b.count ||
    compareText(a.point.key, b.point.key)
  );
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function limitOf(table: ModbusTable, settings: ReadPlanOptions): number {
  return isBitTable(table) ? settings.maxBits : settings.maxRegisters;
}

function maxGapOf(unit: number, table: ModbusTable, settings: Settings): number {
  const gap = isBitTable(table) ? settings.maxBitGap : settings.maxRegisterGap;
  return Math.min(gap, settings.unitMaxGap.get(unit) ?? gap);
}

function tooLarge(placed: Placed, limit: number): string {
  const what = isBitTable(placed.table) ? 'bits' : 'registers';
  return `${placed.point.definition.type} of ${placed.count} ${what} exceeds the read limit of ${limit} ${what}`;
}

/** Same unit and table, a gap small enough to read through, no cut inside, and the grown request within the limit. */
function joins(request: ReadRequest, placed: Placed, settings: Settings): boolean {
  const end = request.address + request.count;
  const grownEnd = Math.max(end, placed.address + placed.count);
  return (
    request.unit === placed.point.unit &&
    request.table === placed.table &&
    placed.address - end <= maxGapOf(request.unit, placed.table, settings) &&
    grownEnd - request.address <= limitOf(placed.table, settings) &&
    !(settings.cutsOf.get(cutKey(request.unit, request.table)) ?? []).some(
      (cut) => request.address < cut && cut < grownEnd,
    )
  );
}

function addTo(request: ReadRequest, placed: Placed): void {
  const offset = placed.address - request.address;
  request.points.push({ point: placed.point, offset, count: placed.count });
  request.count = Math.max(request.count, offset + placed.count);
}
