import type { DataType, ModbusPointDefinition, ModbusTable, PointScalar } from '@beffroi/domain';
import {
  type CodecResult,
  decodeModbusPoint,
  decodePlainRegister,
  encodeBitInRegister,
  encodeModbusPoint,
  type ModbusData,
  type ModbusWrite,
  plainRegisterOf,
} from './modbus-codec';
import type { RegisterLayout } from './register-layout';

function point(type: DataType, overrides: Partial<ModbusPointDefinition> = {}): ModbusPointDefinition {
  return {
    id: 'meter.value',
    kind: 'setpoint',
    type,
    address: { table: 'holding-register', address: 0 },
    ...overrides,
  };
}

function at(table: ModbusTable, extra: { bit?: number; length?: number } = {}): ModbusPointDefinition['address'] {
  return { table, address: 0, ...extra };
}

function good<T>(value: T): CodecResult<T> {
  return { ok: true, value };
}

function bad(reason: string): CodecResult<never> {
  return { ok: false, reason };
}

function registers(...words: number[]): CodecResult<ModbusWrite> {
  return good({ kind: 'registers', registers: words });
}

/** The 32-bit names of the four layouts; 64-bit values follow the same rule per register and for the word order. */
const LAYOUTS: Record<'ABCD' | 'CDAB' | 'BADC' | 'DCBA', RegisterLayout> = {
  ABCD: { byteOrder: 'big', wordOrder: 'big' },
  CDAB: { byteOrder: 'big', wordOrder: 'little' },
  BADC: { byteOrder: 'little', wordOrder: 'big' },
  DCBA: { byteOrder: 'little', wordOrder: 'little' },
};
type LayoutName = keyof typeof LAYOUTS;

/** Encodings written out by hand from two's complement and IEEE 754, one per type and layout. */
const GOLDEN: [DataType, number, LayoutName, number[]][] = [
  // int16 -12345 = 0xCFC7: the word order does not apply to one register.
  ['int16', -12345, 'ABCD', [0xcfc7]],
  ['int16', -12345, 'CDAB', [0xcfc7]],
  ['int16', -12345, 'BADC', [0xc7cf]],
  ['int16', -12345, 'DCBA', [0xc7cf]],
  // uint16 4660 = 0x1234
  ['uint16', 4660, 'ABCD', [0x1234]],
  ['uint16', 4660, 'CDAB', [0x1234]],
  ['uint16', 4660, 'BADC', [0x3412]],
  ['uint16', 4660, 'DCBA', [0x3412]],
  // int32 -123456789 = 0xF8A432EB
  ['int32', -123456789, 'ABCD', [0xf8a4, 0x32eb]],
  ['int32', -123456789, 'CDAB', [0x32eb, 0xf8a4]],
  ['int32', -123456789, 'BADC', [0xa4f8, 0xeb32]],
  ['int32', -123456789, 'DCBA', [0xeb32, 0xa4f8]],
  // uint32 3000000000 = 0xB2D05E00
  ['uint32', 3000000000, 'ABCD', [0xb2d0, 0x5e00]],
  ['uint32', 3000000000, 'CDAB', [0x5e00, 0xb2d0]],
  ['uint32', 3000000000, 'BADC', [0xd0b2, 0x005e]],
  ['uint32', 3000000000, 'DCBA', [0x005e, 0xd0b2]],
  // int64 -4822678189205111 = 0xFFEEDDCCBBAA9989 (ABCDEFGH, GHEFCDAB, BADCFEHG, HGFEDCBA)
  ['int64', -4822678189205111, 'ABCD', [0xffee, 0xddcc, 0xbbaa, 0x9989]],
  ['int64', -4822678189205111, 'CDAB', [0x9989, 0xbbaa, 0xddcc, 0xffee]],
  ['int64', -4822678189205111, 'BADC', [0xeeff, 0xccdd, 0xaabb, 0x8999]],
  ['int64', -4822678189205111, 'DCBA', [0x8999, 0xaabb, 0xccdd, 0xeeff]],
  // uint64 4822678189205111 = 0x0011223344556677
  ['uint64', 4822678189205111, 'ABCD', [0x0011, 0x2233, 0x4455, 0x6677]],
  ['uint64', 4822678189205111, 'CDAB', [0x6677, 0x4455, 0x2233, 0x0011]],
  ['uint64', 4822678189205111, 'BADC', [0x1100, 0x3322, 0x5544, 0x7766]],
  ['uint64', 4822678189205111, 'DCBA', [0x7766, 0x5544, 0x3322, 0x1100]],
  // float32 123.456 = 0x42F6E979
  ['float32', 123.456, 'ABCD', [0x42f6, 0xe979]],
  ['float32', 123.456, 'CDAB', [0xe979, 0x42f6]],
  ['float32', 123.456, 'BADC', [0xf642, 0x79e9]],
  ['float32', 123.456, 'DCBA', [0x79e9, 0xf642]],
  // float64 123.456 = 0x405EDD2F1A9FBE77
  ['float64', 123.456, 'ABCD', [0x405e, 0xdd2f, 0x1a9f, 0xbe77]],
  ['float64', 123.456, 'CDAB', [0xbe77, 0x1a9f, 0xdd2f, 0x405e]],
  ['float64', 123.456, 'BADC', [0x5e40, 0x2fdd, 0x9f1a, 0x77be]],
  ['float64', 123.456, 'DCBA', [0x77be, 0x9f1a, 0x2fdd, 0x5e40]],
];

