import { z } from 'zod';
import { alarmConditionSchema, whenProblem } from './alarm/alarm-condition';
import { duration, identifier, intIn, nonEmptyText } from './common.schema';
import { dataType, type DataType, isWritableKind, pointId, pointKind } from './point.schema';
import { modbusIdentificationSchema, opcuaIdentificationSchema } from './profile-identification';
import { tagList } from './tag.schema';

export const MODBUS_TABLES = ['coil', 'discrete-input', 'holding-register', 'input-register'] as const;
export type ModbusTable = (typeof MODBUS_TABLES)[number];
export const BYTE_ORDERS = ['big', 'little'] as const;
export type ByteOrder = (typeof BYTE_ORDERS)[number];

/** Registers a value of this type occupies (strings give their own length). */
export function registerCount(type: DataType, stringLength = 1): number {
  switch (type) {
    case 'bool':
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
    case 'string':
      return stringLength;
  }
}

export function isBitTable(table: ModbusTable): boolean {
  return table === 'coil' || table === 'discrete-input';
}

export function isWritableTable(table: ModbusTable): boolean {
  return table === 'coil' || table === 'holding-register';
}

const byteOrder = z.enum(BYTE_ORDERS, { error: 'expected big | little' });

export const modbusAddressSchema = z.strictObject({
  table: z.enum(MODBUS_TABLES, { error: `expected one of ${MODBUS_TABLES.join(' | ')}` }),
  /** Zero-based protocol address (register 40001 is holding-register 0). */
  address: intIn(0, 65535),
  /** Bit 0..15 of a register holding a boolean. */
  bit: intIn(0, 15).optional(),
  /** Registers of a string (two characters each). */
  length: intIn(1, 125).optional(),
});
export type ModbusAddress = z.output<typeof modbusAddressSchema>;

export const opcuaAddressSchema = z.strictObject({
  /** A node id, preferably with its namespace URI: `nsu=urn:beffroi:simulator:heating;s=Zone1.Mode`. */
  nodeId: z
    .string({ error: 'expected an OPC UA node id such as "nsu=urn:example;s=Zone1.Mode" or "ns=1;i=1001"' })
    .regex(/^(?:(?:ns=\d+|nsu=[^;]+);)?[isgb]=.+$/, {
      error: 'expected an OPC UA node id such as "nsu=urn:example;s=Zone1.Mode" or "ns=1;i=1001"',
    }),
});
export type OpcuaAddress = z.output<typeof opcuaAddressSchema>;

const pointCommon = {
  id: pointId,
  name: nonEmptyText.optional(),
  kind: pointKind,
  type: dataType,
  unit: z.string().optional(),
  /** Integer values that stand for named states (the cabinet selector: 0 auto, 1 forced, 2 off). */
  states: z.record(z.string().regex(/^-?\d+$/, { error: 'expected an integer key' }), nonEmptyText).optional(),
  /** Numeric points: the values the equipment accepts, `{ min, max }` inclusive; a write outside is refused unsent. */
  range: z
    .strictObject({ min: z.number({ error: 'expected a number' }), max: z.number({ error: 'expected a number' }) })
    .refine((range) => range.min <= range.max, { error: 'expected min ≤ max' })
    .optional(),
  /** String points: the only values the equipment accepts (a heating zone's mode: comfort, eco, frost). */
  values: z.array(nonEmptyText).min(1, { error: 'expected at least one value' }).optional(),
  /** The feedback point that confirms a command (verified writes read it back). */
  feedback: pointId.optional(),
  /** Poll period; defaults to the profile's. */
  period: duration(50, 86_400_000).optional(),
  /** What the point is for (`eclairage-voirie`, `cloches`…); a syndicate's templates target outputs by tag. */
  tags: tagList.optional(),
  /**
   * A cumulative counter (an energy meter's kWh index): only its last reading matters, its energy is the increase
   * between readings, and a reading lower than the one before is a reset or a replaced meter. Numeric measures only.
   */
  counter: z.boolean({ error: 'expected true or false' }).optional(),
};

const encoding = {
  byteOrder: byteOrder.optional(),
  wordOrder: byteOrder.optional(),
  /** Engineering value = raw × scale + offset. */
  scale: z
    .number({ error: 'expected a number' })
    .refine((s) => s !== 0, { error: 'expected a non-zero number' })
    .optional(),
  offset: z.number({ error: 'expected a number' }).optional(),
};

export const modbusPointSchema = z.strictObject({ ...pointCommon, ...encoding, address: modbusAddressSchema });
export type ModbusPointDefinition = z.output<typeof modbusPointSchema>;
export const opcuaPointSchema = z.strictObject({ ...pointCommon, address: opcuaAddressSchema });
export type OpcuaPointDefinition = z.output<typeof opcuaPointSchema>;

