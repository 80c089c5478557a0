/** A Modbus answer that cannot be what was asked: names the frame and what is wrong with it. */
export class ModbusFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModbusFrameError';
  }
}

/** Modbus RTU CRC-16 (polynomial 0xA001 reflected, initial 0xFFFF), as transmitted: low byte first. */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** An RTU frame: unit, PDU, CRC (low byte first). */
export function rtuFrame(unit: number, pdu: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([unit]), pdu]);
  const crc = crc16(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >>> 8])]);
}

/** A response PDU is at most 253 bytes (a 256-byte RTU frame less unit and CRC). */
export const MAX_PDU = 253;

/**
 * Length of the response PDU that starts `pdu` (function code first), from its first bytes: a number once known,
 * undefined while more bytes are needed. Throws {@link ModbusFrameError} for a function code no request of ours
 * gets back, or a length beyond 253 bytes.
 */
export function responsePduLength(pdu: Buffer): number | undefined {
  const fc = pdu[0];
  if (fc === undefined) return undefined;
  if (fc & 0x80) return 2;
  let length: number | undefined;
  switch (fc) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04: {
      const byteCount = pdu[1];
      length = byteCount === undefined ? undefined : 2 + byteCount;
      break;
    }
    case 0x05:
    case 0x06:
    case 0x0f:
    case 0x10:
      return 5;
    case 0x2b:
      length = identificationLength(pdu);
      break;
    default:
      throw new ModbusFrameError(`answer with function code 0x${fc.toString(16).padStart(2, '0')}, not one we asked`);
  }
  if (length !== undefined && length > MAX_PDU) {
    throw new ModbusFrameError(
      `answer of function 0x${fc.toString(16)} says ${length} bytes, beyond the 253 a PDU holds`,
    );
  }
  return length;
}

/** Header (7 bytes) then per object id, length and text: known once every object's length byte arrived. */
function identificationLength(pdu: Buffer): number | undefined {
  const count = pdu[6];
  if (count === undefined) return undefined;
  let at = 7;
  for (let i = 0; i < count; i++) {
    const length = pdu[at + 1];
    if (length === undefined) return undefined;
    at += 2 + length;
    if (at > MAX_PDU) return at;
  }
  return at;
}
