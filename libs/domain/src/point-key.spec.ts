import { parsePointKey, pointKeyOf, splitPointKey } from './point-key';

describe('point keys', () => {
  it('takes apart what pointKeyOf puts together', () => {
    expect(pointKeyOf('armoire-1', 'circuit.1.command')).toBe('armoire-1:circuit.1.command');
    expect(parsePointKey('armoire-1:circuit.1.command')).toEqual({
      equipmentId: 'armoire-1',
      pointId: 'circuit.1.command',
    });
    expect(parsePointKey('chaudiere-mairie:zone.2')).toEqual({ equipmentId: 'chaudiere-mairie', pointId: 'zone.2' });
  });

  it.each(['', 'armoire-1', ':circuit.1', 'armoire-1:', 'armoire-1:circuit:1', ':'])('refuses %j', (key) => {
    expect(splitPointKey(key)).toBeUndefined();
    expect(() => parsePointKey(key)).toThrow(`expected a point key "equipmentId:pointId", got ${JSON.stringify(key)}`);
  });
});
