import { ManualClock } from '@beffroi/runtime';
import type { HeatingZoneConfig } from '../../simulator.config';
import { THERMOSTAT_HYSTERESIS, ThermalModel, type ThermalModelConfig } from './thermal-model';

const HOUR = 3_600_000;

function zoneConfig(overrides: Partial<HeatingZoneConfig> = {}): HeatingZoneConfig {
  return {
    name: 'Salle des fêtes',
    initialTemperature: 14,
    comfort: 19,
    eco: 16,
    frost: 8,
    heatingRatePerHour: 3,
    lossTimeConstantHours: 10,
    ...overrides,
  };
}

/** One zone, outdoor 8 °C, simulated time = real time unless told otherwise. */
function modelWith(zone: Partial<HeatingZoneConfig> = {}, config: Partial<ThermalModelConfig> = {}) {
  const clock = new ManualClock(1_000_000);
  const model = new ThermalModel({ outdoorTemperature: 8, timeScale: 1, zones: [zoneConfig(zone)], ...config }, clock);
  return { clock, model };
}

function expectWithinBand(temperature: number, setpoint: number): void {
  expect(temperature).toBeGreaterThanOrEqual(setpoint - THERMOSTAT_HYSTERESIS - 1e-9);
  expect(temperature).toBeLessThanOrEqual(setpoint + THERMOSTAT_HYSTERESIS + 1e-9);
}

