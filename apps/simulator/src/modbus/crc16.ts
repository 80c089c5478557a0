/** Modbus RTU CRC-16 (polynomial 0xA001 reflected, initial 0xFFFF), as transmitted: low byte first. */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
  }
  return crc;
}

/** Appends the CRC (low byte first) to a unit + PDU frame. */
export function withCrc(frame: Buffer): Buffer {
  const crc = crc16(frame);
  return Buffer.concat([frame, Buffer.from([crc & 0xff, crc >>> 8])]);
}

/** True when the last two bytes are the CRC of the rest. */
export function hasValidCrc(frame: Buffer): boolean {
  if (frame.length < 4) return false;
  const expected = crc16(frame.subarray(0, frame.length - 2));
  return frame.readUInt16LE(frame.length - 2) === expected;
}
