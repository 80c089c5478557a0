/** A float32 as two registers, big-endian bytes, high word first ("ABCD"). */
export function float32Words(value: number): [number, number] {
  const buffer = Buffer.alloc(4);
  buffer.writeFloatBE(value);
  return [buffer.readUInt16BE(0), buffer.readUInt16BE(2)];
}

/** A uint32 counter as two registers, high word first; wraps at 2^32 like a real meter. */
export function uint32Words(value: number): [number, number] {
  const wrapped = value % 0x1_0000_0000;
  return [Math.floor(wrapped / 0x10000), wrapped % 0x10000];
}
