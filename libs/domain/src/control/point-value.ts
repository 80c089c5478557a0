import type { DataType, PointScalar } from '../point.schema';

/** What a point's definition says about the values it accepts (see the profile's points). */
export interface PointValueRules {
  readonly type: DataType;
  /** Integer → label: the value written is one of the labels. */
  readonly states?: Readonly<Record<string, string>> | undefined;
  readonly range?: { readonly min: number; readonly max: number } | undefined;
  readonly values?: readonly string[] | undefined;
}

const INTEGER_BOUNDS: Partial<Record<DataType, readonly [number, number]>> = {
  int16: [-32_768, 32_767],
  uint16: [0, 65_535],
  int32: [-2_147_483_648, 2_147_483_647],
  uint32: [0, 4_294_967_295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * Why `value` can never be written to point `name` with these rules, in words a person can act on
 * (`heating:zone.1.mode: expected comfort | eco | frost, got "confort"`), or undefined when it can. A value refused
 * here is refused before it enters a priority array: retrying it would never succeed.
 */
export function valueProblem(name: string, rules: PointValueRules, value: PointScalar): string | undefined {
  const got = JSON.stringify(value);
  const labels = rules.states === undefined ? undefined : Object.values(rules.states);
  if (labels !== undefined) {
    return typeof value === 'string' && labels.includes(value)
      ? undefined
      : `${name}: expected ${labels.join(' | ')}, got ${got}`;
  }
  const expected = rules.type === 'bool' ? 'boolean' : rules.type === 'string' ? 'string' : 'number';
  if (typeof value !== expected || (typeof value === 'number' && !Number.isFinite(value))) {
    return `${name} is a ${rules.type} point, expected a ${expected}, got ${got}`;
  }
  if (typeof value === 'string') {
    return rules.values === undefined || rules.values.includes(value)
      ? undefined
      : `${name}: expected ${rules.values.join(' | ')}, got ${got}`;
  }
  if (typeof value !== 'number') return undefined;
  const bounds = INTEGER_BOUNDS[rules.type];
  if (bounds !== undefined && (!Number.isInteger(value) || value < bounds[0] || value > bounds[1])) {
    return `${name} is a ${rules.type} point, expected an integer ${bounds[0]}..${bounds[1]}, got ${got}`;
  }
  if (rules.range !== undefined && (value < rules.range.min || value > rules.range.max)) {
    return `${name}: expected ${rules.range.min}..${rules.range.max}, got ${got}`;
  }
  return undefined;
}

/**
 * Whether a write the field refused can never succeed as it is, so retrying it is pointless: the equipment refused
 * the value or the address (Modbus exceptions 1 illegal function, 2 illegal address, 3 illegal value; OPC UA
 * BadOutOfRange, BadTypeMismatch, BadNotWritable, BadNodeIdUnknown, BadWriteNotSupported, BadUserAccessDenied), or
 * the value could not be encoded for the point. Everything else (no answer, device busy, a feedback that shows
 * something else, a bus that is down) may pass.
 */
export function isPermanentWriteFailure(reason: string): boolean {
  return PERMANENT.some((pattern) => pattern.test(reason));
}

const PERMANENT: readonly RegExp[] = [
  /^exception [123]\b/,
  /^Bad(OutOfRange|TypeMismatch|NotWritable|NodeIdUnknown|WriteNotSupported|UserAccessDenied)\b/,
  /^point "[^"]+": /,
  /^expected /,
];
