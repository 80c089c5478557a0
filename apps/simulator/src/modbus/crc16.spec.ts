import { crc16, hasValidCrc, withCrc } from './crc16';

describe('crc16', () => {
  it.each([
    ['read holding registers unit 1', '01030000000a', 0xcdc5],
    ['read coils unit 17', '110100130025', 0x840e],
  ])('matches the golden value for %s', (_name, hex, expected) => {
    expect(crc16(Buffer.from(hex, 'hex'))).toBe(expected);
  });

  it('frames and verifies', () => {
    const frame = withCrc(Buffer.from('01030000000a', 'hex'));
    expect(frame.toString('hex')).toBe('01030000000ac5cd');
    expect(hasValidCrc(frame)).toBe(true);
    frame[2] = 0xff;
    expect(hasValidCrc(frame)).toBe(false);
  });
});
