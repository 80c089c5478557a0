import type { ModbusTable } from '@beffroi/domain';
import { intIn } from '@beffroi/domain';
import { z } from 'zod';
import type { Clock } from '@beffroi/runtime';
import type { DeviceIdentity } from '../modbus/device-identification';
import { ModbusException, ModbusExceptionCode } from '../modbus/modbus-exception';
import { ModbusSlaveDevice, type TableSnapshot } from '../modbus/modbus-slave';
import type { LightingCabinetConfig } from '../simulator.config';
import { DelayedSignal } from './delayed-signal';
import { float32Words, uint32Words } from './register-words';

export const SELECTOR_POSITIONS = ['auto', 'forced', 'off'] as const;
export type SelectorPosition = (typeof SELECTOR_POSITIONS)[number];

/**
 * Register map of the simulated lighting cabinet (zero-based addresses; 32-bit values big-endian, high word first).
 * Documented in docs/simulator.md and mirrored by config/profiles/beffroi-sim-cabinet.yaml.
 */
export const CABINET_MAP = {
  coil: { command: 0 },
  discreteInput: { feedback: 0, doorOpen: 100, breakerTripped: 101, earthLeakage: 102 },
  holdingRegister: { level: 0 },
  inputRegister: { selector: 0, voltage: 10, current: 16, power: 22, totalPower: 28, energyWh: 30, powerFactor: 32 },
} as const;

const PHASES = 3;
const MS_PER_HOUR = 3_600_000;
/** The power factor of the cabinet's own electronics (switched-mode supplies, contactor coils). */
const STANDBY_POWER_FACTOR = 0.5;

/**
 * The power factor of a circuit of LED drivers at `level` %: about 0.95 at full power, falling as they dim (0.78 at
 * 50 %), as their input stage draws a less sinusoidal current at light load.
 */
export function driverPowerFactor(level: number): number {
  return 0.6 + (0.35 * level) / 100;
}

/** What one phase of the cabinet draws: active power (kW) and apparent power (kVA). */
interface PhaseLoad {
  kw: number;
  kva: number;
}

/** What a person changes on site: the selector, the door, the protections; and broken feedback contacts. */
function cabinetInputsSchema(circuits: number) {
  return z.strictObject({
    selector: z.enum(SELECTOR_POSITIONS, { error: 'expected auto | forced | off' }).optional(),
    doorOpen: z.boolean({ error: 'expected true | false' }).optional(),
    breakerTripped: z.boolean({ error: 'expected true | false' }).optional(),
    earthLeakage: z.boolean({ error: 'expected true | false' }).optional(),
    /** Feedback contacts that are broken and show this value whatever the contactor does; `[]` repairs them all. */
    stuckFeedback: z
      .array(
        z.strictObject({
          circuit: intIn(1, circuits),
          value: z.boolean({ error: 'expected true | false' }),
        }),
      )
      .optional(),
  });
}
type CabinetInputs = z.output<ReturnType<typeof cabinetInputsSchema>>;

/**
 * A street-lighting cabinet: per circuit a contactor driven by a command coil (unless the local selector forces it
 * on or off), a feedback contact following after a delay, a dimming level; door, breaker and earth-leakage contacts;
 * a three-phase meter whose energy counter integrates the load. An energised circuit draws its installed load ×
 * its dimming level, at the power factor of LED drivers at that level; the cabinet itself always draws `standbyW` on
 * phase 1, so the meter advances slowly by day too.
 */
export class LightingCabinet extends ModbusSlaveDevice {
  readonly kind = 'lighting-cabinet';
  readonly inputsSchema: ReturnType<typeof cabinetInputsSchema>;
  readonly identity: DeviceIdentity;
  private readonly commands: boolean[];
  private readonly levels: number[];
  private readonly feedback: DelayedSignal[];
  private readonly loadsKw: number[];
  private selector: SelectorPosition = 'auto';
  private doorOpen = false;
  private breakerTripped = false;
  private earthLeakage = false;
  /** Broken feedback contacts by circuit index (0-based): what each shows. */
  private stuckFeedback = new Map<number, boolean>();
  private energyWh = 0;
  private energySince: number;

  constructor(
    private readonly config: LightingCabinetConfig,
    private readonly clock: Clock,
  ) {
    super(config.id, config.unit);
    this.inputsSchema = cabinetInputsSchema(config.circuits);
    this.identity = {
      vendorName: 'Beffroi',
      productCode: 'SIM-AEP',
      revision: '1.4',
      productName: 'Simulated street-lighting cabinet',
      modelName: `SIM-AEP-${config.circuits}`,
      userApplicationName: config.id,
    };
    this.commands = Array.from({ length: config.circuits }, () => false);
    this.levels = Array.from({ length: config.circuits }, () => 100);
    this.feedback = Array.from({ length: config.circuits }, () => new DelayedSignal(false, config.feedbackDelay));
    this.loadsKw = Array.from({ length: config.circuits }, (_, i) => config.circuitLoadKw[i] ?? 1);
    this.energySince = clock.now().getTime();
  }

  /** Whether circuit `index` (0-based) is powered: contactor closed (command or forced) and protections closed. */
  energised(index: number): boolean {
    if (this.breakerTripped || this.earthLeakage) return false;
    switch (this.selector) {
      case 'forced':
        return true;
      case 'off':
        return false;
      case 'auto':
        return this.commands[index] ?? false;
    }
  }

