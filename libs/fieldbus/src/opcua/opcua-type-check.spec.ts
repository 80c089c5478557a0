import { coerceNodeId, DataType } from 'node-opcua-client';
import { builtInTypeOf, typeMismatch } from './opcua-type-check';

const builtIn = (type: DataType) => coerceNodeId(`i=${type}`);

describe("a point's declared type against its node's DataType", () => {
  it.each([
    ['float64', DataType.Double],
    ['float32', DataType.Float],
    ['int32', DataType.Int32],
    ['uint16', DataType.UInt16],
    ['bool', DataType.Boolean],
    ['string', DataType.String],
  ] as const)('accepts %s on %s', (type, dataType) => {
    expect(typeMismatch({ type, kind: 'setpoint' }, builtIn(dataType))).toBeUndefined();
  });

  it('flags float32 on an Int32 node, naming both', () => {
    expect(typeMismatch({ type: 'float32', kind: 'setpoint' }, builtIn(DataType.Int32))).toBe(
      "declared float32 (Float), the node's DataType is Int32",
    );
  });

  it('flags float32 on a Double node: a write would send a Float the server refuses', () => {
    expect(typeMismatch({ type: 'float32', kind: 'measure' }, builtIn(DataType.Double))).toBe(
      "declared float32 (Float), the node's DataType is Double",
    );
  });

  it('reads a LocalizedText as a string, but does not write one', () => {
    expect(typeMismatch({ type: 'string', kind: 'measure' }, builtIn(DataType.LocalizedText))).toBeUndefined();
    expect(typeMismatch({ type: 'string', kind: 'setpoint' }, builtIn(DataType.LocalizedText))).toBe(
      "declared string (String), the node's DataType is LocalizedText",
    );
  });

  it('knows the standard subtypes it may meet (Duration is a Double)', () => {
    expect(builtInTypeOf(coerceNodeId('i=290'))).toBe(DataType.Double);
    expect(typeMismatch({ type: 'float64', kind: 'setpoint' }, coerceNodeId('i=290'))).toBeUndefined();
  });

  it('leaves alone a DataType it cannot tell (an enumeration, a vendor type)', () => {
    expect(typeMismatch({ type: 'int32', kind: 'setpoint' }, coerceNodeId('i=29'))).toBeUndefined();
    expect(typeMismatch({ type: 'float32', kind: 'setpoint' }, coerceNodeId('ns=2;i=3001'))).toBeUndefined();
  });
});
