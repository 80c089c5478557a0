import type { Socket } from 'node:net';
import { ModbusEndpoint, type Reply, scheduleReply } from './modbus-endpoint';
import type { ModbusSlaveDevice } from './modbus-slave';
import { TcpListener } from './tcp-listener';

const MBAP_HEADER = 7;
const MAX_ADU = 260;

/** Modbus TCP server: MBAP framing, any number of connections, requests answered as they come. */
export class ModbusTcpEndpoint extends ModbusEndpoint {
  readonly canDropConnections = true;
  private readonly listener: TcpListener;

  constructor(id: string, devices: readonly ModbusSlaveDevice[], host: string, port: number) {
    super(id, devices);
    this.listener = new TcpListener(host, port, (socket) => {
      this.accept(socket);
    });
  }

  get port(): number | undefined {
    return this.listener.port;
  }

  async start(): Promise<void> {
    await this.listener.listen();
    this.logger.log(`Modbus TCP endpoint ${this.id} listening on ${this.listener.address}`);
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

  protected unknownUnitReply(unit: number, pdu: Buffer): Reply {
    return ModbusEndpoint.gatewayTargetFailed(unit, pdu);
  }

  private accept(socket: Socket): void {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= MBAP_HEADER) {
        const length = pending.readUInt16BE(4);
        if (pending.readUInt16BE(2) !== 0 || length < 2 || MBAP_HEADER - 1 + length > MAX_ADU) {
          this.logger.warn(`endpoint ${this.id}: malformed MBAP header, closing the connection`);
          socket.destroy();
          return;
        }
        if (pending.length < 6 + length) break;
        const adu = pending.subarray(0, 6 + length);
        pending = pending.subarray(6 + length);
        this.serve(socket, adu);
      }
    });
  }

  private serve(socket: Socket, adu: Buffer): void {
    const transactionId = adu.readUInt16BE(0);
    const reply = this.reply(adu.readUInt8(6), adu.subarray(MBAP_HEADER));
    switch (reply.kind) {
      case 'silence':
        return;
      case 'drop':
        socket.destroy();
        return;
      case 'answer':
        scheduleReply(reply, this.frame(transactionId, reply), (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        });
    }
  }

  private frame(transactionId: number, reply: Reply & { kind: 'answer' }): Buffer {
    const header = Buffer.alloc(MBAP_HEADER);
    header.writeUInt16BE(transactionId, 0);
    header.writeUInt16BE(0, 2);
    header.writeUInt16BE(reply.pdu.length + 1, 4);
    header.writeUInt8(reply.unit, 6);
    const frame = Buffer.concat([header, reply.pdu]);
    if (reply.damage === 'corrupt') {
      // The function code no longer matches the request: the answer is garbage to the master.
      frame[MBAP_HEADER] = (frame[MBAP_HEADER] ?? 0) ^ 0x40;
    }
    return frame;
  }
}
