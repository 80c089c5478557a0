import type { ModbusTable } from '@beffroi/domain';
import { z } from 'zod';
import type { Clock } from '@beffroi/runtime';
import type { DeviceIdentity } from '../modbus/device-identification';
import { ModbusException, ModbusExceptionCode } from '../modbus/modbus-exception';
import { ModbusSlaveDevice, type TableSnapshot } from '../modbus/modbus-slave';
import type { BellControllerConfig } from '../simulator.config';

/** Register map of the simulated bell controller (zero-based). Mirrored by config/profiles/beffroi-sim-bells.yaml. */
export const BELL_MAP = {
  coil: { swing: 0, strike: 16 },
  discreteInput: { running: 0 },
  holdingRegister: { maxSwingSeconds: 0 },
  inputRegister: { strikeCount: 0, swingCount: 16, interlockRefusals: 32 },
} as const;

const MAX_SWING_SECONDS = 3600;

interface Bell {
  /** Instant the swing relay closed, or undefined when open. */
  swingSince: number | undefined;
  /** Instant the strike relay closed, or undefined when open. */
  strikeSince: number | undefined;
  maxSwingMs: number;
  strikes: number;
  swings: number;
}

/**
 * A belfry controller: per bell a swing (volée) relay and a hammer (tintement) relay. Like the real thing it refuses
 * a hammer strike while the same bell swings (and a swing while its hammer is down) with exception 04, opens the
 * swing relay after its maximum run time and the strike relay after one pulse, whatever the bus says.
 */
export class BellController extends ModbusSlaveDevice {
  readonly kind = 'bell-controller';
  readonly inputsSchema = z.strictObject({});
  readonly identity: DeviceIdentity;
  private readonly bells: Bell[];
  private interlockRefusals = 0;

  constructor(
    private readonly config: BellControllerConfig,
    private readonly clock: Clock,
  ) {
    super(config.id, config.unit);
    this.identity = {
      vendorName: 'Beffroi',
      productCode: 'SIM-CLOCHES',
      revision: '2.1',
      productName: 'Simulated belfry controller',
      modelName: `SIM-CLOCHES-${config.bells}`,
      userApplicationName: config.id,
    };
    this.bells = Array.from({ length: config.bells }, () => ({
      swingSince: undefined,
      strikeSince: undefined,
      maxSwingMs: config.maxSwing,
      strikes: 0,
      swings: 0,
    }));
  }

  state(): Record<string, unknown> {
    const now = this.clock.now().getTime();
    return {
      id: this.id,
      kind: this.kind,
      unit: this.unit,
      fault: this.fault,
      interlockRefusals: this.interlockRefusals,
      bells: this.bells.map((bell, i) => ({
        bell: i + 1,
        swinging: this.swinging(bell, now),
        striking: this.striking(bell, now),
        strikes: bell.strikes,
        swings: bell.swings,
        maxSwingSeconds: bell.maxSwingMs / 1000,
      })),
    };
  }

  applyInputs(): void {
    // A bell controller has no physical inputs beyond its relays, which the bus drives.
  }

  protected snapshot(table: ModbusTable): TableSnapshot {
    const now = this.clock.now().getTime();
    const map = new Map<number, number | boolean>();
    this.bells.forEach((bell, i) => {
      switch (table) {
        case 'coil':
          map.set(BELL_MAP.coil.swing + i, this.swinging(bell, now));
          map.set(BELL_MAP.coil.strike + i, this.striking(bell, now));
          break;
        case 'discrete-input':
          map.set(BELL_MAP.discreteInput.running + i, this.swinging(bell, now) || this.striking(bell, now));
          break;
        case 'holding-register':
          map.set(BELL_MAP.holdingRegister.maxSwingSeconds + i, Math.round(bell.maxSwingMs / 1000));
          break;
        case 'input-register':
          map.set(BELL_MAP.inputRegister.strikeCount + i, bell.strikes & 0xffff);
          map.set(BELL_MAP.inputRegister.swingCount + i, bell.swings & 0xffff);
          map.set(BELL_MAP.inputRegister.interlockRefusals, this.interlockRefusals & 0xffff);
          break;
      }
    });
    return map;
  }

  protected writeCoil(address: number, value: boolean): void {
    const now = this.clock.now().getTime();
    const strike = address >= BELL_MAP.coil.strike;
    const index = address - (strike ? BELL_MAP.coil.strike : BELL_MAP.coil.swing);
    const bell = this.bells[index];
    if (!bell) throw new ModbusException(ModbusExceptionCode.IllegalDataAddress, `no relay at coil ${address}`);
    if (strike) this.setStrike(bell, index, value, now);
    else this.setSwing(bell, index, value, now);
  }

  protected writeRegister(address: number, value: number): void {
    const bell = this.bells[address - BELL_MAP.holdingRegister.maxSwingSeconds];
    if (!bell || value < 1 || value > MAX_SWING_SECONDS) {
      throw new ModbusException(ModbusExceptionCode.IllegalDataValue, `max swing ${value} s outside 1..3600`);
    }
    bell.maxSwingMs = value * 1000;
  }

  private setSwing(bell: Bell, index: number, on: boolean, now: number): void {
    if (!on) {
      bell.swingSince = undefined;
      return;
    }
    if (this.swinging(bell, now)) return;
    if (this.striking(bell, now)) this.refuse(`bell ${index + 1}: swing refused while its hammer strikes`);
    bell.swingSince = now;
    bell.swings++;
  }

  private setStrike(bell: Bell, index: number, on: boolean, now: number): void {
    if (!on) {
      bell.strikeSince = undefined;
      return;
    }
    if (this.striking(bell, now)) return;
    if (this.swinging(bell, now)) this.refuse(`bell ${index + 1}: strike refused while it swings`);
    bell.strikeSince = now;
    bell.strikes++;
  }

  private refuse(reason: string): never {
    this.interlockRefusals++;
    throw new ModbusException(ModbusExceptionCode.ServerDeviceFailure, reason);
  }

  private swinging(bell: Bell, now: number): boolean {
    return bell.swingSince !== undefined && now - bell.swingSince < bell.maxSwingMs;
  }

  private striking(bell: Bell, now: number): boolean {
    return bell.strikeSince !== undefined && now - bell.strikeSince < this.config.strikePulse;
  }
}
