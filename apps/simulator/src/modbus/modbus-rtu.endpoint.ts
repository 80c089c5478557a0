import { SerialPort } from 'serialport';
import { withCrc } from './crc16';
import { ModbusEndpoint, type Reply, scheduleReply } from './modbus-endpoint';
import type { ModbusSlaveDevice } from './modbus-slave';
import { RtuFramer } from './rtu-framer';
import { TcpListener } from './tcp-listener';

/** Silence after which a partial frame is abandoned (well above t3.5 at any usual baud rate). */
const LINE_SILENCE_MS = 50;

/** RTU framing for one byte stream (a serial line or one TCP connection). */
abstract class RtuEndpoint extends ModbusEndpoint {
  /** Feeds received bytes of one link; `send` writes bytes back on that same link, `drop` closes it. */
  protected serveStream(send: (bytes: Buffer) => void, drop: () => void): (chunk: Buffer) => void {
    const framer = new RtuFramer();
    let silenceTimer: NodeJS.Timeout | undefined;
    return (chunk) => {
      clearTimeout(silenceTimer);
      const { requests, discarded } = framer.push(chunk);
      if (discarded > 0) this.logger.debug(`endpoint ${this.id}: ${discarded} bytes discarded while resynchronising`);
      silenceTimer = setTimeout(() => framer.silence(), LINE_SILENCE_MS).unref();
      for (const request of requests) {
        const reply = this.reply(request.unit, request.pdu);
        switch (reply.kind) {
          case 'silence':
            break;
          case 'drop':
            drop();
            return;
          case 'answer':
            scheduleReply(reply, this.frame(reply), send);
        }
      }
    };
  }

  /** Units nobody simulates stay silent, as absent slaves on a real line. */
  protected unknownUnitReply(): Reply {
    return { kind: 'silence' };
  }

  private frame(reply: Reply & { kind: 'answer' }): Buffer {
    const frame = withCrc(Buffer.concat([Buffer.from([reply.unit]), reply.pdu]));
    if (reply.damage === 'corrupt') frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0xff;
    return frame;
  }
}

/** Modbus RTU slave(s) on a serial line (a real port or one end of a pty pair). */
export class ModbusRtuSerialEndpoint extends RtuEndpoint {
  readonly canDropConnections = false;
  readonly port = undefined;
  private readonly serial: SerialPort;

  constructor(id: string, devices: readonly ModbusSlaveDevice[], path: string, baudRate: number) {
    super(id, devices);
    this.serial = new SerialPort({ path, baudRate, autoOpen: false });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.serial.open((error) => (error ? reject(error) : resolve()));
    });
    const onData = this.serveStream(
      (bytes) => this.serial.write(bytes),
      () => undefined,
    );
    this.serial.on('data', onData);
    this.logger.log(`Modbus RTU endpoint ${this.id} on serial line ${this.serial.path}`);
  }

  async stop(): Promise<void> {
    if (!this.serial.isOpen) return;
    await new Promise<void>((resolve) => {
      this.serial.close(() => resolve());
    });
  }

  dropConnections(): number {
    return 0;
  }

  connections(): { open: number; accepted: number } {
    return { open: 0, accepted: 0 };
  }
}

/** Modbus RTU frames carried over TCP connections (serial-to-Ethernet converters in transparent mode). */
export class ModbusRtuOverTcpEndpoint extends RtuEndpoint {
  readonly canDropConnections = true;
  private readonly listener: TcpListener;

  constructor(id: string, devices: readonly ModbusSlaveDevice[], host: string, port: number) {
    super(id, devices);
    this.listener = new TcpListener(host, port, (socket) => {
      socket.on(
        'data',
        this.serveStream(
          (bytes) => {
            if (!socket.destroyed) socket.write(bytes);
          },
          () => socket.destroy(),
        ),
      );
    });
  }

  get port(): number | undefined {
    return this.listener.port;
  }

  async start(): Promise<void> {
    await this.listener.listen();
    this.logger.log(`Modbus RTU-over-TCP endpoint ${this.id} listening on ${this.listener.address}`);
  }

  stop(): Promise<void> {
    return this.listener.close();
  }

  dropConnections(): number {
    return this.listener.dropConnections();
  }

  connections(): { open: number; accepted: number } {
    return this.listener.connections;
  }
}
