import type { ByteOrder, ModbusPointDefinition } from '@beffroi/domain';

/** How a value's bytes are spread over registers: byte order inside each register, order of the registers. */
export interface RegisterLayout {
  byteOrder: ByteOrder;
  wordOrder: ByteOrder;
}

/** Modbus Application Protocol V1.1b3 §4.2: big-endian bytes; most devices also send the high word first (ABCD). */
export const DEFAULT_REGISTER_LAYOUT: RegisterLayout = { byteOrder: 'big', wordOrder: 'big' };

/** Modbus Application Protocol V1.1b3 §4.3: a register is 16 bits, two bytes. */
export const BYTES_PER_REGISTER = 2;

/** The point's own byte and word order, else its profile's defaults. */
export function layoutOf(
  point: Pick<ModbusPointDefinition, 'byteOrder' | 'wordOrder'>,
  defaults: RegisterLayout,
): RegisterLayout {
  return { byteOrder: point.byteOrder ?? defaults.byteOrder, wordOrder: point.wordOrder ?? defaults.wordOrder };
}

/** The value's bytes, most significant first, from its registers as they came off the wire. */
export function registersToBytes(registers: readonly number[], layout: RegisterLayout): DataView {
  const view = new DataView(new ArrayBuffer(registers.length * BYTES_PER_REGISTER));
  const last = registers.length - 1;
  const littleBytes = layout.byteOrder === 'little';
  for (let index = 0; index <= last; index++) {
    const word = registers[layout.wordOrder === 'big' ? index : last - index] ?? 0;
    view.setUint16(index * BYTES_PER_REGISTER, word, littleBytes);
  }
  return view;
}

/** The registers to send for a value whose bytes are given most significant first. */
export function bytesToRegisters(view: DataView, layout: RegisterLayout): number[] {
  const words = Array.from({ length: view.byteLength / BYTES_PER_REGISTER }, (_, index) =>
    view.getUint16(index * BYTES_PER_REGISTER, layout.byteOrder === 'little'),
  );
  return layout.wordOrder === 'big' ? words : words.reverse();
}

/** A single register's value as big-endian 16 bits (byte order applied), without building a byte view. */
export function wordValue(register: number, byteOrder: ByteOrder): number {
  return byteOrder === 'big' ? register : ((register & 0xff) << 8) | (register >>> 8);
}