/** Extremes and signs, big-endian (ABCD). */
const EDGES: [DataType, number, number[]][] = [
  ['int16', -32768, [0x8000]],
  ['int16', 32767, [0x7fff]],
  ['int16', -1, [0xffff]],
  ['uint16', 65535, [0xffff]],
  ['int32', -2147483648, [0x8000, 0x0000]],
  ['int32', 2147483647, [0x7fff, 0xffff]],
  ['uint32', 4294967295, [0xffff, 0xffff]],
  ['int64', -1, [0xffff, 0xffff, 0xffff, 0xffff]],
  ['int64', Number.MAX_SAFE_INTEGER, [0x001f, 0xffff, 0xffff, 0xffff]],
  ['int64', -Number.MAX_SAFE_INTEGER, [0xffe0, 0x0000, 0x0000, 0x0001]],
  ['uint64', Number.MAX_SAFE_INTEGER, [0x001f, 0xffff, 0xffff, 0xffff]],
  ['float32', 0, [0x0000, 0x0000]],
  ['float32', 1, [0x3f80, 0x0000]],
  ['float32', -1.5, [0xbfc0, 0x0000]],
  ['float64', -0.1, [0xbfb9, 0x9999, 0x9999, 0x999a]],
];

/** Values that survive encode then decode unchanged, in every layout. */
const ROUND_TRIPS: [DataType, number[]][] = [
  ['int16', [-32768, -256, -1, 0, 1, 255, 256, 32767]],
  ['uint16', [0, 1, 255, 256, 65535]],
  ['int32', [-2147483648, -65536, -1, 0, 65535, 65536, 2147483647]],
  ['uint32', [0, 65535, 65536, 4294967295]],
  ['int64', [-Number.MAX_SAFE_INTEGER, -4294967296, -1, 0, 4294967296, Number.MAX_SAFE_INTEGER]],
  ['uint64', [0, 65536, 4294967296, Number.MAX_SAFE_INTEGER]],
  ['float32', [0, -0.5, 3.14, 1e-7, -65504, 3.4e38]],
  ['float64', [0, -0.1, Math.PI, 1e-300, Number.MAX_VALUE, -Number.MIN_VALUE]],
];

