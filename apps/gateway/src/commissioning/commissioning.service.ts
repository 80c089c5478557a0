import { randomUUID } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type BusConfig, identificationProbes, type ProfileProposal, proposeProfiles } from '@beffroi/domain';
import {
  type FoundUnit,
  type GarbledUnit,
  type ModbusScanHooks,
  type ModbusScanOptions,
  type ModbusScanResult,
  openRtuProbeLine,
  openTcpProbeLink,
  type RtuLineSettings,
  scanRtuBus,
  scanTcpEndpoint,
} from '@beffroi/fieldbus';
import type { OpcuaScanResult } from '@beffroi/fieldbus/opcua';
import { Clock } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import type { IdentifyRequest, ScanRequest } from './scan-request';

/** How many scans the gateway keeps (running ones are never dropped). */
export const KEPT_SCANS = 10;

/** A Modbus unit found, with the profiles whose identification it matches. */
export type ScannedUnit = FoundUnit & { profiles: ProfileProposal[] };

/** A scan as the local API shows it. */
export interface ScanView {
  id: string;
  kind: ScanRequest['kind'];
  /** Serial path, host:port or endpoint URL. */
  target: string;
  /** `stopped`: ended early by `DELETE` (what was found is kept); `failed`: the port or endpoint could not be used. */
  state: 'running' | 'done' | 'stopped' | 'failed';
  /** The login of who started it (`local` for the local credential). */
  startedBy: string;
  startedAt: string;
  endedAt?: string;
  /** Probes sent and in all (units × line settings); an OPC UA scan counts its one endpoint. */
  progress: { done: number; total: number };
  found: ScannedUnit[];
  garbled: GarbledUnit[];
  /** An OPC UA scan's endpoints, identity and address space, with the profiles proposed. */
  opcua?: OpcuaScanResult & { profiles: ProfileProposal[] };
  error?: string;
}

/** `POST /commissioning/identify`: whether the unit answered, its identity and the profiles proposed. */
export type IdentifyAnswer =
  | ({ kind: 'rtu' | 'tcp'; target: string; answered: true } & ScannedUnit)
  | { kind: 'rtu' | 'tcp'; target: string; unit: number; answered: false; reason: string }
  | ({ kind: 'opcua'; target: string } & OpcuaScanResult & { profiles: ProfileProposal[] });

type ModbusRequest = Extract<ScanRequest, { kind: 'rtu' | 'tcp' }>;
type ScanHooks = Pick<ModbusScanHooks, 'onProgress' | 'onFound'>;

interface Scan {
  view: ScanView;
  /** The port or endpoint it holds. */
  lock: string;
  abort: AbortController;
  ended: Promise<void>;
}

/**
 * Commissioning scans started from the local API: at most one scan (or identification, or live check of a new bus) at a
 * time per serial port or endpoint, never on a bus the gateway polls, with live progress and the units found so far.
 * Stopping a scan keeps what it found. The last {@link KEPT_SCANS} scans are kept in memory, with who started them.
 */
@Injectable()
export class CommissioningService implements OnApplicationShutdown {
  private readonly scans = new Map<string, Scan>();
  /** Locks held by identifications and live checks, which are not kept as scans: what holds each, in words. */
  private readonly holders = new Map<string, string>();

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {}

  list(): ScanView[] {
    return [...this.scans.values()].map((scan) => scan.view).reverse();
  }

  get(id: string): ScanView {
    return this.scanOf(id).view;
  }

  /** Starts a scan and answers at once; it runs on in the background. */
  start(request: ScanRequest, startedBy: string): ScanView {
    const target = targetOf(request);
    const lock = this.claim(target);
    const abort = new AbortController();
    const view: ScanView = {
      id: randomUUID(),
      kind: request.kind,
      target: target.name,
      state: 'running',
      startedBy,
      startedAt: this.clock.now().toISOString(),
      progress: { done: 0, total: totalProbes(request) },
      found: [],
      garbled: [],
    };
    const scan: Scan = { view, lock, abort, ended: Promise.resolve() };
    scan.ended = this.run(request, view, abort.signal).then(
      (stopped) => this.end(view, stopped ? 'stopped' : 'done'),
      (error: unknown) => this.end(view, 'failed', error instanceof Error ? error.message : String(error)),
    );
    this.scans.set(view.id, scan);
    this.prune();
    return view;
  }

  /** The gateway stops: running scans are stopped, so that their serial ports and connections are closed. */
  async onApplicationShutdown(): Promise<void> {
    for (const scan of this.scans.values()) scan.abort.abort();
    await Promise.all([...this.scans.values()].map((scan) => scan.ended));
  }

