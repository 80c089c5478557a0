import type { Clock } from '@beffroi/runtime';
import type { HeatingControllerConfig, HeatingZoneConfig } from '../../simulator.config';

export const HEATING_MODES = ['comfort', 'eco', 'frost'] as const;
export type HeatingMode = (typeof HEATING_MODES)[number];

export function isHeatingMode(value: unknown): value is HeatingMode {
  return HEATING_MODES.some((mode) => mode === value);
}

/** Setpoints a controller accepts, °C. */
const SETPOINT_MIN = 5;
const SETPOINT_MAX = 30;

export function isValidSetpoint(value: number): boolean {
  return value >= SETPOINT_MIN && value <= SETPOINT_MAX;
}

/** The thermostat switches the heater on below setpoint − hysteresis and off above setpoint + hysteresis, °C. */
export const THERMOSTAT_HYSTERESIS = 0.3;

const MS_PER_HOUR = 3_600_000;

export interface ZoneReading {
  /** 1-based zone number. */
  zone: number;
  name: string;
  mode: HeatingMode;
  setpoints: Record<HeatingMode, number>;
  activeSetpoint: number;
  temperature: number;
  heaterOn: boolean;
}

export type ThermalModelConfig = Pick<HeatingControllerConfig, 'outdoorTemperature' | 'timeScale' | 'zones'>;

/**
 * Hours for a first-order system relaxing from `from` towards `equilibrium` with time constant `tau` to reach
 * `target`; Infinity when `target` does not lie strictly between them.
 */
function hoursToReach(from: number, target: number, equilibrium: number, tau: number): number {
  const ratio = (target - equilibrium) / (from - equilibrium);
  return ratio > 0 && ratio < 1 ? -tau * Math.log(ratio) : Infinity;
}

/** One zone: a first-order thermal mass losing heat to the outside, warmed by an on/off heater. */
class ZoneThermal {
  mode: HeatingMode = 'comfort';
  temperature: number;
  heaterOn: boolean;
  readonly setpoints: Record<HeatingMode, number>;

  constructor(private readonly config: HeatingZoneConfig) {
    this.setpoints = { comfort: config.comfort, eco: config.eco, frost: config.frost };
    this.temperature = config.initialTemperature;
    this.heaterOn = this.temperature < this.activeSetpoint;
  }

  get name(): string {
    return this.config.name;
  }

  get activeSetpoint(): number {
    return this.setpoints[this.mode];
  }

  /**
   * Lets `hours` of simulated time pass at a constant outdoor temperature (0 just lets the thermostat react to a
   * change). Between two switchings the temperature follows the exact exponential; the switching instants are solved
   * in closed form.
   */
  advance(hours: number, outdoor: number): void {
    const tau = this.config.lossTimeConstantHours;
    let remaining = hours;
    for (;;) {
      this.applyThermostat();
      const equilibrium = outdoor + (this.heaterOn ? this.config.heatingRatePerHour * tau : 0);
      const threshold = this.activeSetpoint + (this.heaterOn ? THERMOSTAT_HYSTERESIS : -THERMOSTAT_HYSTERESIS);
      const untilSwitch = hoursToReach(this.temperature, threshold, equilibrium, tau);
      if (untilSwitch > remaining) {
        this.temperature = equilibrium + (this.temperature - equilibrium) * Math.exp(-remaining / tau);
        return;
      }
      this.temperature = threshold;
      remaining -= untilSwitch;
    }
  }

  private applyThermostat(): void {
    if (this.heaterOn && this.temperature >= this.activeSetpoint + THERMOSTAT_HYSTERESIS) {
      this.heaterOn = false;
    } else if (!this.heaterOn && this.temperature <= this.activeSetpoint - THERMOSTAT_HYSTERESIS) {
      this.heaterOn = true;
    }
  }
}

/**
 * The heated zones of one controller and the weather around them. Nothing runs in the background: every read or
 * change first brings the zones up to the clock's now, simulated time being real time × `timeScale`.
 */
export class ThermalModel {
  private readonly zones: ZoneThermal[];
  private readonly timeScale: number;
  private outdoor: number;
  private lastUpdate: number;

  constructor(
    config: ThermalModelConfig,
    private readonly clock: Clock,
  ) {
    this.zones = config.zones.map((zone) => new ZoneThermal(zone));
    this.timeScale = config.timeScale;
    this.outdoor = config.outdoorTemperature;
    this.lastUpdate = clock.now().getTime();
  }

  get zoneCount(): number {
    return this.zones.length;
  }

  get outdoorTemperature(): number {
    return this.outdoor;
  }

  zone(zone: number): ZoneReading {
    const thermal = this.current(zone);
    return {
      zone,
      name: thermal.name,
      mode: thermal.mode,
      setpoints: { ...thermal.setpoints },
      activeSetpoint: thermal.activeSetpoint,
      temperature: thermal.temperature,
      heaterOn: thermal.heaterOn,
    };
  }

  allZones(): ZoneReading[] {
    return this.zones.map((_, index) => this.zone(index + 1));
  }

  setMode(zone: number, mode: HeatingMode): void {
    this.current(zone).mode = mode;
  }

  setSetpoint(zone: number, mode: HeatingMode, value: number): void {
    if (!isValidSetpoint(value)) {
      throw new RangeError(`setpoint ${value} °C is outside ${SETPOINT_MIN}..${SETPOINT_MAX} °C`);
    }
    this.current(zone).setpoints[mode] = value;
  }

  /** Someone changed the room's temperature by hand (a window left open, a door to the cold hall). */
  setZoneTemperature(zone: number, temperature: number): void {
    this.current(zone).temperature = temperature;
  }

  setOutdoorTemperature(temperature: number): void {
    this.catchUp();
    this.outdoor = temperature;
  }

  /** The zone, brought up to now. */
  private current(zone: number): ZoneThermal {
    const thermal = this.zones[zone - 1];
    if (!Number.isInteger(zone) || !thermal) {
      throw new RangeError(`zone ${zone} does not exist (1..${this.zones.length})`);
    }
    this.catchUp();
    return thermal;
  }

  private catchUp(): void {
    const now = this.clock.now().getTime();
    const hours = (Math.max(0, now - this.lastUpdate) * this.timeScale) / MS_PER_HOUR;
    this.lastUpdate = now;
    for (const zone of this.zones) zone.advance(hours, this.outdoor);
  }
}