describe('Modbus codec', () => {
  describe.each(GOLDEN)('%s %p in %s', (type, value, layout, words) => {
    const definition = point(type, LAYOUTS[layout]);

    it('decodes the golden registers', () => {
      expect(decodeModbusPoint(definition, words)).toEqual(good(value));
    });

    it('encodes to the golden registers', () => {
      expect(encodeModbusPoint(definition, value)).toEqual(registers(...words));
    });

    it('takes the layout from the profile defaults when the point has none', () => {
      expect(decodeModbusPoint(point(type), words, LAYOUTS[layout])).toEqual(good(value));
      expect(encodeModbusPoint(point(type), value, LAYOUTS[layout])).toEqual(registers(...words));
    });
  });

  describe.each(Object.keys(LAYOUTS) as LayoutName[])('round trips in %s', (layout) => {
    it.each(ROUND_TRIPS)('%s %j', (type, values) => {
      const definition = point(type, LAYOUTS[layout]);
      for (const value of values) {
        const encoded = encodeModbusPoint(definition, value);
        const words = encoded.ok && encoded.value.kind === 'registers' ? encoded.value.registers : [];
        expect(decodeModbusPoint(definition, words)).toEqual(good(value));
      }
    });
  });

  it.each(EDGES)('%s %p is %j and back', (type, value, words) => {
    expect(encodeModbusPoint(point(type), value)).toEqual(registers(...words));
    expect(decodeModbusPoint(point(type), words)).toEqual(good(value));
  });

  it("prefers the point's own byte and word order to the profile defaults", () => {
    const definition = point('float32', { byteOrder: 'big', wordOrder: 'little' });
    expect(decodeModbusPoint(definition, [0xe979, 0x42f6], LAYOUTS.DCBA)).toEqual(good(123.456));
  });

  describe('float', () => {
    it.each<[DataType, number[], string]>([
      ['float32', [0x7fc0, 0x0000], 'not a number (NaN)'],
      ['float32', [0x7f80, 0x0000], 'not a number (Infinity)'],
      ['float32', [0xff80, 0x0000], 'not a number (-Infinity)'],
      ['float64', [0x7ff8, 0x0000, 0x0000, 0x0000], 'not a number (NaN)'],
      ['float64', [0xfff0, 0x0000, 0x0000, 0x0000], 'not a number (-Infinity)'],
    ])('%s %j is bad: %s', (type, words, reason) => {
      expect(decodeModbusPoint(point(type), words)).toEqual(bad(reason));
    });

    it('reads a float32 as the shortest decimal of that binary32', () => {
      // 0.1 is 0x3DCCCCCD, exactly 0.100000001490116119384765625.
      expect(decodeModbusPoint(point('float32'), [0x3dcc, 0xcccd])).toEqual(good(0.1));
      // 16777217 has no binary32: it becomes 16777216 (0x4B800000), which reads back as such.
      expect(encodeModbusPoint(point('float32'), 16777217)).toEqual(registers(0x4b80, 0x0000));
      expect(decodeModbusPoint(point('float32'), [0x4b80, 0x0000])).toEqual(good(16777216));
    });

    it.each<[DataType, number, string]>([
      [
        'float32',
        1e39,
        'point "meter.value": 1e+39 is outside -3.4028234663852886e+38..3.4028234663852886e+38 (float32)',
      ],
      [
        'float64',
        -1e301,
        'point "meter.value": -1e+301 is outside -1.79769313486232e+300..1.79769313486232e+300 (float64, scale 1e-8)',
      ],
    ])('refuses %s %p beyond the type', (type, value, reason) => {
      const scale = type === 'float64' ? { scale: 1e-8 } : {};
      expect(encodeModbusPoint(point(type, scale), value)).toEqual(bad(reason));
    });
  });

  describe('64-bit integers beyond ±(2^53 − 1)', () => {
    it.each<[DataType, number[], string]>([
      ['int64', [0x0020, 0x0000, 0x0000, 0x0000], 'int64 9007199254740992'],
      ['int64', [0xffe0, 0x0000, 0x0000, 0x0000], 'int64 -9007199254740992'],
      ['int64', [0x7fff, 0xffff, 0xffff, 0xffff], 'int64 9223372036854775807'],
      ['uint64', [0xffff, 0xffff, 0xffff, 0xffff], 'uint64 18446744073709551615'],
    ])('%s %j is bad, never rounded', (type, words, value) => {
      expect(decodeModbusPoint(point(type), words)).toEqual(
        bad(`${value} is beyond ±9007199254740991, the largest integer a number holds exactly`),
      );
    });

    it('refuses to write one', () => {
      expect(encodeModbusPoint(point('uint64'), 2 ** 53)).toEqual(
        bad('point "meter.value": 9007199254740992 is outside 0..9007199254740991 (uint64)'),
      );
    });
  });

  describe('scale and offset', () => {
    it.each<[DataType, Partial<ModbusPointDefinition>, number[], number]>([
      ['int16', { scale: 0.1 }, [2301], 230.1],
      ['int16', { scale: 0.01 }, [0xff85], -1.23],
      ['uint16', { scale: 0.5, offset: -40 }, [130], 25],
      ['uint32', { scale: 0.001 }, [0x0001, 0xe240], 123.456],
      ['int16', { scale: -2 }, [5], -10],
      ['float32', { scale: 1000 }, [0x3fc0, 0x0000], 1500],
      ['int64', { scale: 0.001, offset: 1 }, [0x0000, 0x0000, 0x0000, 0x0bb8], 4],
    ])('%s %j: %j is %p and back', (type, scaling, words, value) => {
      expect(decodeModbusPoint(point(type, scaling), words)).toEqual(good(value));
      expect(encodeModbusPoint(point(type, scaling), value)).toEqual(registers(...words));
    });

    it.each<[DataType, Partial<ModbusPointDefinition>, number, number[]]>([
      ['int16', {}, 2.5, [3]],
      ['int16', {}, -2.5, [0xfffd]],
      ['int16', {}, 2.49, [2]],
      ['uint16', { scale: 0.1 }, 230.14, [2301]],
      ['int32', { scale: 10 }, 15, [0x0000, 0x0002]],
    ])('rounds %s %j %p half away from zero to %j', (type, scaling, value, words) => {
      expect(encodeModbusPoint(point(type, scaling), value)).toEqual(registers(...words));
    });

    it.each<[DataType, Partial<ModbusPointDefinition>, number, string]>([
      ['int16', { scale: 0.1 }, 3276.8, '3276.8 is outside -3276.8..3276.7 (int16, scale 0.1)'],
      ['int16', { scale: 0.1 }, -3276.9, '-3276.9 is outside -3276.8..3276.7 (int16, scale 0.1)'],
      ['uint16', { offset: -40 }, -41, '-41 is outside -40..65495 (uint16, offset -40)'],
      ['int16', { scale: -1 }, 32769, '32769 is outside -32767..32768 (int16, scale -1)'],
      ['int32', {}, 2 ** 31, '2147483648 is outside -2147483648..2147483647 (int32)'],
      ['uint32', {}, -1, '-1 is outside 0..4294967295 (uint32)'],
    ])('refuses %s %j %p out of range', (type, scaling, value, reason) => {
      expect(encodeModbusPoint(point(type, scaling), value)).toEqual(bad(`point "meter.value": ${reason}`));
    });

    it('accepts the value that rounds onto the end of the range', () => {
      expect(encodeModbusPoint(point('int16', { scale: 0.1 }), 3276.74)).toEqual(registers(0x7fff));
    });
  });

  describe('bool', () => {
    it.each<[ModbusTable, boolean]>([
      ['coil', true],
      ['coil', false],
      ['discrete-input', true],
      ['discrete-input', false],
    ])('is the bit itself in a %s: %p', (table, value) => {
      const definition = point('bool', { address: at(table) });
      expect(decodeModbusPoint(definition, [value])).toEqual(good(value));
      expect(encodeModbusPoint(definition, value)).toEqual(good({ kind: 'bits', bits: [value] }));
    });

    it.each<[number, number, boolean]>([
      [0, 0x0001, true],
      [0, 0xfffe, false],
      [3, 0x0008, true],
      [3, 0xfff7, false],
      [8, 0x0100, true],
      [15, 0x8000, true],
      [15, 0x7fff, false],
    ])('reads bit %i of register %j as %p', (bit, word, value) => {
      expect(decodeModbusPoint(point('bool', { address: at('holding-register', { bit }) }), [word])).toEqual(
        good(value),
      );
    });

    it('numbers bits on the register as transmitted, whatever the byte order', () => {
      const definition = point('bool', { address: at('input-register', { bit: 0 }), byteOrder: 'little' });
      expect(decodeModbusPoint(definition, [0x0001])).toEqual(good(true));
    });

    it('asks for a read-modify-write of a bit in a register', () => {
      const definition = point('bool', { address: at('holding-register', { bit: 5 }) });
      expect(encodeModbusPoint(definition, true)).toEqual(good({ kind: 'bit-in-register', bit: 5, value: true }));
    });

    it.each<[number, number, boolean, number]>([
      [0x00f0, 0, true, 0x00f1],
      [0x00f1, 0, false, 0x00f0],
      [0x0008, 3, true, 0x0008],
      [0x0000, 3, false, 0x0000],
      [0xffff, 15, false, 0x7fff],
      [0x0000, 15, true, 0x8000],
    ])('sets bit in register %j: bit %i to %p gives %j', (current, bit, value, expected) => {
      expect(encodeBitInRegister(current, bit, value)).toBe(expected);
    });

    it.each<[number, number, string]>([
      [0x10000, 0, 'expected a register value 0..65535, got 65536'],
      [-1, 0, 'expected a register value 0..65535, got -1'],
      [0, 16, 'expected a bit 0..15, got 16'],
      [0, 1.5, 'expected a bit 0..15, got 1.5'],
    ])('refuses register %p bit %p', (current, bit, message) => {
      expect(() => encodeBitInRegister(current, bit, true)).toThrow(new RangeError(message));
    });

    it('refuses anything but a boolean', () => {
      expect(encodeModbusPoint(point('bool', { address: at('coil') }), 1)).toEqual(
        bad('point "meter.value": expected a boolean, got number 1'),
      );
      expect(encodeModbusPoint(point('bool', { address: at('coil') }), 'true')).toEqual(
        bad('point "meter.value": expected a boolean, got string "true"'),
      );
    });
  });

  describe('string', () => {
    const text = (length: number, overrides: Partial<ModbusPointDefinition> = {}): ModbusPointDefinition =>
      point('string', { address: at('holding-register', { length }), ...overrides });

    it.each<[number, Partial<ModbusPointDefinition>, string, number[]]>([
      [1, {}, 'AB', [0x4142]],
      [1, { byteOrder: 'little' }, 'AB', [0x4241]],
      [2, { wordOrder: 'little' }, 'ABCD', [0x4142, 0x4344]],
      [4, {}, 'Beffroi', [0x4265, 0x6666, 0x726f, 0x6900]],
      [3, {}, 'Été', [0xc974, 0xe900, 0x0000]],
      [2, {}, '', [0x0000, 0x0000]],
    ])('length %i %j: %p is %j and back', (length, layout, value, words) => {
      expect(encodeModbusPoint(text(length, layout), value)).toEqual(registers(...words));
      expect(decodeModbusPoint(text(length, layout), words)).toEqual(good(value));
    });

    it('round trips every Latin-1 character from 0x21 to 0xFF', () => {
      const latin1 = Array.from({ length: 0xff - 0x20 }, (_, index) => String.fromCharCode(0x21 + index)).join('');
      for (const byteOrder of ['big', 'little'] as const) {
        const definition = text(112, { byteOrder });
        const encoded = encodeModbusPoint(definition, latin1);
        const words = encoded.ok && encoded.value.kind === 'registers' ? encoded.value.registers : [];
        expect(decodeModbusPoint(definition, words)).toEqual(good(latin1));
      }
    });

    it.each<[number[], string]>([
      [[0x4142, 0x2020], 'AB'],
      [[0x4120, 0x0000], 'A'],
      [[0x2041, 0x2000], ' A'],
      [[0x4100, 0x4344], 'A'],
    ])('decodes %j to %p: ends at the first NUL, trailing spaces trimmed', (words, value) => {
      expect(decodeModbusPoint(text(2), words)).toEqual(good(value));
    });

    it.each<[PointScalar, string]>([
      ['ABCDE', '"ABCDE" is longer than 4 characters'],
      ['20 €', 'character "€" is not Latin-1 (ISO 8859-1)'],
      ['A\0B', 'a string cannot hold a NUL character (it ends the string)'],
      [42, 'expected a string, got number 42'],
    ])('refuses %p', (value, reason) => {
      expect(encodeModbusPoint(text(2), value)).toEqual(bad(`point "meter.value": ${reason}`));
    });
  });

  describe('states', () => {
    const selector = point('uint16', { states: { '0': 'auto', '1': 'forced', '2': 'off' } });

    it.each<[number, string]>([
      [0, 'auto'],
      [1, 'forced'],
      [2, 'off'],
    ])('maps %i to %p and back', (raw, label) => {
      expect(decodeModbusPoint(selector, [raw])).toEqual(good(label));
      expect(encodeModbusPoint(selector, label)).toEqual(registers(raw));
    });

    it('reads an unknown state as bad', () => {
      expect(decodeModbusPoint(selector, [7])).toEqual(bad('unknown state 7'));
    });

    it.each<[PointScalar, string]>([
      ['manual', 'string "manual"'],
      [2, 'number 2'],
    ])('refuses %p', (value, got) => {
      expect(encodeModbusPoint(selector, value)).toEqual(
        bad(`point "meter.value": expected one of "auto" | "forced" | "off", got ${got}`),
      );
    });

    it('maps negative states and applies them after scaling', () => {
      const definition = point('int16', { scale: 10, states: { '-10': 'reverse', '10': 'forward' } });
      expect(decodeModbusPoint(definition, [0xffff])).toEqual(good('reverse'));
      expect(encodeModbusPoint(definition, 'forward')).toEqual(registers(1));
    });

    it('labels a bool as 0 and 1', () => {
      const alarm = point('bool', { address: at('discrete-input'), states: { '0': 'normal', '1': 'alarm' } });
      expect(decodeModbusPoint(alarm, [true])).toEqual(good('alarm'));
      expect(encodeModbusPoint(alarm, 'normal')).toEqual(good({ kind: 'bits', bits: [false] }));
    });

    it('refuses a bool state that is neither 0 nor 1', () => {
      const odd = point('bool', { address: at('coil'), states: { '2': 'odd' } });
      expect(encodeModbusPoint(odd, 'odd')).toEqual(bad('point "meter.value": state 2 of a bool must be 0 or 1'));
      expect(decodeModbusPoint(odd, [false])).toEqual(bad('unknown state 0'));
    });
  });

  describe('malformed data', () => {
    it.each<[ModbusPointDefinition, ModbusData, string]>([
      [point('int32'), [0x0001], 'expected 2 registers, got 1'],
      [point('uint16'), [0x0001, 0x0002], 'expected 1 register, got 2'],
      [point('uint16'), [70000], 'expected register values 0..65535, got 70000'],
      [point('uint16'), [1.5], 'expected register values 0..65535, got 1.5'],
      [point('uint16'), [true], 'expected register values 0..65535, got true'],
      [point('bool', { address: at('coil') }), [], 'expected 1 bit, got []'],
      [point('bool', { address: at('coil') }), [1], 'expected 1 bit, got [1]'],
      [point('bool', { address: at('coil') }), [true, false], 'expected 1 bit, got [true,false]'],
      [point('bool'), [1], 'a bool in a register needs its bit 0..15'],
    ])('%#: %j is bad', (definition, data, reason) => {
      expect(decodeModbusPoint(definition, data)).toEqual(bad(reason));
    });
  });

  describe('value types', () => {
    it.each<[DataType, PointScalar, string]>([
      ['int16', '12', 'expected a finite number, got string "12"'],
      ['uint32', true, 'expected a finite number, got boolean true'],
      ['float32', Number.NaN, 'expected a finite number, got number NaN'],
      ['float64', Number.POSITIVE_INFINITY, 'expected a finite number, got number Infinity'],
    ])('%s refuses %p', (type, value, reason) => {
      expect(encodeModbusPoint(point(type), value)).toEqual(bad(`point "meter.value": ${reason}`));
    });
  });
});