  /** Stops a running scan (within one unit's timeout) and answers it with what it found; an ended scan as it is. */
  async stop(id: string): Promise<ScanView> {
    const scan = this.scanOf(id);
    scan.abort.abort();
    await scan.ended;
    return scan.view;
  }

  /**
   * Runs `work` holding the port or endpoint of a bus the gateway does not poll yet, as a scan holds it: a live check
   * (or binding) of a device on a new bus opens that line itself, so it waits for no scan and no scan waits for it —
   * each is refused while the other runs (409 `SCAN_RUNNING`, naming what holds the line). `what` says the holder.
   */
  async holding<T>(bus: BusConfig, what: string, work: () => Promise<T>): Promise<T> {
    const lock = this.claim(busTargetOf(bus));
    this.holders.set(lock, what);
    try {
      return await work();
    } finally {
      this.holders.delete(lock);
    }
  }

  async identify(request: IdentifyRequest): Promise<IdentifyAnswer> {
    const target = targetOf(request);
    const lock = this.claim(target);
    this.holders.set(lock, 'an identification');
    try {
      if (request.kind === 'opcua') {
        const result = await this.opcua(request.endpoint, 1, request.timeout);
        return { kind: 'opcua', ...result, profiles: proposeProfiles(result, this.loaded.profiles.values()) };
      }
      const single: ModbusRequest = { ...request, units: [request.unit] };
      const result = await this.modbus(single, {}, new AbortController().signal);
      const [found] = result.found;
      if (found !== undefined) {
        return { kind: request.kind, target: target.name, answered: true, ...this.proposed(found) };
      }
      const garbled = result.garbled[0]?.reason;
      return {
        kind: request.kind,
        target: target.name,
        unit: request.unit,
        answered: false,
        reason: garbled ?? `no answer within ${request.timeout} ms`,
      };
    } finally {
      this.holders.delete(lock);
    }
  }

  /** Runs a scan into its view; true when it was stopped before its end (an OPC UA scan always runs to its end). */
  private async run(request: ScanRequest, view: ScanView, signal: AbortSignal): Promise<boolean> {
    if (request.kind === 'opcua') {
      const result = await this.opcua(request.endpoint, request.depth, request.timeout);
      view.opcua = { ...result, profiles: proposeProfiles(result, this.loaded.profiles.values()) };
      view.progress = { done: 1, total: 1 };
      return false;
    }
    const result = await this.modbus(
      request,
      {
        onProgress: (progress) => (view.progress = { done: progress.done, total: progress.total }),
        onFound: (found) => view.found.push(this.proposed(found)),
      },
      signal,
    );
    view.progress = { done: result.probed, total: result.total };
    view.garbled = result.garbled;
    return result.stopped === 'aborted';
  }

  private modbus(request: ModbusRequest, hooks: ScanHooks, signal: AbortSignal): Promise<ModbusScanResult> {
    const modbusProfiles = [...this.loaded.profiles.values()].filter((profile) => profile.protocol === 'modbus');
    const options: ModbusScanOptions = {
      units: request.units,
      timeoutMs: request.timeout,
      identify: true,
      reads: identificationProbes(modbusProfiles),
      ...(request.stopAfter === undefined ? {} : { stopAfter: request.stopAfter }),
      signal,
    };
    const now = () => performance.now();
    if (request.kind === 'rtu') {
      return scanRtuBus({ path: request.port, lines: lineSettings(request) }, options, {
        ...hooks,
        now,
        open: openRtuProbeLine,
      });
    }
    const connectTimeout = Math.max(2000, request.timeout);
    return scanTcpEndpoint({ host: request.host, port: request.port }, options, {
      ...hooks,
      now,
      open: (host, port) => openTcpProbeLink(host, port, connectTimeout),
    });
  }

  private async opcua(endpointUrl: string, depth: number, timeoutMs: number): Promise<OpcuaScanResult> {
    const pkiDir = join(dirname(this.loaded.config.storage.path), 'scan-pki');
    mkdirSync(pkiDir, { recursive: true });
    const { scanOpcuaEndpoint } = await import('@beffroi/fieldbus/opcua');
    return scanOpcuaEndpoint({ endpointUrl, depth, timeoutMs, pkiDir }, () => performance.now());
  }

  private proposed(found: FoundUnit): ScannedUnit {
    return { ...found, profiles: proposeProfiles({ protocol: 'modbus', ...found }, this.loaded.profiles.values()) };
  }