describe('ThermalModel', () => {
  it('heats a cold zone towards its comfort setpoint along the first-order curve', async () => {
    const { clock, model } = modelWith();
    expect(model.zone(1)).toMatchObject({ mode: 'comfort', activeSetpoint: 19, temperature: 14, heaterOn: true });

    await clock.advance(HOUR);

    // equilibrium with the heater on: 8 + 3 °C/h × 10 h = 38 °C
    const expected = 38 + (14 - 38) * Math.exp(-0.1);
    expect(model.zone(1).temperature).toBeCloseTo(expected, 9);
    expect(model.zone(1).heaterOn).toBe(true);
  });

  it('then holds the zone around the setpoint, switching the heater back and forth', async () => {
    const { clock, model } = modelWith();
    const seen = new Set<boolean>();
    await clock.advance(4 * HOUR);
    for (let minute = 0; minute < 600; minute += 1) {
      await clock.advance(60_000);
      const zone = model.zone(1);
      expectWithinBand(zone.temperature, 19);
      seen.add(zone.heaterOn);
    }
    expect(seen).toEqual(new Set([true, false]));
  });

  it('lets a zone in frost protection cool towards the outdoor temperature with the heater off', async () => {
    const { clock, model } = modelWith({ initialTemperature: 19 }, { outdoorTemperature: 2 });
    model.setMode(1, 'frost');

    await clock.advance(5 * HOUR);

    expect(model.zone(1)).toMatchObject({ activeSetpoint: 8, heaterOn: false });
    expect(model.zone(1).temperature).toBeCloseTo(2 + 17 * Math.exp(-0.5), 9);
  });

  it('keeps the heater in its state while the temperature is inside the hysteresis band', async () => {
    const { clock, model } = modelWith({ initialTemperature: 19 });
    expect(model.zone(1).heaterOn).toBe(false);

    // off, cooling towards 8 °C: reaches 18.7 °C after −10 ln(10.7 / 11) ≈ 0.277 h
    await clock.advance(0.25 * HOUR);
    expect(model.zone(1).heaterOn).toBe(false);
    expect(model.zone(1).temperature).toBeLessThan(19);

    await clock.advance(0.05 * HOUR);
    expect(model.zone(1).heaterOn).toBe(true);

    // on, warming past the setpoint (at ≈ 0.433 h): still on until 19.3 °C (at ≈ 0.592 h)
    await clock.advance(0.18 * HOUR);
    expect(model.zone(1).temperature).toBeGreaterThan(19);
    expect(model.zone(1).heaterOn).toBe(true);
  });

  it('applies a mode change at once: from comfort to eco the heater stops and the zone settles around eco', async () => {
    const { clock, model } = modelWith();
    await clock.advance(6 * HOUR);
    expectWithinBand(model.zone(1).temperature, 19);

    model.setMode(1, 'eco');
    expect(model.zone(1)).toMatchObject({ mode: 'eco', activeSetpoint: 16, heaterOn: false });

    await clock.advance(12 * HOUR);
    expectWithinBand(model.zone(1).temperature, 16);
  });

  it('follows a changed setpoint of the active mode', async () => {
    const { clock, model } = modelWith();
    model.setSetpoint(1, 'comfort', 21);
    await clock.advance(12 * HOUR);
    expect(model.zone(1)).toMatchObject({ activeSetpoint: 21, setpoints: { comfort: 21, eco: 16, frost: 8 } });
    expectWithinBand(model.zone(1).temperature, 21);
  });

  it('gives the same temperature whether read often or once', async () => {
    const often = modelWith();
    const once = modelWith();
    for (let step = 0; step < 1000; step += 1) {
      await often.clock.advance(36_000);
      often.model.zone(1);
    }
    await once.clock.advance(10 * HOUR);

    expect(often.model.zone(1).temperature).toBeCloseTo(once.model.zone(1).temperature, 9);
    expect(often.model.zone(1).heaterOn).toBe(once.model.zone(1).heaterOn);
  });

  it('scales simulated time: at 60× a real minute is a simulated hour', async () => {
    const { clock, model } = modelWith({}, { timeScale: 60 });
    await clock.advance(60_000);
    expect(model.zone(1).temperature).toBeCloseTo(38 + (14 - 38) * Math.exp(-0.1), 9);
  });

  it('applies a new outdoor temperature from the moment it changes', async () => {
    const { clock, model } = modelWith({ initialTemperature: 19, frost: 5 }, { outdoorTemperature: 10 });
    model.setMode(1, 'frost');
    await clock.advance(HOUR);
    model.setOutdoorTemperature(0);
    await clock.advance(HOUR);

    const afterFirstHour = 10 + 9 * Math.exp(-0.1);
    expect(model.outdoorTemperature).toBe(0);
    expect(model.zone(1).temperature).toBeCloseTo(afterFirstHour * Math.exp(-0.1), 9);
  });

  it('starts from a temperature set by hand, as when a window was left open', async () => {
    const { clock, model } = modelWith();
    await clock.advance(6 * HOUR);
    model.setZoneTemperature(1, 12);
    expect(model.zone(1)).toMatchObject({ temperature: 12, heaterOn: true });
  });

  it('keeps zones independent', async () => {
    const clock = new ManualClock();
    const model = new ThermalModel(
      {
        outdoorTemperature: 8,
        timeScale: 1,
        zones: [zoneConfig(), zoneConfig({ name: 'Mairie', initialTemperature: 18 })],
      },
      clock,
    );
    model.setMode(2, 'frost');
    await clock.advance(HOUR);
    const [first, second] = model.allZones();
    expect(first).toMatchObject({ zone: 1, name: 'Salle des fêtes', heaterOn: true });
    expect(second).toMatchObject({ zone: 2, name: 'Mairie', mode: 'frost', heaterOn: false });
    expect(second!.temperature).toBeCloseTo(8 + 10 * Math.exp(-0.1), 9);
  });

  it('refuses an unknown zone and a setpoint outside 5..30 °C', () => {
    const { model } = modelWith();
    expect(() => model.zone(2)).toThrow(RangeError);
    expect(() => model.zone(0)).toThrow(RangeError);
    expect(() => model.setSetpoint(1, 'eco', 31)).toThrow(RangeError);
    expect(() => model.setSetpoint(1, 'eco', 4.9)).toThrow(RangeError);
    expect(() => model.setSetpoint(1, 'eco', Number.NaN)).toThrow(RangeError);
  });
});
