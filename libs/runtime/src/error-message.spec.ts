import { messageOf } from './error-message';

describe('messageOf', () => {
  it("gives an Error's message", () => {
    expect(messageOf(new TypeError('port closed'))).toBe('port closed');
  });

  it('gives a thrown string or value as text, never "undefined"', () => {
    expect(messageOf('Timed out')).toBe('Timed out');
    expect(messageOf({ errno: -104, code: 'ECONNRESET' })).toBe('{"errno":-104,"code":"ECONNRESET"}');
    expect(messageOf(undefined)).toBe('undefined');
    expect(messageOf(42)).toBe('42');
  });

  it('gives a value that cannot be written as JSON as text', () => {
    const circular: { self?: unknown } = {};
    circular.self = circular;
    expect(messageOf(circular)).toBe('[object Object]');
    expect(messageOf(10n)).toBe('10');
  });
});