  state(): Record<string, unknown> {
    const now = this.clock.now().getTime();
    this.integrateEnergy(now);
    return {
      id: this.id,
      kind: this.kind,
      unit: this.unit,
      fault: this.fault,
      selector: this.selector,
      doorOpen: this.doorOpen,
      breakerTripped: this.breakerTripped,
      earthLeakage: this.earthLeakage,
      circuits: this.commands.map((command, i) => ({
        circuit: i + 1,
        command,
        energised: this.energised(i),
        feedback: this.feedbackAt(i, now),
        ...(this.stuckFeedback.has(i) ? { feedbackStuck: true } : {}),
        level: this.levels[i],
      })),
      powerKw: this.phasePowersKw().reduce((a, b) => a + b, 0),
      energyWh: Math.floor(this.energyWh),
    };
  }

  applyInputs(inputs: unknown): void {
    const { selector, doorOpen, breakerTripped, earthLeakage, stuckFeedback } = inputs as CabinetInputs;
    if (stuckFeedback !== undefined) {
      this.stuckFeedback = new Map(stuckFeedback.map(({ circuit, value }) => [circuit - 1, value]));
    }
    this.change(() => {
      if (selector !== undefined) this.selector = selector;
      if (doorOpen !== undefined) this.doorOpen = doorOpen;
      if (breakerTripped !== undefined) this.breakerTripped = breakerTripped;
      if (earthLeakage !== undefined) this.earthLeakage = earthLeakage;
    });
  }

  protected snapshot(table: ModbusTable): TableSnapshot {
    const now = this.clock.now().getTime();
    const map = new Map<number, number | boolean>();
    switch (table) {
      case 'coil':
        this.commands.forEach((command, i) => map.set(CABINET_MAP.coil.command + i, command));
        break;
      case 'discrete-input': {
        const inputs = CABINET_MAP.discreteInput;
        this.feedback.forEach((_, i) => map.set(inputs.feedback + i, this.feedbackAt(i, now)));
        map.set(inputs.doorOpen, this.doorOpen).set(inputs.breakerTripped, this.breakerTripped);
        map.set(inputs.earthLeakage, this.earthLeakage);
        break;
      }
      case 'holding-register':
        this.levels.forEach((level, i) => map.set(CABINET_MAP.holdingRegister.level + i, level));
        break;
      case 'input-register':
        this.meterRegisters(now, map);
        break;
    }
    return map;
  }

  protected writeCoil(address: number, value: boolean): void {
    this.change(() => {
      this.commands[address - CABINET_MAP.coil.command] = value;
    });
  }

  protected writeRegister(address: number, value: number): void {
    if (value > 100) {
      throw new ModbusException(ModbusExceptionCode.IllegalDataValue, `level ${value} % is beyond 100 %`);
    }
    this.change(() => {
      this.levels[address - CABINET_MAP.holdingRegister.level] = value;
    });
  }

  /** What circuit `index`'s feedback contact shows at `now`: the contactor after the delay, unless it is broken. */
  private feedbackAt(index: number, now: number): boolean {
    return this.stuckFeedback.get(index) ?? this.feedback[index]?.observedAt(now) ?? false;
  }

  /** Applies a change of inputs, accounting energy up to now and moving the feedback contacts. */
  private change(apply: () => void): void {
    const now = this.clock.now().getTime();
    this.integrateEnergy(now);
    apply();
    this.feedback.forEach((signal, i) => {
      signal.set(this.energised(i), now);
    });
  }

  private phaseLoads(): PhaseLoad[] {
    const phases = Array.from({ length: PHASES }, (): PhaseLoad => ({ kw: 0, kva: 0 }));
    const standbyKw = this.config.standbyW / 1000;
    const [first] = phases;
    if (first !== undefined) {
      first.kw += standbyKw;
      first.kva += standbyKw / STANDBY_POWER_FACTOR;
    }
    this.loadsKw.forEach((load, i) => {
      const level = this.levels[i] ?? 0;
      const phase = phases[i % PHASES];
      if (!this.energised(i) || level === 0 || phase === undefined) return;
      const kw = (load * level) / 100;
      phase.kw += kw;
      phase.kva += kw / driverPowerFactor(level);
    });
    return phases;
  }

  private phasePowersKw(): number[] {
    return this.phaseLoads().map((phase) => phase.kw);
  }

  private integrateEnergy(now: number): void {
    const totalKw = this.phasePowersKw().reduce((a, b) => a + b, 0);
    this.energyWh += (totalKw * 1000 * (now - this.energySince)) / MS_PER_HOUR;
    this.energySince = now;
  }

  private meterRegisters(now: number, map: Map<number, number | boolean>): void {
    this.integrateEnergy(now);
    const regs = CABINET_MAP.inputRegister;
    map.set(regs.selector, SELECTOR_POSITIONS.indexOf(this.selector));
    const loads = this.phaseLoads();
    loads.forEach(({ kw, kva }, phase) => {
      const volts = this.config.nominalVoltage + phase * 0.5;
      const amps = (kva * 1000) / volts;
      const powerFactor = kva > 0 ? kw / kva : 1;
      float32Words(volts).forEach((w, k) => map.set(regs.voltage + phase * 2 + k, w));
      float32Words(amps).forEach((w, k) => map.set(regs.current + phase * 2 + k, w));
      float32Words(kw).forEach((w, k) => map.set(regs.power + phase * 2 + k, w));
      float32Words(powerFactor).forEach((w, k) => map.set(regs.powerFactor + phase * 2 + k, w));
    });
    float32Words(loads.reduce((a, b) => a + b.kw, 0)).forEach((w, k) => map.set(regs.totalPower + k, w));
    uint32Words(Math.floor(this.energyWh)).forEach((w, k) => map.set(regs.energyWh + k, w));
  }
}
