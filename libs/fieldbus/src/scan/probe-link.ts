import { Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { crc16, ModbusFrameError, responsePduLength, rtuFrame } from './modbus-frame';

/** Serial line settings tried by an RTU scan. */
export interface RtuLineSettings {
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  dataBits: 7 | 8;
  stopBits: 1 | 2;
}

/** What came back for one request: an answer PDU (exception answers included), nothing, or damaged bytes. */
export type ProbeOutcome = { kind: 'answer'; pdu: Buffer } | { kind: 'silence' } | { kind: 'garbled'; reason: string };

/**
 * A Modbus link for scanning: one request at a time, each with its own timeout, and the raw answer PDU, so that a
 * scan tells a silent unit from a refusing one and a damaged frame from both. It never retries. Rejects only when
 * the link itself fails (port or connection lost).
 */
export interface ModbusProbeLink {
  exchange(unit: number, pdu: Buffer, timeoutMs: number): Promise<ProbeOutcome>;
  close(): Promise<void>;
}

interface Waiting {
  unit: number;
  settle: (outcome: ProbeOutcome) => void;
  fail: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A serial line read as RTU: the answer is cut by the length its function code implies (no reliance on line
 * silence), bytes from another unit (a late answer to an earlier request) are skipped, and a bad CRC is reported.
 */
class RtuProbeLine implements ModbusProbeLink {
  private received = Buffer.alloc(0);
  private waiting: Waiting | undefined;

  constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', () => this.waiting?.fail(new Error(`serial line ${port.path} closed`)));
  }

  exchange(unit: number, pdu: Buffer, timeoutMs: number): Promise<ProbeOutcome> {
    if (this.waiting) return Promise.reject(new Error('one request at a time on a probe line'));
    if (!this.port.isOpen) return Promise.reject(new Error(`serial line ${this.port.path} is not open`));
    this.received = Buffer.alloc(0);
    return new Promise<ProbeOutcome>((resolve, reject) => {
      const waiting: Waiting = { unit, settle: resolve, fail: reject, timer: undefined };
      const done = (finish: () => void) => {
        clearTimeout(waiting.timer);
        if (this.waiting === waiting) this.waiting = undefined;
        finish();
      };
      waiting.settle = (outcome) => done(() => resolve(outcome));
      waiting.fail = (error) => done(() => reject(error));
      this.waiting = waiting;
      this.port.write(rtuFrame(unit, pdu));
      // The timeout runs from the moment the request has left: its own frame time is not the unit's fault.
      this.port.drain(() => {
        if (this.waiting !== waiting) return;
        waiting.timer = setTimeout(() => {
          const partial = this.received.length;
          waiting.settle(
            partial === 0
              ? { kind: 'silence' }
              : { kind: 'garbled', reason: `incomplete answer (${partial} bytes) from unit ${unit}` },
          );
        }, timeoutMs);
      });
    });
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private onData(chunk: Buffer): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length > 0 && this.received[0] !== waiting.unit) this.received = this.received.subarray(1);
    if (this.received.length === 0) return;
    let length: number | undefined;
    try {
      length = responsePduLength(this.received.subarray(1));
    } catch (error) {
      if (!(error instanceof ModbusFrameError)) throw error;
      waiting.settle({ kind: 'garbled', reason: `unit ${waiting.unit}: ${error.message}` });
      return;
    }
    if (length === undefined || this.received.length < 1 + length + 2) return;
    const frame = this.received.subarray(0, 1 + length + 2);
    if (crc16(frame.subarray(0, frame.length - 2)) !== frame.readUInt16LE(frame.length - 2)) {
      waiting.settle({ kind: 'garbled', reason: `answer from unit ${waiting.unit} with a bad CRC` });
      return;
    }
    waiting.settle({ kind: 'answer', pdu: Buffer.from(frame.subarray(1, 1 + length)) });
  }
}

/** Opens a serial line with these settings for scanning. */
export async function openRtuProbeLine(path: string, settings: RtuLineSettings): Promise<ModbusProbeLink> {
  const port = new SerialPort({ path, ...settings, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    port.open((error) => (error ? reject(new Error(`cannot open serial line ${path}: ${error.message}`)) : resolve()));
  });
  return new RtuProbeLine(port);
}

const MBAP_HEADER = 7;

/** A Modbus TCP connection (MBAP) for scanning: each request has its transaction id; late answers are ignored. */
class TcpProbeLink implements ModbusProbeLink {
  private received = Buffer.alloc(0);
  private transaction = 0;
  private waiting: (Waiting & { transaction: number }) | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly target: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.waiting?.fail(new Error(`${target} closed the connection`)));
    socket.on('error', () => undefined);
  }

  exchange(unit: number, pdu: Buffer, timeoutMs: number): Promise<ProbeOutcome> {
    if (this.waiting) return Promise.reject(new Error('one request at a time on a probe link'));
    if (this.socket.destroyed) return Promise.reject(new Error(`${this.target}: connection closed`));
    this.transaction = (this.transaction + 1) & 0xffff;
    const transaction = this.transaction;
    return new Promise<ProbeOutcome>((resolve, reject) => {
      const done = (finish: () => void) => {
        clearTimeout(waiting.timer);
        this.waiting = undefined;
        finish();
      };
      const waiting: Waiting & { transaction: number } = {
        unit,
        transaction,
        settle: (outcome) => done(() => resolve(outcome)),
        fail: (error) => done(() => reject(error)),
        timer: setTimeout(() => waiting.settle({ kind: 'silence' }), timeoutMs),
      };
      this.waiting = waiting;
      const header = Buffer.alloc(MBAP_HEADER);
      header.writeUInt16BE(transaction, 0);
      header.writeUInt16BE(0, 2);
      header.writeUInt16BE(pdu.length + 1, 4);
      header.writeUInt8(unit, 6);
      this.socket.write(Buffer.concat([header, pdu]));
    });
  }

  close(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      this.socket.destroySoon();
    });
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= MBAP_HEADER) {
      const length = this.received.readUInt16BE(4);
      if (this.received.length < 6 + length) return;
      const frame = this.received.subarray(0, 6 + length);
      this.received = this.received.subarray(6 + length);
      const waiting = this.waiting;
      if (frame.readUInt16BE(0) !== waiting?.transaction) continue;
      if (frame.readUInt16BE(2) !== 0 || length < 2) {
        waiting.settle({
          kind: 'garbled',
          reason: `MBAP header with protocol ${frame.readUInt16BE(2)}, length ${length}`,
        });
      } else if (frame.readUInt8(6) !== waiting.unit) {
        waiting.settle({
          kind: 'garbled',
          reason: `answer to unit ${waiting.unit} carries unit ${frame.readUInt8(6)}`,
        });
      } else {
        waiting.settle({ kind: 'answer', pdu: Buffer.from(frame.subarray(MBAP_HEADER)) });
      }
    }
  }
}

/** Connects to a Modbus TCP endpoint for scanning; gives up after `timeoutMs`. */
export function openTcpProbeLink(host: string, port: number, timeoutMs: number): Promise<ModbusProbeLink> {
  const target = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`cannot connect to ${target}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${target}: ${error.message}`));
    });
    socket.connect(port, host, () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(new TcpProbeLink(socket, target));
    });
  });
}
