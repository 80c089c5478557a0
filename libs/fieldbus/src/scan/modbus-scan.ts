import { isBitTable, type ModbusTable } from '@beffroi/domain';
import {
  type DeviceIdentity,
  exceptionMeaning,
  ModbusExceptionAnswer,
  readDeviceIdentification,
} from './device-identification';
import { ModbusFrameError } from './modbus-frame';
import type { ModbusProbeLink, ProbeOutcome, RtuLineSettings } from './probe-link';

/** One address read from each unit found: the scan's probe, or a register a profile recognises its device by. */
export interface ModbusRead {
  table: ModbusTable;
  address: number;
}

/** What one read gave: the value, or the unit's exception, or why there is none. */
export type ReadResult = ModbusRead & ({ value: number | boolean } | { exception: number } | { error: string });

/** A unit that answered (with data or with an exception: either proves it is there). */
export interface FoundUnit {
  unit: number;
  /** The serial line settings it answered at (RTU scans). */
  line?: RtuLineSettings;
  /** `exception`: it refused the probe read, with this code. */
  answer: 'data' | 'exception';
  exception?: { code: number; meaning: string };
  /** Its Read Device Identification (function 43 / MEI 14), when asked for and supported. */
  identity?: DeviceIdentity;
  /** Why there is no identity (it was asked for): the exception, the damaged frame, the silence. */
  identityError?: string;
  /** The reads asked for, in order. */
  reads: ReadResult[];
}

/** Something answered at this unit, but not a Modbus answer one can read (wrong line settings, wiring, noise). */
export interface GarbledUnit {
  unit: number;
  line?: RtuLineSettings;
  reason: string;
}

export interface ScanProgress {
  /** Probes sent so far and in all (units × line settings). */
  done: number;
  total: number;
  unit: number;
  line?: RtuLineSettings;
  found: number;
}

export interface ModbusScanOptions {
  /** Unit ids to try, in order (1..247). */
  units: readonly number[];
  /** How long each unit has to answer, milliseconds. */
  timeoutMs: number;
  /** The read that tells whether a unit is there; default holding register 0. */
  probe?: ModbusRead;
  /** Read each found unit's identification (function 43). */
  identify?: boolean;
  /** Further reads on each found unit (the probe registers profiles recognise their device by). */
  reads?: readonly ModbusRead[];
  /** Stop once this many units were found. */
  stopAfter?: number;
  /** Stop as soon as this is aborted (the engineer's "stop"): the result holds what was found so far. */
  signal?: AbortSignal;
}

export interface ModbusScanHooks {
  /** Milliseconds on a monotonic clock (`performance.now()` in production). */
  now: () => number;
  onProgress?: (progress: ScanProgress) => void;
  /** Each unit as soon as it is found (identified and read), before the scan goes on. */
  onFound?: (found: FoundUnit) => void;
}

export interface ModbusScanResult {
  protocol: 'modbus';
  /** Serial path or host:port. */
  target: string;
  found: FoundUnit[];
  garbled: GarbledUnit[];
  /** Probes sent, and in all had the scan run to the end. */
  probed: number;
  total: number;
  /** `stop-after`: enough units found; `aborted`: stopped by the caller. */
  stopped?: 'stop-after' | 'aborted';
  durationMs: number;
}

/** Exceptions a Modbus TCP gateway answers for a unit behind it that is absent: they do not prove a device. */
const GATEWAY_EXCEPTIONS = new Set([0x0a, 0x0b]);

const READ_FUNCTION: Record<ModbusTable, number> = {
  coil: 0x01,
  'discrete-input': 0x02,
  'holding-register': 0x03,
  'input-register': 0x04,
};

function readRequest(read: ModbusRead): Buffer {
  const pdu = Buffer.alloc(5);
  pdu.writeUInt8(READ_FUNCTION[read.table], 0);
  pdu.writeUInt16BE(read.address, 1);
  pdu.writeUInt16BE(1, 3);
  return pdu;
}

/** The value of a one-address read answer, an exception, or what is wrong with the frame. */
function readResult(read: ModbusRead, outcome: ProbeOutcome): ReadResult {
  if (outcome.kind === 'silence') return { ...read, error: 'no answer (timeout)' };
  if (outcome.kind === 'garbled') return { ...read, error: outcome.reason };
  const { pdu } = outcome;
  const fc = READ_FUNCTION[read.table];
  if (pdu[0] === (fc | 0x80)) return { ...read, exception: pdu[1] ?? 0 };
  const bits = isBitTable(read.table);
  if (pdu[0] !== fc || pdu[1] !== (bits ? 1 : 2) || pdu.length !== (bits ? 3 : 4)) {
    return { ...read, error: `answer to function ${fc} read of one address is malformed (${pdu.length} bytes)` };
  }
  return { ...read, value: bits ? (pdu.readUInt8(2) & 1) === 1 : pdu.readUInt16BE(2) };
}

