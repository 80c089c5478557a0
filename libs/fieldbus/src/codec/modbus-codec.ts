import { isBitTable, type ModbusPointDefinition, type PointScalar, registerCount } from '@beffroi/domain';
import {
  BYTES_PER_REGISTER,
  bytesToRegisters,
  DEFAULT_REGISTER_LAYOUT,
  layoutOf,
  type RegisterLayout,
  registersToBytes,
  wordValue,
} from './register-layout';

/** A value, or why there is none. Device data never throws: a failed decode becomes a `bad` quality with its reason. */
export type CodecResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The registers (uint16 each) or the bits (coils, discrete inputs) of exactly one point; checked when decoded. */
export type ModbusData = readonly number[] | readonly boolean[];

/** What to write for a point. */
export type ModbusWrite =
  | { kind: 'bits'; bits: boolean[] }
  | { kind: 'registers'; registers: number[] }
  /** A bit inside a register: read the register, apply `encodeBitInRegister`, write the register back. */
  | { kind: 'bit-in-register'; bit: number; value: boolean };

type NumericType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';
type Range = { min: number; max: number };

/** Modbus Application Protocol V1.1b3 §4.3: a register holds 16 bits. */
const REGISTER_MAX = 0xffff;
/** Modbus Application Protocol V1.1b3 §4.3: bits 0..15 of a register, 0 the least significant. */
const HIGHEST_BIT = 15;
/** IEEE 754-2008 binary32: the largest finite value, (2 − 2^−23) × 2^127. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** IEEE 754-2008 §5.12.2: 9 significant digits always bring a binary32 back to itself. */
const FLOAT32_DIGITS = 9;
/** IEEE 754-2008 binary64 keeps any 15 significant decimal digits exactly (C's DBL_DIG). */
const FLOAT64_DIGITS = 15;
/** ISO/IEC 8859-1: one byte per character, code points 0..255; anything above has no byte. */
const BEYOND_LATIN1 = /[\u0100-\u{10FFFF}]/u;
/** ECMA-262 Number.MAX_SAFE_INTEGER: 64-bit integers beyond ±(2^53 − 1) have no exact number. */
const SAFE_INTEGER_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const NUL = '\0';
const TRAILING_SPACES = / +$/;

