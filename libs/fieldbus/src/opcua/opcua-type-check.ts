import { isWritableKind, type OpcuaPointDefinition } from '@beffroi/domain';
import { DataType, type NodeId } from 'node-opcua-client';
import { OPCUA_WIRE_TYPES } from './opcua-value.codec';

/** The built-in types by the numeric id of their DataType node (Boolean is i=1 … DiagnosticInfo is i=25). */
const BUILT_IN_TYPES: ReadonlyMap<number, DataType> = new Map(
  Object.values(DataType)
    .filter((type): type is DataType => typeof type === 'number' && type !== DataType.Null)
    .map((type) => [type, type]),
);

/** Standard subtypes of built-in types a node may name as its DataType (OPC UA Part 3 §8 and Part 6 §5.1.2). */
const STANDARD_SUBTYPES: ReadonlyMap<number, DataType> = new Map([
  [290, DataType.Double], // Duration
  [294, DataType.DateTime], // UtcTime
  [295, DataType.String], // LocaleId
  [12_878, DataType.String], // NormalizedString
  [12_879, DataType.String], // DecimalString
]);

/**
 * The built-in type behind a node's DataType, when it is one this check knows; undefined otherwise (an enumeration,
 * a vendor type).
 */
export function builtInTypeOf(dataType: NodeId): DataType | undefined {
  const id = dataType.value;
  if (dataType.namespace !== 0 || typeof id !== 'number') return undefined;
  return BUILT_IN_TYPES.get(id) ?? STANDARD_SUBTYPES.get(id);
}

/**
 * Why a point cannot live on a node of this DataType, or undefined when it can (or the DataType is not a built-in type
 * this check knows). The point is written with {@link OPCUA_WIRE_TYPES}, which the node's type must be; a read-only
 * `string` point may also read a LocalizedText.
 */
export function typeMismatch(point: Pick<OpcuaPointDefinition, 'type' | 'kind'>, dataType: NodeId): string | undefined {
  const actual = builtInTypeOf(dataType);
  const expected = OPCUA_WIRE_TYPES[point.type];
  if (actual === undefined || actual === expected) return undefined;
  if (point.type === 'string' && actual === DataType.LocalizedText && !isWritableKind(point.kind)) return undefined;
  return `declared ${point.type} (${DataType[expected]}), the node's DataType is ${DataType[actual]}`;
}