describe('plain registers', () => {
  it.each([
    ['int16', 'big'],
    ['int16', 'little'],
    ['uint16', 'big'],
    ['uint16', 'little'],
  ] as const)('decode a %s (%s-endian bytes) as decodeModbusPoint does', (type, byteOrder) => {
    const definition = point(type, { byteOrder });
    const plain = plainRegisterOf(definition);
    expect(plain).toBeDefined();
    for (const register of [0, 1, 0x00ff, 0x1234, 0x7fff, 0x8000, 0xcfc7, 0xffff]) {
      expect(good(decodePlainRegister(plain!, register))).toEqual(decodeModbusPoint(definition, [register]));
    }
  });

  it('leave what is not a register value to decodeModbusPoint', () => {
    const plain = plainRegisterOf(point('uint16'))!;
    for (const wrong of [-1, 0x10000, 1.5, true, undefined]) expect(decodePlainRegister(plain, wrong)).toBeUndefined();
  });

  it('are only the 16-bit integers without scale, offset or states', () => {
    expect(plainRegisterOf(point('int16', { scale: 0.1 }))).toBeUndefined();
    expect(plainRegisterOf(point('uint16', { offset: -40 }))).toBeUndefined();
    expect(plainRegisterOf(point('uint16', { states: { '0': 'off', '1': 'on' } }))).toBeUndefined();
    expect(plainRegisterOf(point('int32'))).toBeUndefined();
    expect(plainRegisterOf(point('uint16', { scale: 1, offset: 0 }))).toBeDefined();
  });
});