/** Raw values each type can carry; 64-bit integers narrowed to the integers a number holds exactly. */
const RAW_RANGES: Record<NumericType, Range> = {
  int16: { min: -0x8000, max: 0x7fff },
  uint16: { min: 0, max: 0xffff },
  int32: { min: -0x8000_0000, max: 0x7fff_ffff },
  uint32: { min: 0, max: 0xffff_ffff },
  int64: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  uint64: { min: 0, max: Number.MAX_SAFE_INTEGER },
  float32: { min: -FLOAT32_MAX, max: FLOAT32_MAX },
  float64: { min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
};

/** Registers or bits a point occupies in its table. */
export function modbusPointSpan(point: ModbusPointDefinition): number {
  return isBitTable(point.address.table) ? 1 : registerCount(point.type, point.address.length);
}

/**
 * The engineering value of a point from its registers or bits: byte and word order (the point's, else `defaults`),
 * then `raw × scale + offset`, then the state label. Fails, never throws, on data the point cannot hold.
 */
export function decodeModbusPoint(
  point: ModbusPointDefinition,
  data: ModbusData,
  defaults: RegisterLayout = DEFAULT_REGISTER_LAYOUT,
): CodecResult<PointScalar> {
  const type = point.type;
  switch (type) {
    case 'bool':
      return andThen(decodeBool(point, data), (value) => labelled(point, value));
    case 'string':
      return andThen(registersOf(data, modbusPointSpan(point)), (registers) =>
        ok(decodeString(registers, layoutOf(point, defaults))),
      );
    case 'int16':
    case 'uint16': {
      // The hot path of polling: one register, no byte view and no intermediate results.
      const register = data[0];
      if (data.length !== 1 || typeof register !== 'number') {
        return andThen(registersOf(data, 1), () => fail('expected one register'));
      }
      if (!isRegisterValue(register)) return fail(`expected register values 0..${REGISTER_MAX}, got ${register}`);
      const word = wordValue(register, point.byteOrder ?? defaults.byteOrder);
      const raw = type === 'int16' && word >= 0x8000 ? word - 0x10000 : word;
      return labelled(point, toEngineering(point, raw));
    }
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
    case 'float32':
    case 'float64':
      return decodeNumericPoint(point, type, data, layoutOf(point, defaults));
  }
}

/**
 * A 16-bit integer point taken as it is (no scale, offset or state labels), the kind of point polled most: its value
 * is its register, bytes swapped or not, signed or not. `decodePlainRegister` decodes it without the one-register
 * array and the result object of `decodeModbusPoint`.
 */
export interface PlainRegister {
  readonly signed: boolean;
  readonly swapBytes: boolean;
}

/** The four plain registers, shared by every point: polling reads them for each point it decodes. */
const PLAIN_REGISTERS: readonly PlainRegister[] = [false, true].flatMap((signed) =>
  [false, true].map((swapBytes) => Object.freeze({ signed, swapBytes })),
);

/** How `point` decodes as a plain register, or undefined when it needs `decodeModbusPoint`. */
export function plainRegisterOf(
  point: ModbusPointDefinition,
  defaults: RegisterLayout = DEFAULT_REGISTER_LAYOUT,
): PlainRegister | undefined {
  if (point.type !== 'int16' && point.type !== 'uint16') return undefined;
  if ((point.scale ?? 1) !== 1 || (point.offset ?? 0) !== 0 || point.states !== undefined) return undefined;
  const signed = point.type === 'int16';
  const swapBytes = (point.byteOrder ?? defaults.byteOrder) === 'little';
  return PLAIN_REGISTERS.find((plain) => plain.signed === signed && plain.swapBytes === swapBytes);
}

/**
 * The value `decodeModbusPoint` gives a plain register point whose register is `register`; undefined when that is
 * not a register value, and `decodeModbusPoint` then says why.
 */
export function decodePlainRegister(plain: PlainRegister, register: unknown): number | undefined {
  if (typeof register !== 'number' || !isRegisterValue(register)) return undefined;
  const word = plain.swapBytes ? wordValue(register, 'little') : register;
  return plain.signed && word >= 0x8000 ? word - 0x10000 : word;
}

/**
 * The registers or bits to write for an engineering value (a state label on a point with `states`). Fails with a
 * reason naming the point when the value does not suit its type or is out of range once scaled.
 */
export function encodeModbusPoint(
  point: ModbusPointDefinition,
  value: PointScalar,
  defaults: RegisterLayout = DEFAULT_REGISTER_LAYOUT,
): CodecResult<ModbusWrite> {
  const result = encodeValue(point, value, defaults);
  return result.ok ? result : fail(`point "${point.id}": ${result.reason}`);
}

/** A register value with one bit set or cleared; throws a RangeError on a value that is not a register or bit. */
export function encodeBitInRegister(current: number, bit: number, value: boolean): number {
  if (!isRegisterValue(current)) throw new RangeError(`expected a register value 0..${REGISTER_MAX}, got ${current}`);
  if (!Number.isInteger(bit) || bit < 0 || bit > HIGHEST_BIT) {
    throw new RangeError(`expected a bit 0..${HIGHEST_BIT}, got ${bit}`);
  }
  const mask = 1 << bit;
  return value ? current | mask : current & ~mask;
}

function encodeValue(
  point: ModbusPointDefinition,
  value: PointScalar,
  defaults: RegisterLayout,
): CodecResult<ModbusWrite> {
  const type = point.type;
  switch (type) {
    case 'bool':
      return encodeBoolPoint(point, value);
    case 'string':
      return andThen(expectString(value), (text) => encodeString(point, text, layoutOf(point, defaults)));
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
    case 'float32':
    case 'float64':
      return andThen(point.states ? stateOf(point.states, value) : expectFiniteNumber(value), (engineering) =>
        encodeNumber(point, type, engineering, layoutOf(point, defaults)),
      );
  }
}

function ok<T>(value: T): CodecResult<T> {
  return { ok: true, value };
}

function fail<T>(reason: string): CodecResult<T> {
  return { ok: false, reason };
}

function andThen<T, U>(result: CodecResult<T>, next: (value: T) => CodecResult<U>): CodecResult<U> {
  return result.ok ? next(result.value) : result;
}

function isRegisterValue(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= REGISTER_MAX;
}

function registersOf(data: ModbusData, count: number): CodecResult<readonly number[]> {
  const values: readonly unknown[] = data;
  if (values.length !== count) {
    return fail(`expected ${count} ${count === 1 ? 'register' : 'registers'}, got ${values.length}`);
  }
  const wrong = values.find((value) => !isRegisterValue(value));
  if (wrong !== undefined) return fail(`expected register values 0..${REGISTER_MAX}, got ${JSON.stringify(wrong)}`);
  return ok(values as readonly number[]);
}

function decodeBool(point: ModbusPointDefinition, data: ModbusData): CodecResult<boolean> {
  if (isBitTable(point.address.table)) {
    const [bit, ...rest] = data;
    return typeof bit === 'boolean' && rest.length === 0
      ? ok(bit)
      : fail(`expected 1 bit, got ${JSON.stringify(data)}`);
  }
  const { bit } = point.address;
  if (bit === undefined) return fail('a bool in a register needs its bit 0..15');
  return andThen(registersOf(data, 1), ([register = 0]) => ok(((register >> bit) & 1) === 1));
}

function decodeNumericPoint(
  point: ModbusPointDefinition,
  type: NumericType,
  data: ModbusData,
  layout: RegisterLayout,
): CodecResult<PointScalar> {
  const registers = registersOf(data, modbusPointSpan(point));
  if (!registers.ok) return registers;
  const raw = decodeNumber(type, registersToBytes(registers.value, layout));
  return raw.ok ? labelled(point, toEngineering(point, raw.value)) : raw;
}

function decodeNumber(type: NumericType, bytes: DataView): CodecResult<number> {
  switch (type) {
    case 'int16':
      return ok(bytes.getInt16(0));
    case 'uint16':
      return ok(bytes.getUint16(0));
    case 'int32':
      return ok(bytes.getInt32(0));
    case 'uint32':
      return ok(bytes.getUint32(0));
    case 'int64':
      return safeInteger(type, bytes.getBigInt64(0));
    case 'uint64':
      return safeInteger(type, bytes.getBigUint64(0));
    case 'float32':
      return andThen(finite(bytes.getFloat32(0)), (value) => ok(shortestFloat32(value)));
    case 'float64':
      return finite(bytes.getFloat64(0));
  }
}

function safeInteger(type: 'int64' | 'uint64', value: bigint): CodecResult<number> {
  if (value > SAFE_INTEGER_BIGINT || value < -SAFE_INTEGER_BIGINT) {
    return fail(`${type} ${value} is beyond ±${Number.MAX_SAFE_INTEGER}, the largest integer a number holds exactly`);
  }
  return ok(Number(value));
}

function finite(value: number): CodecResult<number> {
  return Number.isFinite(value) ? ok(value) : fail(`not a number (${value})`);
}

/** The shortest decimal that is the same binary32, so 0x42F6E979 reads 123.456 and not 123.45600128173828. */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= FLOAT32_DIGITS; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** `raw × scale + offset`, rounded to the 15 digits a double holds so 2301 × 0.1 reads 230.1. */
function toEngineering(point: ModbusPointDefinition, raw: number): number {
  const scale = point.scale ?? 1;
  const offset = point.offset ?? 0;
  if (scale === 1 && offset === 0) return raw;
  return Number((raw * scale + offset).toPrecision(FLOAT64_DIGITS));
}

function toRaw(point: ModbusPointDefinition, engineering: number): number {
  return (engineering - (point.offset ?? 0)) / (point.scale ?? 1);
}

/** Characters up to the first NUL, trailing spaces trimmed; each register's bytes in the point's byte order. */
function decodeString(registers: readonly number[], layout: RegisterLayout): string {
  const bytes = registersToBytes(registers, { byteOrder: layout.byteOrder, wordOrder: 'big' });
  const text = String.fromCharCode(...new Uint8Array(bytes.buffer));
  const end = text.indexOf(NUL);
  return (end === -1 ? text : text.slice(0, end)).replace(TRAILING_SPACES, '');
}

function labelled(point: ModbusPointDefinition, value: boolean | number): CodecResult<PointScalar> {
  if (point.states === undefined) return ok(value);
  const key = Number(value);
  const state = Object.entries(point.states).find(([integer]) => Number(integer) === key);
  return state ? ok(state[1]) : fail(`unknown state ${key}`);
}

function stateOf(states: Record<string, string>, value: PointScalar): CodecResult<number> {
  const entries = Object.entries(states);
  const state = entries.find(([, label]) => label === value);
  if (state) return ok(Number(state[0]));
  const labels = entries.map(([, label]) => JSON.stringify(label)).join(' | ');
  return fail(`expected one of ${labels}, got ${describe(value)}`);
}

function booleanState(state: number): CodecResult<boolean> {
  return state === 0 || state === 1 ? ok(state === 1) : fail(`state ${state} of a bool must be 0 or 1`);
}

function describe(value: PointScalar): string {
  return typeof value === 'string' ? `string ${JSON.stringify(value)}` : `${typeof value} ${value}`;
}

function expectBoolean(value: PointScalar): CodecResult<boolean> {
  return typeof value === 'boolean' ? ok(value) : fail(`expected a boolean, got ${describe(value)}`);
}

function expectString(value: PointScalar): CodecResult<string> {
  return typeof value === 'string' ? ok(value) : fail(`expected a string, got ${describe(value)}`);
}

function expectFiniteNumber(value: PointScalar): CodecResult<number> {
  return typeof value === 'number' && Number.isFinite(value)
    ? ok(value)
    : fail(`expected a finite number, got ${describe(value)}`);
}

function encodeBoolPoint(point: ModbusPointDefinition, value: PointScalar): CodecResult<ModbusWrite> {
  const bool = point.states ? andThen(stateOf(point.states, value), booleanState) : expectBoolean(value);
  return andThen(bool, (checked) => encodeBool(point, checked));
}

function encodeBool(point: ModbusPointDefinition, value: boolean): CodecResult<ModbusWrite> {
  if (isBitTable(point.address.table)) return ok({ kind: 'bits', bits: [value] });
  const { bit } = point.address;
  if (bit === undefined) return fail('a bool in a register needs its bit 0..15');
  return ok({ kind: 'bit-in-register', bit, value });
}

function encodeNumber(
  point: ModbusPointDefinition,
  type: NumericType,
  engineering: number,
  layout: RegisterLayout,
): CodecResult<ModbusWrite> {
  const raw = toRaw(point, engineering);
  const wire = type === 'float32' || type === 'float64' ? raw : roundHalfAwayFromZero(raw);
  const range = RAW_RANGES[type];
  if (!(wire >= range.min && wire <= range.max)) {
    return fail(`${engineering} is outside ${engineeringRange(point, range)} (${describeScaling(point, type)})`);
  }
  const bytes = new DataView(new ArrayBuffer(registerCount(type) * BYTES_PER_REGISTER));
  setNumber(bytes, type, wire);
  return ok({ kind: 'registers', registers: bytesToRegisters(bytes, layout) });
}

function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

function engineeringRange(point: ModbusPointDefinition, range: Range): string {
  const [low, high] = [toEngineering(point, range.min), toEngineering(point, range.max)].sort((a, b) => a - b);
  return `${low}..${high}`;
}

function describeScaling(point: ModbusPointDefinition, type: NumericType): string {
  const scale = point.scale === undefined ? '' : `, scale ${point.scale}`;
  const offset = point.offset === undefined ? '' : `, offset ${point.offset}`;
  return `${type}${scale}${offset}`;
}

function setNumber(bytes: DataView, type: NumericType, value: number): void {
  switch (type) {
    case 'int16':
      bytes.setInt16(0, value);
      return;
    case 'uint16':
      bytes.setUint16(0, value);
      return;
    case 'int32':
      bytes.setInt32(0, value);
      return;
    case 'uint32':
      bytes.setUint32(0, value);
      return;
    case 'int64':
      bytes.setBigInt64(0, BigInt(value));
      return;
    case 'uint64':
      bytes.setBigUint64(0, BigInt(value));
      return;
    case 'float32':
      bytes.setFloat32(0, value);
      return;
    case 'float64':
      bytes.setFloat64(0, value);
      return;
  }
}

/** Latin-1 characters, two per register, padded with NULs; each register's bytes in the point's byte order. */
function encodeString(point: ModbusPointDefinition, text: string, layout: RegisterLayout): CodecResult<ModbusWrite> {
  const capacity = modbusPointSpan(point) * BYTES_PER_REGISTER;
  const foreign = BEYOND_LATIN1.exec(text);
  if (foreign) return fail(`character ${JSON.stringify(foreign[0])} is not Latin-1 (ISO 8859-1)`);
  if (text.includes(NUL)) return fail('a string cannot hold a NUL character (it ends the string)');
  if (text.length > capacity) return fail(`${JSON.stringify(text)} is longer than ${capacity} characters`);
  const bytes = new Uint8Array(capacity);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  const registers = bytesToRegisters(new DataView(bytes.buffer), { byteOrder: layout.byteOrder, wordOrder: 'big' });
  return ok({ kind: 'registers', registers });
}
