/** Modbus exception codes (Modbus Application Protocol v1.1b3, §7). */
export enum ModbusExceptionCode {
  IllegalFunction = 0x01,
  IllegalDataAddress = 0x02,
  IllegalDataValue = 0x03,
  ServerDeviceFailure = 0x04,
  Acknowledge = 0x05,
  ServerDeviceBusy = 0x06,
  GatewayPathUnavailable = 0x0a,
  GatewayTargetFailedToRespond = 0x0b,
}

/** Thrown by a simulated device to answer a request with a Modbus exception. */
export class ModbusException extends Error {
  constructor(
    readonly code: ModbusExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModbusException';
  }
}
