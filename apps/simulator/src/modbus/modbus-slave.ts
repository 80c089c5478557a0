import type { ModbusTable } from '@beffroi/domain';
import type { z } from 'zod';
import type { SimulatedDevice } from '../devices/simulated-device';
import type { DeviceIdentity } from './device-identification';
import { type ModbusFault, NO_FAULT } from './fault';
import { ModbusException, ModbusExceptionCode } from './modbus-exception';

/** A table's content at one instant: address → bit or register value. */
export type TableSnapshot = ReadonlyMap<number, number | boolean>;

/** One value the bus wrote and the device accepted; `n` counts the device's accepted writes from 1. */
export interface AcceptedWrite {
  readonly n: number;
  /** When it was accepted, on this machine's clock (ISO-8601, milliseconds). */
  readonly at: string;
  readonly table: 'coil' | 'holding-register';
  readonly address: number;
  readonly value: boolean | number;
}

/** Accepted writes a device remembers (the oldest are forgotten beyond). */
export const WRITE_JOURNAL_SIZE = 10_000;

/**
 * A simulated Modbus server device (one unit id). Subclasses describe their register map as snapshots taken at the
 * instant of each request, so multi-register values are always consistent within one answer.
 */
export abstract class ModbusSlaveDevice implements SimulatedDevice {
  abstract readonly kind: SimulatedDevice['kind'];
  abstract readonly inputsSchema: z.ZodType;
  /** What the device answers to Read Device Identification (function 43 / MEI 14); undefined: exception 01. */
  abstract readonly identity: DeviceIdentity | undefined;
  fault: ModbusFault = NO_FAULT;
  private readonly journal: AcceptedWrite[] = [];
  private accepted = 0;

  protected constructor(
    readonly id: string,
    readonly unit: number,
  ) {}

  abstract state(): Record<string, unknown>;
  abstract applyInputs(inputs: unknown): void;

  /** The table's content now. */
  protected abstract snapshot(table: ModbusTable): TableSnapshot;
  protected abstract writeCoil(address: number, value: boolean): void;
  protected abstract writeRegister(address: number, value: number): void;

  readBits(table: 'coil' | 'discrete-input', address: number, count: number): boolean[] {
    const snapshot = this.snapshot(table);
    return this.range(address, count).map((a) => Boolean(this.at(snapshot, table, a)));
  }

  readRegisters(table: 'holding-register' | 'input-register', address: number, count: number): number[] {
    const snapshot = this.snapshot(table);
    return this.range(address, count).map((a) => Number(this.at(snapshot, table, a)));
  }

  /** Writes coils after checking every address exists, so a bad request changes nothing. */
  writeCoils(address: number, values: readonly boolean[]): void {
    this.checkWritable('coil', address, values.length);
    values.forEach((value, i) => {
      this.writeCoil(address + i, value);
      this.remember('coil', address + i, value);
    });
  }

  writeRegisters(address: number, values: readonly number[]): void {
    this.checkWritable('holding-register', address, values.length);
    values.forEach((value, i) => {
      this.writeRegister(address + i, value);
      this.remember('holding-register', address + i, value);
    });
  }

  /**
   * The writes this device accepted, oldest first (a write it refused with an exception is not one): the last
   * {@link WRITE_JOURNAL_SIZE} of `total`. What the bus made the equipment do, to tell a command run twice.
   */
  writes(): { total: number; writes: readonly AcceptedWrite[] } {
    return { total: this.accepted, writes: [...this.journal] };
  }

  private remember(table: AcceptedWrite['table'], address: number, value: boolean | number): void {
    this.accepted += 1;
    this.journal.push({ n: this.accepted, at: new Date().toISOString(), table, address, value });
    if (this.journal.length > WRITE_JOURNAL_SIZE) this.journal.shift();
  }

  private checkWritable(table: ModbusTable, address: number, count: number): void {
    const snapshot = this.snapshot(table);
    for (const a of this.range(address, count)) this.at(snapshot, table, a);
  }

  private range(address: number, count: number): number[] {
    return Array.from({ length: count }, (_, i) => address + i);
  }

  private at(snapshot: TableSnapshot, table: ModbusTable, address: number): number | boolean {
    const value = snapshot.get(address);
    if (value === undefined) {
      throw new ModbusException(ModbusExceptionCode.IllegalDataAddress, `no ${table} at address ${address}`);
    }
    return value;
  }
}
