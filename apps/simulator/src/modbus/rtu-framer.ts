import { hasValidCrc } from './crc16';
import { requestPduLength } from './modbus-pdu';

/** Unit id + PDU of one well-formed RTU request. */
export interface RtuRequest {
  unit: number;
  pdu: Buffer;
}

/**
 * Cuts a byte stream into RTU request frames. A frame is recognised by the length its function code implies and a
 * valid CRC; on a bad CRC one byte is skipped to resynchronise, and a silence on the line discards a partial frame.
 */
export class RtuFramer {
  private pending = Buffer.alloc(0);

  /** Adds received bytes; returns the complete requests they finish and counts the bytes discarded. */
  push(chunk: Buffer): { requests: RtuRequest[]; discarded: number } {
    this.pending = Buffer.concat([this.pending, chunk]);
    const requests: RtuRequest[] = [];
    let discarded = 0;
    for (;;) {
      const pduLength = requestPduLength(this.pending.subarray(1));
      if (pduLength === undefined || this.pending.length < 1 + pduLength + 2) break;
      const frame = this.pending.subarray(0, 1 + pduLength + 2);
      if (hasValidCrc(frame)) {
        requests.push({ unit: frame.readUInt8(0), pdu: Buffer.from(frame.subarray(1, 1 + pduLength)) });
        this.pending = this.pending.subarray(frame.length);
      } else {
        this.pending = this.pending.subarray(1);
        discarded++;
      }
    }
    return { requests, discarded };
  }

  /** The line went silent (t3.5): whatever is pending is not a frame. */
  silence(): number {
    const discarded = this.pending.length;
    this.pending = Buffer.alloc(0);
    return discarded;
  }
}
