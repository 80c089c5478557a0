import type { DataType as PointType, PointScalar } from '@beffroi/domain';
import { DataType, type DataValue, type Variant, VariantArrayType, type VariantOptions } from 'node-opcua-client';
import type { PointSample } from '../field-driver';

/** The OPC UA built-in type a point of each type is written with. */
export const OPCUA_WIRE_TYPES: Record<PointType, DataType> = {
  bool: DataType.Boolean,
  int16: DataType.Int16,
  uint16: DataType.UInt16,
  int32: DataType.Int32,
  uint32: DataType.UInt32,
  int64: DataType.Int64,
  uint64: DataType.UInt64,
  float32: DataType.Float,
  float64: DataType.Double,
  string: DataType.String,
};

export type Decoded = { ok: true; value: PointScalar } | { ok: false; reason: string };
/** Integer values that stand for named states (a point's `states`: `{ '0': comfort, '1': eco }`). */
export type States = Readonly<Record<string, string>>;
export type Encoded = { ok: true; variant: VariantOptions } | { ok: false; reason: string };

const INTEGER_RANGES: Partial<Record<PointType, readonly [number, number]>> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

const NUMERIC_WIRE_TYPES = new Set<DataType>([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Int64,
  DataType.UInt64,
  DataType.Float,
  DataType.Double,
]);

const FLOAT32_MAX = 3.4028234663852886e38;
const UINT32_SPAN = 0x1_0000_0000n;

/** node-opcua carries 64-bit integers as `[high, low]` 32-bit words. */
function int64ToNumber(value: unknown, signed: boolean): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [high, low] = value as unknown[];
  if (typeof high !== 'number' || typeof low !== 'number') return undefined;
  const words = BigInt(high >>> 0) * UINT32_SPAN + BigInt(low >>> 0);
  return Number(signed ? BigInt.asIntN(64, words) : words);
}

function numberToInt64Words(value: number): [number, number] {
  const words = BigInt.asUintN(64, BigInt(value));
  return [Number(words / UINT32_SPAN), Number(words % UINT32_SPAN)];
}

/** Int64 and UInt64 variants need the array type spelled out: node-opcua cannot tell `[high, low]` from an array. */
function scalar(dataType: DataType, value: unknown): VariantOptions {
  return { dataType, arrayType: VariantArrayType.Scalar, value };
}

function show(value: PointScalar): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function wireName(variant: Variant): string {
  return DataType[variant.dataType];
}

/**
 * The value of a variant as the point's type — the name of its state for a point with `states` (a bool is state 0
 * or 1) — or why it cannot be one.
 */
export function decodeVariant(variant: Variant, type: PointType, states?: States): Decoded {
  const decoded = decodeScalar(variant, type);
  if (!decoded.ok || states === undefined || typeof decoded.value === 'string') return decoded;
  const key = Number(decoded.value);
  const state = Object.entries(states).find(([integer]) => Number(integer) === key);
  return state ? { ok: true, value: state[1] } : { ok: false, reason: `unknown state ${key}` };
}

function decodeScalar(variant: Variant, type: PointType): Decoded {
  if (variant.arrayType !== VariantArrayType.Scalar) {
    return { ok: false, reason: `expected a scalar ${type}, the server sent an array of ${wireName(variant)}` };
  }
  const mismatch = (): Decoded => ({ ok: false, reason: `expected ${type}, the server sent ${wireName(variant)}` });
  const raw: unknown = variant.value;
  switch (type) {
    case 'bool':
      return variant.dataType === DataType.Boolean && typeof raw === 'boolean' ? { ok: true, value: raw } : mismatch();
    case 'string':
      if (variant.dataType === DataType.String && typeof raw === 'string') return { ok: true, value: raw };
      if (variant.dataType === DataType.LocalizedText) {
        const text = (raw as { text?: unknown } | null)?.text;
        if (typeof text === 'string') return { ok: true, value: text };
      }
      return mismatch();
    case 'float32':
    case 'float64':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64': {
      if (!NUMERIC_WIRE_TYPES.has(variant.dataType)) return mismatch();
      const value = int64ToNumber(raw, variant.dataType !== DataType.UInt64);
      if (value === undefined) return mismatch();
      if (!Number.isFinite(value) || (INTEGER_RANGES[type] && !Number.isInteger(value))) {
        return { ok: false, reason: `expected ${type}, the server sent ${wireName(variant)} ${value}` };
      }
      return { ok: true, value };
    }
  }
}

/**
 * The variant that writes `value` to a point of this type, or why the value does not fit the type. A point with
 * `states` takes the name of a state, written as its integer (a bool as state 0 or 1).
 */
export function encodeValue(value: PointScalar, type: PointType, states?: States): Encoded {
  if (states === undefined || type === 'string') return encodeScalar(value, type);
  const entries = Object.entries(states);
  const state = entries.find(([, label]) => label === value);
  if (!state) {
    const labels = entries.map(([, label]) => JSON.stringify(label)).join(' | ');
    return { ok: false, reason: `expected one of ${labels}, got ${show(value)}` };
  }
  const integer = Number(state[0]);
  if (type !== 'bool') return encodeScalar(integer, type);
  return integer === 0 || integer === 1
    ? encodeScalar(integer === 1, type)
    : { ok: false, reason: `state ${integer} of a bool must be 0 or 1` };
}

function encodeScalar(value: PointScalar, type: PointType): Encoded {
  const dataType = OPCUA_WIRE_TYPES[type];
  switch (type) {
    case 'bool':
      return typeof value === 'boolean'
        ? { ok: true, variant: scalar(dataType, value) }
        : { ok: false, reason: `expected true or false (bool), got ${show(value)}` };
    case 'string':
      return typeof value === 'string'
        ? { ok: true, variant: scalar(dataType, value) }
        : { ok: false, reason: `expected text (string), got ${show(value)}` };
    case 'float32':
    case 'float64':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { ok: false, reason: `expected a finite number (${type}), got ${show(value)}` };
      }
      if (type === 'float32' && Math.abs(value) > FLOAT32_MAX) {
        return { ok: false, reason: `${value} is beyond the range of float32` };
      }
      return { ok: true, variant: scalar(dataType, value) };
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64': {
      const [min, max] = INTEGER_RANGES[type] ?? [0, 0];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return {
          ok: false,
          reason: `expected an integer ${min}..${max} (${type}), got ${show(value)}`,
        };
      }
      const wire = type === 'int64' || type === 'uint64' ? numberToInt64Words(value) : value;
      return { ok: true, variant: scalar(dataType, wire) };
    }
  }
}

/**
 * A sample from what the server said about a point: good with the converted value when the status is Good, bad with
 * the status code name (BadNodeIdUnknown, UncertainLastUsableValue...) otherwise.
 */
export function sampleFromDataValue(
  key: string,
  type: PointType,
  dataValue: DataValue,
  receivedAt: Date,
  states?: States,
): PointSample {
  const observedAt = dataValue.sourceTimestamp ?? undefined;
  const timestamps = observedAt ? { observedAt, receivedAt } : { receivedAt };
  if (!dataValue.statusCode.isGood()) {
    return { key, value: null, quality: { status: 'bad', reason: dataValue.statusCode.name }, ...timestamps };
  }
  const decoded = decodeVariant(dataValue.value, type, states);
  return decoded.ok
    ? { key, value: decoded.value, quality: { status: 'good' }, ...timestamps }
    : { key, value: null, quality: { status: 'bad', reason: decoded.reason }, ...timestamps };
}