/** The identity of a unit, or why there is none, in the project's words. */
async function identify(
  link: ModbusProbeLink,
  unit: number,
  timeoutMs: number,
): Promise<Pick<FoundUnit, 'identity' | 'identityError'>> {
  try {
    const identity = await readDeviceIdentification(async (request) => {
      const outcome = await link.exchange(unit, request, timeoutMs);
      if (outcome.kind === 'silence') throw new ModbusFrameError('no answer to Read Device Identification (timeout)');
      if (outcome.kind === 'garbled') throw new ModbusFrameError(outcome.reason);
      return outcome.pdu;
    });
    return { identity };
  } catch (error) {
    if (error instanceof ModbusExceptionAnswer) {
      return {
        identityError:
          error.code === 1
            ? 'no Read Device Identification (exception 1, illegal function)'
            : `Read Device Identification refused: exception ${error.code} (${exceptionMeaning(error.code)})`,
      };
    }
    if (error instanceof ModbusFrameError) return { identityError: error.message };
    throw error;
  }
}

/**
 * Probes each unit once on an open link, then identifies and reads the units that answered. A unit is there when it
 * answers the probe with data or with a Modbus exception (except a TCP gateway's "target absent" exceptions 10 and
 * 11); silent units are not listed. Units in `skip` (found at earlier line settings) are not probed again.
 */
export async function scanUnits(
  link: ModbusProbeLink,
  options: ModbusScanOptions,
  hooks: ModbusScanHooks,
  progress: { done: number; total: number; line?: RtuLineSettings; skip?: ReadonlySet<number> },
  result: Pick<ModbusScanResult, 'found' | 'garbled' | 'stopped'>,
): Promise<number> {
  const probe = options.probe ?? { table: 'holding-register', address: 0 };
  const line = progress.line === undefined ? {} : { line: progress.line };
  let done = progress.done;
  for (const unit of options.units) {
    if (options.signal?.aborted) {
      result.stopped = 'aborted';
      return done;
    }
    if (options.stopAfter !== undefined && result.found.length >= options.stopAfter) {
      result.stopped = 'stop-after';
      return done;
    }
    if (progress.skip?.has(unit)) {
      done++;
      continue;
    }
    const outcome = await link.exchange(unit, readRequest(probe), options.timeoutMs);
    done++;
    if (outcome.kind === 'garbled') result.garbled.push({ unit, ...line, reason: outcome.reason });
    if (outcome.kind === 'answer') {
      const answer = readResult(probe, outcome);
      if ('error' in answer) result.garbled.push({ unit, ...line, reason: answer.error });
      else if (!('exception' in answer && GATEWAY_EXCEPTIONS.has(answer.exception))) {
        const found: FoundUnit = {
          unit,
          ...line,
          answer: 'exception' in answer ? 'exception' : 'data',
          ...('exception' in answer
            ? { exception: { code: answer.exception, meaning: exceptionMeaning(answer.exception) } }
            : {}),
          ...(options.identify ? await identify(link, unit, options.timeoutMs) : {}),
          reads: [],
        };
        for (const read of options.reads ?? []) {
          found.reads.push(readResult(read, await link.exchange(unit, readRequest(read), options.timeoutMs)));
        }
        result.found.push(found);
        hooks.onFound?.(found);
      }
    }
    hooks.onProgress?.({ done, total: progress.total, unit, ...line, found: result.found.length });
  }
  return done;
}

/** Scans a Modbus TCP endpoint's units over one connection. */
export async function scanTcpEndpoint(
  target: { host: string; port: number },
  options: ModbusScanOptions,
  hooks: ModbusScanHooks & { open: (host: string, port: number) => Promise<ModbusProbeLink> },
): Promise<ModbusScanResult> {
  const started = hooks.now();
  const link = await hooks.open(target.host, target.port);
  const result: ModbusScanResult = {
    protocol: 'modbus',
    target: `${target.host}:${target.port}`,
    found: [],
    garbled: [],
    probed: 0,
    total: options.units.length,
    durationMs: 0,
  };
  try {
    result.probed = await scanUnits(link, options, hooks, { done: 0, total: result.total }, result);
  } finally {
    await link.close();
  }
  result.durationMs = hooks.now() - started;
  return result;
}

/**
 * Scans an RTU bus: every unit at each line setting in turn (baud rate × parity…), the port reopened for each.
 * A unit found at one setting is not probed again at the next.
 */
export async function scanRtuBus(
  target: { path: string; lines: readonly RtuLineSettings[] },
  options: ModbusScanOptions,
  hooks: ModbusScanHooks & { open: (path: string, line: RtuLineSettings) => Promise<ModbusProbeLink> },
): Promise<ModbusScanResult> {
  const started = hooks.now();
  const result: ModbusScanResult = {
    protocol: 'modbus',
    target: target.path,
    found: [],
    garbled: [],
    probed: 0,
    total: options.units.length * target.lines.length,
    durationMs: 0,
  };
  for (const line of target.lines) {
    if (result.stopped !== undefined) break;
    const link = await hooks.open(target.path, line);
    try {
      const skip = new Set(result.found.map((found) => found.unit));
      result.probed = await scanUnits(
        link,
        options,
        hooks,
        { done: result.probed, total: result.total, line, skip },
        result,
      );
    } finally {
      await link.close();
    }
  }
  result.durationMs = hooks.now() - started;
  return result;
}
