import { withCrc } from './crc16';
import { RtuFramer } from './rtu-framer';

const readHolding = withCrc(Buffer.from('01030000000a', 'hex'));
const writeMultiple = withCrc(Buffer.from('021000010002040001000a', 'hex'));

describe('RtuFramer', () => {
  it('cuts back-to-back frames arriving byte by byte', () => {
    const framer = new RtuFramer();
    const stream = Buffer.concat([readHolding, writeMultiple]);
    const requests = [...stream].flatMap((byte) => framer.push(Buffer.from([byte])).requests);
    expect(requests.map((r) => [r.unit, r.pdu.toString('hex')])).toEqual([
      [1, '030000000a'],
      [2, '1000010002040001000a'],
    ]);
  });

  it('resynchronises after garbage and a bad CRC', () => {
    const framer = new RtuFramer();
    const damaged = Buffer.from(readHolding);
    damaged[7] = (damaged[7] ?? 0) ^ 0xff;
    const { requests, discarded } = framer.push(Buffer.concat([Buffer.from([0xff, 0x00]), damaged, readHolding]));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.unit).toBe(1);
    expect(discarded).toBeGreaterThan(0);
  });

  it('discards a partial frame on line silence', () => {
    const framer = new RtuFramer();
    expect(framer.push(readHolding.subarray(0, 5)).requests).toEqual([]);
    expect(framer.silence()).toBe(5);
    expect(framer.push(readHolding).requests).toHaveLength(1);
  });
});