const profileCommon = {
  id: identifier,
  name: nonEmptyText,
  vendor: nonEmptyText.optional(),
  model: nonEmptyText.optional(),
  description: nonEmptyText.optional(),
};

const defaults = z.strictObject({
  period: duration(50, 86_400_000).default(1000),
  byteOrder: byteOrder.default('big'),
  wordOrder: byteOrder.default('big'),
});

type PointLike = {
  id: string;
  kind: z.output<typeof pointKind>;
  type: z.output<typeof dataType>;
  feedback?: string | undefined;
  counter?: boolean | undefined;
  range?: unknown;
  values?: unknown;
};

/**
 * Point ids unique, feedback references resolved to feedback points, `range` on numbers and `values` on strings,
 * `counter` on numeric measures.
 */
function checkPoints(points: readonly PointLike[], ctx: z.core.$RefinementCtx): void {
  const byId = new Map<string, PointLike>();
  points.forEach((point, index) => {
    if (byId.has(point.id)) {
      ctx.addIssue({ code: 'custom', path: ['points', index, 'id'], message: `duplicate point id "${point.id}"` });
    }
    byId.set(point.id, point);
    if (point.range !== undefined && (point.type === 'bool' || point.type === 'string')) {
      ctx.addIssue({ code: 'custom', path: ['points', index, 'range'], message: `a ${point.type} point has no range` });
    }
    if (point.values !== undefined && point.type !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['points', index, 'values'],
        message: `values list the texts a string point accepts; this point is ${point.type}`,
      });
    }
    if (point.counter === true && point.kind !== 'measure') {
      ctx.addIssue({
        code: 'custom',
        path: ['points', index, 'counter'],
        message: `a counter is a measure read from the equipment; this point is a ${point.kind} point`,
      });
    } else if (point.counter === true && (point.type === 'bool' || point.type === 'string')) {
      ctx.addIssue({
        code: 'custom',
        path: ['points', index, 'counter'],
        message: `a counter holds a number; this point is ${point.type}`,
      });
    }
  });
  points.forEach((point, index) => {
    if (point.feedback === undefined) return;
    const path = ['points', index, 'feedback'];
    const target = byId.get(point.feedback);
    if (!isWritableKind(point.kind)) {
      ctx.addIssue({ code: 'custom', path, message: `only command and setpoint points have a feedback` });
    } else if (!target) {
      ctx.addIssue({ code: 'custom', path, message: `unknown point "${point.feedback}"` });
    } else if (target.kind !== 'feedback' && target.kind !== 'measure') {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `"${point.feedback}" is a ${target.kind} point, expected feedback`,
      });
    }
  });
}

function checkModbusPoint(point: ModbusPointDefinition, index: number, ctx: z.core.$RefinementCtx): void {
  const path = ['points', index, 'address'];
  const { table, address, bit, length } = point.address;
  if (isBitTable(table) && point.type !== 'bool') {
    ctx.addIssue({ code: 'custom', path: [...path, 'table'], message: `a ${table} holds bool, not ${point.type}` });
  }
  if (!isBitTable(table) && point.type === 'bool' && bit === undefined) {
    ctx.addIssue({ code: 'custom', path: [...path, 'bit'], message: `a bool in a ${table} needs its bit 0..15` });
  }
  if (bit !== undefined && (isBitTable(table) || point.type !== 'bool')) {
    ctx.addIssue({ code: 'custom', path: [...path, 'bit'], message: 'bit applies only to a bool in a register' });
  }
  if ((point.type === 'string') !== (length !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'length'],
      message: 'length is required for string and only for it',
    });
  }
  const last = address + (isBitTable(table) ? 1 : registerCount(point.type, length)) - 1;
  if (address <= 65535 && last > 65535) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'address'],
      message: `${point.type} at ${address} ends at ${last}, beyond the last address 65535`,
    });
  }
  if (isWritableKind(point.kind) && !isWritableTable(table)) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'table'],
      message: `a ${point.kind} point must be in a writable table (coil | holding-register), got ${table}`,
    });
  }
}

// Read planning of a Modbus profile: how far the gateway may join this equipment's points into one request.

/** A range of addresses, `from` to `to` inclusive, that the equipment does not have. */
export const noBridgeRangeSchema = z.strictObject({
  table: z.enum(MODBUS_TABLES, { error: `expected one of ${MODBUS_TABLES.join(' | ')}` }),
  from: intIn(0, 65535),
  to: intIn(0, 65535),
});
export type NoBridgeRange = z.output<typeof noBridgeRangeSchema>;

