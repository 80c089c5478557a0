import { answerReadDeviceIdentification } from './device-identification';
import type { ModbusSlaveDevice } from './modbus-slave';
import { ModbusException, ModbusExceptionCode } from './modbus-exception';

/** Function codes the simulated devices implement. */
export const FunctionCode = {
  ReadCoils: 0x01,
  ReadDiscreteInputs: 0x02,
  ReadHoldingRegisters: 0x03,
  ReadInputRegisters: 0x04,
  WriteSingleCoil: 0x05,
  WriteSingleRegister: 0x06,
  WriteMultipleCoils: 0x0f,
  WriteMultipleRegisters: 0x10,
  /** Encapsulated interface transport; the devices implement MEI 14, Read Device Identification. */
  EncapsulatedInterface: 0x2b,
} as const;

const MAX_READ_BITS = 2000;
const MAX_READ_REGISTERS = 125;
const MAX_WRITE_BITS = 1968;
const MAX_WRITE_REGISTERS = 123;

/** Length of a complete request PDU from its first bytes, or undefined while more bytes are needed. */
export function requestPduLength(pdu: Buffer): number | undefined {
  const fc = pdu[0];
  if (fc === undefined) return undefined;
  if (fc === FunctionCode.WriteMultipleCoils || fc === FunctionCode.WriteMultipleRegisters) {
    const byteCount = pdu[5];
    return byteCount === undefined ? undefined : 6 + byteCount;
  }
  if (fc === FunctionCode.EncapsulatedInterface) return 4;
  return 5;
}

export function exceptionPdu(functionCode: number, code: number): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, code]);
}

function packBits(bits: readonly boolean[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    if (bit) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return bytes;
}

function unpackBits(bytes: Buffer, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => (((bytes[i >> 3] ?? 0) >> (i & 7)) & 1) === 1);
}

function checkQuantity(quantity: number, max: number): void {
  if (quantity < 1 || quantity > max) {
    throw new ModbusException(ModbusExceptionCode.IllegalDataValue, `quantity ${quantity} outside 1..${max}`);
  }
}

function handle(device: ModbusSlaveDevice, pdu: Buffer): Buffer {
  const fc = pdu.readUInt8(0);
  if (fc === FunctionCode.EncapsulatedInterface) return answerReadDeviceIdentification(device.identity, pdu);
  if (pdu.length < 5) throw new ModbusException(ModbusExceptionCode.IllegalDataValue, 'request too short');
  const address = pdu.readUInt16BE(1);
  const quantity = pdu.readUInt16BE(3);
  switch (fc) {
    case FunctionCode.ReadCoils:
    case FunctionCode.ReadDiscreteInputs: {
      checkQuantity(quantity, MAX_READ_BITS);
      const table = fc === FunctionCode.ReadCoils ? 'coil' : 'discrete-input';
      const bytes = packBits(device.readBits(table, address, quantity));
      return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
    }
    case FunctionCode.ReadHoldingRegisters:
    case FunctionCode.ReadInputRegisters: {
      checkQuantity(quantity, MAX_READ_REGISTERS);
      const table = fc === FunctionCode.ReadHoldingRegisters ? 'holding-register' : 'input-register';
      const values = device.readRegisters(table, address, quantity);
      const body = Buffer.alloc(2 + values.length * 2);
      body.writeUInt8(fc, 0);
      body.writeUInt8(values.length * 2, 1);
      values.forEach((v, i) => body.writeUInt16BE(v & 0xffff, 2 + i * 2));
      return body;
    }
    case FunctionCode.WriteSingleCoil: {
      if (quantity !== 0xff00 && quantity !== 0x0000) {
        throw new ModbusException(ModbusExceptionCode.IllegalDataValue, 'coil value must be 0xFF00 or 0x0000');
      }
      device.writeCoils(address, [quantity === 0xff00]);
      return Buffer.from(pdu.subarray(0, 5));
    }
    case FunctionCode.WriteSingleRegister:
      device.writeRegisters(address, [quantity]);
      return Buffer.from(pdu.subarray(0, 5));
    case FunctionCode.WriteMultipleCoils:
    case FunctionCode.WriteMultipleRegisters: {
      const multipleCoils = fc === FunctionCode.WriteMultipleCoils;
      checkQuantity(quantity, multipleCoils ? MAX_WRITE_BITS : MAX_WRITE_REGISTERS);
      const byteCount = pdu.readUInt8(5);
      const expected = multipleCoils ? Math.ceil(quantity / 8) : quantity * 2;
      if (byteCount !== expected || pdu.length !== 6 + byteCount) {
        throw new ModbusException(ModbusExceptionCode.IllegalDataValue, 'byte count does not match quantity');
      }
      const data = pdu.subarray(6);
      if (multipleCoils) device.writeCoils(address, unpackBits(data, quantity));
      else
        device.writeRegisters(
          address,
          Array.from({ length: quantity }, (_, i) => data.readUInt16BE(i * 2)),
        );
      return Buffer.from(pdu.subarray(0, 5));
    }
    default:
      throw new ModbusException(ModbusExceptionCode.IllegalFunction, `function 0x${fc.toString(16)} not supported`);
  }
}

/** Executes one request PDU against a device and returns the response PDU (an exception PDU when refused). */
export function answerPdu(device: ModbusSlaveDevice, pdu: Buffer): Buffer {
  try {
    return handle(device, pdu);
  } catch (error) {
    if (error instanceof ModbusException) return exceptionPdu(pdu.readUInt8(0), error.code);
    throw error;
  }
}
