import { z } from 'zod';

/** Logical point identifiers: `circuit.1.command`, `meter.l1.voltage`, `zone.2.mode`. */
export const pointId = z
  .string({ error: 'expected a point id such as "circuit.1.command"' })
  .regex(/^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$/, { error: 'expected a point id such as "circuit.1.command"' });

export const POINT_KINDS = ['command', 'feedback', 'measure', 'alarm', 'setpoint'] as const;
export const pointKind = z.enum(POINT_KINDS, { error: `expected one of ${POINT_KINDS.join(' | ')}` });
export type PointKind = z.output<typeof pointKind>;

/** Kinds a remote party may write. */
export function isWritableKind(kind: PointKind): boolean {
  switch (kind) {
    case 'command':
    case 'setpoint':
      return true;
    case 'feedback':
    case 'measure':
    case 'alarm':
      return false;
  }
}

/** Wire data types, shared by Modbus codecs and OPC UA built-in types. */
export const DATA_TYPES = [
  'bool',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  'string',
] as const;
export const dataType = z.enum(DATA_TYPES, { error: `expected one of ${DATA_TYPES.join(' | ')}` });
export type DataType = z.output<typeof dataType>;

export type PointScalar = boolean | number | string;

export const QUALITY_STATUSES = ['good', 'stale', 'bad'] as const;

/** How far a value can be trusted. `bad` always carries the reason (timeout, exception 02, bad CRC, offline...). */
export const qualitySchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('good') }),
  z.strictObject({ status: z.literal('stale'), reason: z.string().min(1) }),
  z.strictObject({ status: z.literal('bad'), reason: z.string().min(1) }),
]);
export type Quality = z.output<typeof qualitySchema>;

/** A point's value as the gateway knows it. Timestamps are ISO-8601 instants. */
export const pointValueSchema = z.strictObject({
  value: z.union([z.boolean(), z.number(), z.string(), z.null()]),
  quality: qualitySchema,
  /** When the equipment observed the value, if it says so (OPC UA source timestamp). */
  observedAt: z.iso.datetime({ offset: true }).optional(),
  /** When the gateway received it. */
  receivedAt: z.iso.datetime({ offset: true }),
});
export type PointValue = z.output<typeof pointValueSchema>;
