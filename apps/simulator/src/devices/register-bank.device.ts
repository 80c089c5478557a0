import type { ModbusTable } from '@beffroi/domain';
import { z } from 'zod';
import type { Clock } from '@beffroi/runtime';
import { ModbusSlaveDevice, type TableSnapshot } from '../modbus/modbus-slave';
import type { RegisterBankConfig } from '../simulator.config';

/**
 * A plain bank of holding registers for load tests and benchmarks: register n reads (n + seconds since start) mod
 * 65536, so values change while staying checkable (or n for ever when `frozen`); writes are kept and read back.
 */
export class RegisterBank extends ModbusSlaveDevice {
  readonly kind = 'register-bank';
  readonly inputsSchema = z.strictObject({});
  /** A plain test device: it has no function 43 and answers it with exception 01. */
  readonly identity = undefined;
  private readonly written = new Map<number, number>();
  private readonly startedAt: number;

  constructor(
    private readonly config: RegisterBankConfig,
    private readonly clock: Clock,
  ) {
    super(config.id, config.unit);
    this.startedAt = clock.now().getTime();
  }

  state(): Record<string, unknown> {
    return { id: this.id, kind: this.kind, unit: this.unit, fault: this.fault, registers: this.config.registers };
  }

  applyInputs(): void {
    // A register bank has no physical inputs.
  }

  protected snapshot(table: ModbusTable): TableSnapshot {
    const map = new Map<number, number>();
    if (table !== 'holding-register') return map;
    const tick = this.config.frozen ? 0 : Math.floor((this.clock.now().getTime() - this.startedAt) / 1000);
    for (let address = 0; address < this.config.registers; address++) {
      map.set(address, this.written.get(address) ?? (address + tick) % 65536);
    }
    return map;
  }

  protected writeCoil(): void {
    // No coils: the address check in ModbusSlaveDevice refuses any coil write before this is reached.
  }

  protected writeRegister(address: number, value: number): void {
    this.written.set(address, value);
  }
}