export const readPlanSchema = z.strictObject({
  /**
   * Most unused addresses (registers, or bits in coils and discrete inputs) read to join two points of this
   * equipment; 0 joins only neighbours. The bus's `maxReadGap` still applies when it is smaller.
   */
  maxGap: intIn(0, 2000).optional(),
  /** Addresses the equipment does not have: no request reads across them. */
  noBridge: z.array(noBridgeRangeSchema).default([]),
});
export type ReadPlanRules = z.output<typeof readPlanSchema>;

/** Each range from ≤ to, and no point of the profile inside a range it says the equipment does not have. */
function checkReadPlan(
  profile: { readPlan?: ReadPlanRules; points: ModbusPointDefinition[] },
  ctx: z.core.$RefinementCtx,
): void {
  profile.readPlan?.noBridge.forEach((range, index) => {
    const path = ['readPlan', 'noBridge', index];
    if (range.from > range.to) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'to'],
        message: `expected ${range.from}..65535 (not before from)`,
      });
      return;
    }
    for (const point of profile.points) {
      const { table, address, length } = point.address;
      const last = address + (isBitTable(table) ? 1 : registerCount(point.type, length)) - 1;
      if (table === range.table && address <= range.to && last >= range.from) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `point "${point.id}" (${table} ${address}) lies in ${range.table} ${range.from}..${range.to}, which noBridge says the equipment does not have`,
        });
      }
    }
  });
}

/** Supervision: how fast the equipment confirms a command, and the alarm conditions declared on its points. */
const supervision = {
  /** How long the equipment takes to show a command on its feedback point (a contactor and its auxiliary contact). */
  feedbackDelay: duration(0, 600_000).default(1000),
  alarms: z.array(alarmConditionSchema).default([]),
};

type AlarmedPoint = PointLike & { type: DataType; states?: Record<string, string> | undefined };

/** Each alarm watches a point of the profile (one alarm per point) with a condition that fits the point's values. */
function checkAlarms(
  points: readonly AlarmedPoint[],
  alarms: readonly z.output<typeof alarmConditionSchema>[],
  ctx: z.core.$RefinementCtx,
): void {
  const byId = new Map(points.map((point) => [point.id, point]));
  const watched = new Map<string, number>();
  alarms.forEach((alarm, index) => {
    const point = byId.get(alarm.point);
    const earlier = watched.get(alarm.point);
    if (point === undefined) {
      ctx.addIssue({ code: 'custom', path: ['alarms', index, 'point'], message: `unknown point "${alarm.point}"` });
      return;
    }
    if (earlier !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['alarms', index, 'point'],
        message: `"${alarm.point}" already has an alarm (alarms[${earlier}]): one alarm per point`,
      });
    }
    watched.set(alarm.point, index);
    const problem = whenProblem(alarm.when, point);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['alarms', index, 'when'], message: problem });
  });
}

export const modbusProfileSchema = z
  .strictObject({
    ...profileCommon,
    protocol: z.literal('modbus'),
    /** How a scan recognises the device (docs/commissioning.md). */
    identification: modbusIdentificationSchema.optional(),
    defaults: defaults.prefault({}),
    points: z.array(modbusPointSchema).min(1, { error: 'expected at least one point' }),
    readPlan: readPlanSchema.optional(),
    ...supervision,
  })
  .superRefine((profile, ctx) => {
    checkPoints(profile.points, ctx);
    checkAlarms(profile.points, profile.alarms, ctx);
    profile.points.forEach((point, index) => {
      checkModbusPoint(point, index, ctx);
    });
    checkReadPlan(profile, ctx);
  });

export const opcuaProfileSchema = z
  .strictObject({
    ...profileCommon,
    protocol: z.literal('opcua'),
    identification: opcuaIdentificationSchema.optional(),
    defaults: defaults.prefault({}),
    points: z.array(opcuaPointSchema).min(1, { error: 'expected at least one point' }),
    ...supervision,
  })
  .superRefine((profile, ctx) => {
    checkPoints(profile.points, ctx);
    checkAlarms(profile.points, profile.alarms, ctx);
  });

/** An equipment profile (config/profiles/*.yaml): maps logical points to protocol addresses. */
export const profileSchema = z.discriminatedUnion('protocol', [modbusProfileSchema, opcuaProfileSchema], {
  error: 'expected protocol modbus | opcua',
});
export type Profile = z.output<typeof profileSchema>;
export type ModbusProfile = z.output<typeof modbusProfileSchema>;
export type OpcuaProfile = z.output<typeof opcuaProfileSchema>;
export type ProfileProtocol = Profile['protocol'];
