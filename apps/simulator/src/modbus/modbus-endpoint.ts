import { Logger } from '@nestjs/common';
import { faultForRequest } from './fault';
import { answerPdu, exceptionPdu } from './modbus-pdu';
import { ModbusExceptionCode } from './modbus-exception';
import type { ModbusSlaveDevice } from './modbus-slave';

/** What the wire carries back for one request. */
export type Reply =
  | { kind: 'answer'; unit: number; pdu: Buffer; delayMs: number; damage: 'none' | 'corrupt' | 'short' }
  | { kind: 'silence' }
  | { kind: 'drop' };

/** One listening place (TCP port or serial line) serving one or more simulated units. */
export abstract class ModbusEndpoint {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly units: ReadonlyMap<number, ModbusSlaveDevice>;

  protected constructor(
    readonly id: string,
    devices: readonly ModbusSlaveDevice[],
  ) {
    this.units = new Map(devices.map((device) => [device.unit, device]));
  }

  /** Whether `drop` faults make sense here (a connection to close). */
  abstract readonly canDropConnections: boolean;
  /** TCP port listened on, or undefined for a serial line. */
  abstract readonly port: number | undefined;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** Client connections: open now and accepted since start (a serial line has none). */
  abstract connections(): { open: number; accepted: number };
  /** Closes every open client connection now; returns how many were closed. */
  abstract dropConnections(): number;

  /** How a unit that nobody simulates answers: a gateway exception on TCP, silence on a serial line. */
  protected abstract unknownUnitReply(unit: number, pdu: Buffer): Reply;

  /** Runs one request through the addressed device and its current fault. */
  protected reply(unit: number, pdu: Buffer): Reply {
    const device = this.units.get(unit);
    if (!device) return this.unknownUnitReply(unit, pdu);
    const fault = faultForRequest(device.fault, Math.random());
    const fc = pdu.readUInt8(0);
    const answer = (
      response: Buffer,
      delayMs = 0,
      damage: 'none' | 'corrupt' | 'short' = 'none',
      replyUnit = unit,
    ): Reply => ({ kind: 'answer', unit: replyUnit, pdu: response, delayMs, damage });
    switch (fault.mode) {
      case 'none':
        return answer(answerPdu(device, pdu));
      case 'no-answer':
        return { kind: 'silence' };
      case 'drop':
        return { kind: 'drop' };
      case 'slow':
        return answer(answerPdu(device, pdu), fault.delayMs);
      case 'exception':
        return answer(exceptionPdu(fc, fault.code));
      case 'corrupt':
        return answer(answerPdu(device, pdu), 0, 'corrupt');
      case 'short':
        return answer(answerPdu(device, pdu), 0, 'short');
      case 'wrong-unit':
        return answer(answerPdu(device, pdu), 0, 'none', (unit % 247) + 1);
    }
  }

  protected static gatewayTargetFailed(unit: number, pdu: Buffer): Reply {
    return {
      kind: 'answer',
      unit,
      pdu: exceptionPdu(pdu.readUInt8(0), ModbusExceptionCode.GatewayTargetFailedToRespond),
      delayMs: 0,
      damage: 'none',
    };
  }
}

/** Sends a reply after its delay, unless the link went away meanwhile. */
export function scheduleReply(reply: Reply & { kind: 'answer' }, frame: Buffer, send: (frame: Buffer) => void): void {
  const bytes = reply.damage === 'short' ? frame.subarray(0, Math.max(1, Math.floor(frame.length / 2))) : frame;
  if (reply.delayMs === 0) send(bytes);
  else setTimeout(() => send(bytes), reply.delayMs).unref();
}
