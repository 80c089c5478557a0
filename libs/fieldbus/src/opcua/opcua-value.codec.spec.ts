import type { DataType as PointType, PointScalar } from '@beffroi/domain';
import { DataType, DataValue, LocalizedText, StatusCodes, Variant, VariantArrayType } from 'node-opcua-client';
import { decodeVariant, encodeValue, sampleFromDataValue } from './opcua-value.codec';

const variant = (dataType: DataType, value: unknown) =>
  new Variant({ dataType, arrayType: VariantArrayType.Scalar, value });

describe('decodeVariant', () => {
  it.each<[string, Variant, PointType, PointScalar]>([
    ['Double as float64', variant(DataType.Double, 19.5), 'float64', 19.5],
    ['Float as float32', variant(DataType.Float, 0.5), 'float32', 0.5],
    ['Int32 as float64', variant(DataType.Int32, -7), 'float64', -7],
    ['Int16 as int16', variant(DataType.Int16, -32768), 'int16', -32768],
    ['Byte as uint16', variant(DataType.Byte, 255), 'uint16', 255],
    ['UInt32 as uint32', variant(DataType.UInt32, 4294967295), 'uint32', 4294967295],
    ['Int64 [high, low] as int64, negative', variant(DataType.Int64, [0xffffffff, 0xfffffffb]), 'int64', -5],
    ['UInt64 [high, low] as uint64', variant(DataType.UInt64, [1, 2]), 'uint64', 4294967298],
    ['Boolean as bool', variant(DataType.Boolean, true), 'bool', true],
    ['String as string', variant(DataType.String, 'eco'), 'string', 'eco'],
    [
      'LocalizedText as string',
      variant(DataType.LocalizedText, new LocalizedText({ text: 'Mairie' })),
      'string',
      'Mairie',
    ],
  ])('reads %s', (_, input, type, expected) => {
    expect(decodeVariant(input, type)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Variant, PointType, string]>([
    [
      'a String for a float64 point',
      variant(DataType.String, '19'),
      'float64',
      'expected float64, the server sent String',
    ],
    ['a Double for a bool point', variant(DataType.Double, 1), 'bool', 'expected bool, the server sent Double'],
    [
      'a Boolean for a string point',
      variant(DataType.Boolean, true),
      'string',
      'expected string, the server sent Boolean',
    ],
    [
      'a fraction for an int16 point',
      variant(DataType.Double, 3.5),
      'int16',
      'expected int16, the server sent Double 3.5',
    ],
    [
      'NaN for a float64 point',
      variant(DataType.Double, Number.NaN),
      'float64',
      'expected float64, the server sent Double NaN',
    ],
    ['an empty variant', new Variant(), 'float64', 'expected float64, the server sent Null'],
  ])('refuses %s', (_, input, type, reason) => {
    expect(decodeVariant(input, type)).toEqual({ ok: false, reason });
  });

  it('refuses an array where the point holds one value', () => {
    const array = new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] });
    expect(decodeVariant(array, 'float64')).toEqual({
      ok: false,
      reason: 'expected a scalar float64, the server sent an array of Double',
    });
  });
});

describe('encodeValue', () => {
  it.each<[PointType, PointScalar, DataType, unknown]>([
    ['bool', false, DataType.Boolean, false],
    ['int16', -32768, DataType.Int16, -32768],
    ['uint16', 65535, DataType.UInt16, 65535],
    ['int32', -2147483648, DataType.Int32, -2147483648],
    ['uint32', 4294967295, DataType.UInt32, 4294967295],
    ['int64', -1, DataType.Int64, [0xffffffff, 0xffffffff]],
    ['uint64', 2 ** 32 + 2, DataType.UInt64, [1, 2]],
    ['float32', 21.5, DataType.Float, 21.5],
    ['float64', 19.25, DataType.Double, 19.25],
    ['string', 'frost', DataType.String, 'frost'],
  ])('writes a %s point as %s', (type, value, dataType, wire) => {
    expect(encodeValue(value, type)).toEqual({
      ok: true,
      variant: { dataType, arrayType: VariantArrayType.Scalar, value: wire },
    });
  });

  it.each<[PointType, PointScalar, string]>([
    ['bool', 'true', 'expected true or false (bool), got "true"'],
    ['string', 3, 'expected text (string), got 3'],
    ['uint16', 65536, 'expected an integer 0..65535 (uint16), got 65536'],
    ['int16', 1.5, 'expected an integer -32768..32767 (int16), got 1.5'],
    ['uint64', -1, 'expected an integer 0..9007199254740991 (uint64), got -1'],
    ['float32', 1e39, '1e+39 is beyond the range of float32'],
    ['float64', Number.POSITIVE_INFINITY, 'expected a finite number (float64), got Infinity'],
  ])('refuses to write %s %j', (type, value, reason) => {
    expect(encodeValue(value, type)).toEqual({ ok: false, reason });
  });

  it.each<[PointType, PointScalar]>([
    ['int64', -9007199254740991],
    ['int64', 1234567890123],
    ['uint64', 9007199254740991],
    ['uint32', 3000000000],
    ['float64', -0.1],
    ['bool', true],
  ])('reads back what it writes: %s %j', (type, value) => {
    const encoded = encodeValue(value, type);
    if (!encoded.ok) throw new Error(encoded.reason);
    expect(decodeVariant(new Variant(encoded.variant), type)).toEqual({ ok: true, value });
  });
});

