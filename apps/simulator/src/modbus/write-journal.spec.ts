import { ManualClock } from '@beffroi/runtime';
import { BellController, BELL_MAP } from '../devices/bell-controller.device';
import { CABINET_MAP, LightingCabinet } from '../devices/lighting-cabinet.device';
import { WRITE_JOURNAL_SIZE } from './modbus-slave';

const clock = new ManualClock(Date.UTC(2027, 3, 1, 12, 0, 0));
const bells = () =>
  new BellController(
    { id: 'bells', kind: 'bell-controller', unit: 2, bells: 3, maxSwing: 180_000, strikePulse: 500 },
    clock,
  );
const cabinet = () =>
  new LightingCabinet(
    {
      id: 'cabinet',
      kind: 'lighting-cabinet',
      unit: 1,
      circuits: 4,
      feedbackDelay: 200,
      circuitLoadKw: [],
      nominalVoltage: 230,
      standbyW: 25,
    },
    clock,
  );

describe('the journal of accepted writes of a simulated Modbus device', () => {
  it('keeps every accepted coil and register write in order, one entry per address of a multiple write', () => {
    const device = cabinet();
    device.writeCoils(CABINET_MAP.coil.command + 1, [true, false]);
    device.writeRegisters(CABINET_MAP.holdingRegister.level + 3, [40]);
    device.writeCoils(CABINET_MAP.coil.command + 1, [true]);
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(device.writes()).toEqual({
      total: 4,
      writes: [
        { n: 1, at, table: 'coil', address: 1, value: true },
        { n: 2, at, table: 'coil', address: 2, value: false },
        { n: 3, at, table: 'holding-register', address: 3, value: 40 },
        { n: 4, at, table: 'coil', address: 1, value: true },
      ],
    });
  });

  it('leaves out what the device refused: an interlock, a value out of range, an address it does not have', () => {
    const belfry = bells();
    belfry.writeCoils(BELL_MAP.coil.swing, [true]);
    expect(() => belfry.writeCoils(BELL_MAP.coil.strike, [true])).toThrow(/strike refused while it swings/);
    belfry.writeCoils(BELL_MAP.coil.strike + 2, [true]);
    expect(belfry.writes().writes.map((w) => [w.address, w.value])).toEqual([
      [BELL_MAP.coil.swing, true],
      [BELL_MAP.coil.strike + 2, true],
    ]);
    const device = cabinet();
    expect(() => device.writeRegisters(0, [101])).toThrow(/beyond 100/);
    expect(() => device.writeCoils(3, [true, true])).toThrow(/no coil at address 4/);
    expect(device.writes()).toEqual({ total: 0, writes: [] });
  });

  it('records a strike sent while the hammer is still down, which the bell does not strike again', async () => {
    const belfry = bells();
    const strike = BELL_MAP.coil.strike + 2;
    belfry.writeCoils(strike, [true]);
    await clock.advance(100);
    belfry.writeCoils(strike, [true]);
    expect(belfry.writes().total).toBe(2);
    expect(belfry.state()).toMatchObject({ bells: [{}, {}, { strikes: 1 }] });
  });

  it('forgets the oldest writes beyond its size and still counts them', () => {
    const device = cabinet();
    for (let i = 0; i < WRITE_JOURNAL_SIZE + 5; i++) device.writeRegisters(0, [i % 100]);
    const { total, writes } = device.writes();
    expect(total).toBe(WRITE_JOURNAL_SIZE + 5);
    expect(writes).toHaveLength(WRITE_JOURNAL_SIZE);
    expect(writes[0]?.n).toBe(6);
    expect(writes.at(-1)?.n).toBe(WRITE_JOURNAL_SIZE + 5);
  });
});
