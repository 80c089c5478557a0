import { ManualClock } from '@beffroi/runtime';
import { CABINET_MAP, driverPowerFactor, LightingCabinet } from './lighting-cabinet.device';

const HOUR = 3_600_000;
const regs = CABINET_MAP.inputRegister;

function cabinet(clock: ManualClock): LightingCabinet {
  return new LightingCabinet(
    {
      id: 'cabinet',
      kind: 'lighting-cabinet',
      unit: 1,
      circuits: 4,
      feedbackDelay: 200,
      circuitLoadKw: [2, 1.5, 0.8, 1],
      nominalVoltage: 230,
      standbyW: 30,
    },
    clock,
  );
}

/** A float32 of two big-endian words, high word first. */
function float(words: number[], at: number): number {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt16BE(words[at] ?? 0, 0);
  buffer.writeUInt16BE(words[at + 1] ?? 0, 2);
  return buffer.readFloatBE(0);
}

function meter(device: LightingCabinet) {
  const words = device.readRegisters('input-register', regs.voltage, regs.powerFactor + 6 - regs.voltage);
  const at = (register: number) => float(words, register - regs.voltage);
  const phases = [0, 1, 2].map((p) => ({
    volts: at(regs.voltage + 2 * p),
    amps: at(regs.current + 2 * p),
    kw: at(regs.power + 2 * p),
    pf: at(regs.powerFactor + 2 * p),
  }));
  const energy = words.slice(regs.energyWh - regs.voltage, regs.energyWh - regs.voltage + 2);
  return { phases, totalKw: at(regs.totalPower), wh: (energy[0] ?? 0) * 65536 + (energy[1] ?? 0) };
}

describe("the simulated cabinet's power", () => {
  it('draws only its own standby power, at a low power factor, while every circuit is off', async () => {
    const clock = new ManualClock(0);
    const device = cabinet(clock);
    await clock.advance(10 * HOUR);
    const { phases, totalKw, wh } = meter(device);
    expect(totalKw).toBeCloseTo(0.03, 6);
    expect(phases[0]).toEqual({
      volts: 230,
      amps: expect.closeTo(30 / 0.5 / 230, 5),
      kw: expect.closeTo(0.03, 6),
      pf: expect.closeTo(0.5, 6),
    });
    expect(phases.slice(1).map((p) => [p.amps, p.kw, p.pf])).toEqual([
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(wh).toBe(300);
  });

  it('draws installed watts × dimming level per lit circuit, with the current its drivers power factor gives', async () => {
    const clock = new ManualClock(0);
    const device = cabinet(clock);
    device.writeCoils(CABINET_MAP.coil.command, [true, true, false, true]);
    device.writeRegisters(CABINET_MAP.holdingRegister.level, [50, 100, 100, 100]);
    await clock.advance(2 * HOUR);
    const { phases, totalKw, wh } = meter(device);
    // L1: circuit 1 (2 kW at 50 %) and circuit 4 (1 kW) with the 30 W standby; L2: circuit 2 (1.5 kW); L3: circuit 3 off.
    const l1Kva = 1 / driverPowerFactor(50) + 1 / driverPowerFactor(100) + 0.03 / 0.5;
    expect(phases[0]?.kw).toBeCloseTo(2.03, 5);
    expect(phases[0]?.amps).toBeCloseTo((l1Kva * 1000) / 230, 3);
    expect(phases[0]?.pf).toBeCloseTo(2.03 / l1Kva, 5);
    expect(phases[1]).toEqual({
      volts: 230.5,
      amps: expect.closeTo(1500 / 0.95 / 230.5, 3),
      kw: expect.closeTo(1.5, 5),
      pf: expect.closeTo(0.95, 5),
    });
    expect(phases[2]?.kw).toBe(0);
    expect(totalKw).toBeCloseTo(3.53, 5);
    // The meter advances by the active power: 3.53 kW for 2 hours.
    expect(wh).toBe(7060);
    expect(driverPowerFactor(50)).toBeCloseTo(0.775, 9);
  });
});