describe('sampleFromDataValue', () => {
  const receivedAt = new Date('2026-01-15T08:00:01Z');
  const sourceTimestamp = new Date('2026-01-15T08:00:00Z');

  it('gives a good sample observed at the source timestamp', () => {
    const dataValue = new DataValue({ value: variant(DataType.Double, 19), sourceTimestamp });
    expect(sampleFromDataValue('salle:zone.1.temperature', 'float64', dataValue, receivedAt)).toEqual({
      key: 'salle:zone.1.temperature',
      value: 19,
      quality: { status: 'good' },
      observedAt: sourceTimestamp,
      receivedAt,
    });
  });

  it.each([StatusCodes.BadNodeIdUnknown, StatusCodes.UncertainLastUsableValue])(
    'gives a bad sample named after the status code %s',
    (statusCode) => {
      const dataValue = new DataValue({ value: variant(DataType.Double, 19), statusCode });
      expect(sampleFromDataValue('k', 'float64', dataValue, receivedAt)).toEqual({
        key: 'k',
        value: null,
        quality: { status: 'bad', reason: statusCode.name },
        receivedAt,
      });
    },
  );

  it('gives a bad sample when a good value does not fit the point type', () => {
    const dataValue = new DataValue({ value: variant(DataType.String, 'warm') });
    expect(sampleFromDataValue('k', 'float64', dataValue, receivedAt).quality).toEqual({
      status: 'bad',
      reason: 'expected float64, the server sent String',
    });
  });
});

describe('points with states', () => {
  const modes = { '0': 'comfort', '1': 'eco', '2': 'frost' };

  it('reads the name of the state', () => {
    expect(decodeVariant(variant(DataType.Int32, 1), 'int32', modes)).toEqual({ ok: true, value: 'eco' });
    expect(decodeVariant(variant(DataType.Boolean, true), 'bool', { '0': 'off', '1': 'on' })).toEqual({
      ok: true,
      value: 'on',
    });
  });

  it('refuses a value that is no state', () => {
    expect(decodeVariant(variant(DataType.Int32, 7), 'int32', modes)).toEqual({ ok: false, reason: 'unknown state 7' });
  });

  it('writes a state by its name, as its integer in the wire type of the point', () => {
    expect(encodeValue('comfort', 'int32', modes)).toEqual({
      ok: true,
      variant: { dataType: DataType.Int32, arrayType: VariantArrayType.Scalar, value: 0 },
    });
    expect(encodeValue('on', 'bool', { '0': 'off', '1': 'on' })).toEqual({
      ok: true,
      variant: { dataType: DataType.Boolean, arrayType: VariantArrayType.Scalar, value: true },
    });
  });

  it('refuses a name that is no state, listing the states', () => {
    expect(encodeValue('hot', 'int32', modes)).toEqual({
      ok: false,
      reason: 'expected one of "comfort" | "eco" | "frost", got "hot"',
    });
    expect(encodeValue(1, 'int32', modes)).toEqual({
      ok: false,
      reason: 'expected one of "comfort" | "eco" | "frost", got 1',
    });
  });

  it('reads a state through a data value', () => {
    const dataValue = new DataValue({ value: variant(DataType.Int32, 2), statusCode: StatusCodes.Good });
    expect(sampleFromDataValue('heating:zone.1.mode', 'int32', dataValue, new Date(0), modes)).toMatchObject({
      value: 'frost',
      quality: { status: 'good' },
    });
  });
});