  private end(view: ScanView, state: ScanView['state'], error?: string): void {
    view.state = state;
    view.endedAt = this.clock.now().toISOString();
    if (error !== undefined) view.error = error;
  }

  /** The lock of a port or endpoint free to scan, or the 409 saying who holds it. */
  private claim(target: Target): string {
    const polled = this.loaded.config.buses.find((bus) => target.polledBy(bus));
    if (polled !== undefined) {
      throw new GatewayException(
        GatewayExceptionCode.BusPolled,
        `${target.name} is bus ${polled.id}, which the gateway polls: scanning it would disturb its polling; ` +
          `take the bus out of the gateway's config (or scan another port) first`,
      );
    }
    const running = [...this.scans.values()].find((scan) => scan.lock === target.lock && scan.view.state === 'running');
    if (running !== undefined) {
      throw new GatewayException(
        GatewayExceptionCode.ScanRunning,
        `scan ${running.view.id} started by ${running.view.startedBy} is running on ${target.name}; ` +
          `wait for it or stop it (DELETE /commissioning/scans/${running.view.id})`,
      );
    }
    const holder = this.holders.get(target.lock);
    if (holder !== undefined) {
      throw new GatewayException(
        GatewayExceptionCode.ScanRunning,
        `${holder} is running on ${target.name}; try again once it has ended`,
      );
    }
    return target.lock;
  }

  private scanOf(id: string): Scan {
    const scan = this.scans.get(id);
    if (scan === undefined) {
      throw new GatewayException(
        GatewayExceptionCode.UnknownScan,
        `no scan ${id} (the gateway keeps the last ${KEPT_SCANS} scans, until it restarts)`,
      );
    }
    return scan;
  }

  /** Drops the oldest ended scans beyond {@link KEPT_SCANS}. */
  private prune(): void {
    for (const [id, scan] of this.scans) {
      if (this.scans.size <= KEPT_SCANS) return;
      if (scan.view.state !== 'running') this.scans.delete(id);
    }
  }
}

type Bus = LoadedGatewayConfig['config']['buses'][number];

interface Target {
  name: string;
  /** One key per serial port (resolved through its links), TCP endpoint or OPC UA endpoint. */
  lock: string;
  polledBy(bus: Bus): boolean;
}

/** Probes a scan sends had it run to the end: units × line settings; an OPC UA scan counts its endpoint. */
function totalProbes(request: ScanRequest): number {
  if (request.kind === 'opcua') return 1;
  return request.units.length * (request.kind === 'rtu' ? lineSettings(request).length : 1);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function targetOf(request: ScanRequest | IdentifyRequest): Target {
  switch (request.kind) {
    case 'rtu':
      return serialTarget(request.port);
    case 'tcp':
      return tcpTarget(request.host, request.port);
    case 'opcua':
      return opcuaTarget(request.endpoint);
  }
}

/** The line of a bus of the config's shape, under the same lock as a scan of it. */
function busTargetOf(bus: BusConfig): Target {
  switch (bus.protocol) {
    case 'modbus-rtu':
      return serialTarget(bus.path);
    case 'modbus-tcp':
    case 'modbus-rtu-over-tcp':
      return tcpTarget(bus.host, bus.port);
    case 'opcua':
      return opcuaTarget(bus.endpointUrl);
  }
}

function serialTarget(port: string): Target {
  const device = realPath(port);
  return {
    name: port,
    lock: `serial:${device}`,
    polledBy: (bus) => bus.protocol === 'modbus-rtu' && realPath(bus.path) === device,
  };
}

function tcpTarget(hostName: string, port: number): Target {
  const host = hostName.toLowerCase();
  return {
    name: `${hostName}:${port}`,
    lock: `tcp:${host}:${port}`,
    polledBy: (bus) =>
      (bus.protocol === 'modbus-tcp' || bus.protocol === 'modbus-rtu-over-tcp') &&
      bus.host.toLowerCase() === host &&
      bus.port === port,
  };
}

function opcuaTarget(endpoint: string): Target {
  return {
    name: endpoint,
    lock: `opcua:${endpoint}`,
    polledBy: (bus) => bus.protocol === 'opcua' && bus.endpointUrl === endpoint,
  };
}

/** Every baud rate × parity asked for. */
function lineSettings(request: Extract<ScanRequest, { kind: 'rtu' }>): RtuLineSettings[] {
  const { dataBits, stopBits } = request;
  return request.baud.flatMap((baudRate) => request.parity.map((parity) => ({ baudRate, parity, dataBits, stopBits })));
}
