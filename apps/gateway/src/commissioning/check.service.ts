import { realpathSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import {
  type BusConfig,
  type DocumentProblem,
  type PointScalar,
  type Profile,
  profileProtocolOf,
  valueProblem,
} from '@beffroi/domain';
import { bindBusPoints, type FieldDriver, type PointSample } from '@beffroi/fieldbus';
import { filter, firstValueFrom, map, of, timeout } from 'rxjs';
import { Clock } from '@beffroi/runtime';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import type { CheckRequest, NewBus } from './bind-request';
import { CommissioningService } from './commissioning.service';

/** What the live check found at one point of the profile. */
export interface PointCheck {
  point: string;
  name?: string;
  /**
   * `good`: read, and plausible; `error`: not read (the reason in `reason`); `implausible`: read, but outside the
   * profile's `range`, `values` or `states` (why in `reason`).
   */
  status: 'good' | 'error' | 'implausible';
  value?: PointScalar;
  reason?: string;
}

/** `POST /commissioning/checks`: every point of the profile read once from the device. */
export interface CheckAnswer {
  bus: string;
  /** `existing`: read through the running bus's scheduler; `new`: over a connection of its own, closed after. */
  busState: 'existing' | 'new';
  unit?: number;
  profile: string;
  checkedAt: string;
  /** Every point good. */
  ok: boolean;
  points: PointCheck[];
}

/** A device to check (and bind): its bus as the config says it or as the request defines it, unit and profile. */
export interface CheckTarget {
  /** The bus with the equipment it has in the config (a new bus: none). */
  bus: BusConfig;
  isNew: boolean;
  unit?: number;
  profile: Profile;
}

/** How long a check waits for a new bus to connect. */
export const CONNECT_WAIT_MS = 10_000;

/** Equipment id the points of a check are bound under when it binds nothing. */
const CHECK_EQUIPMENT = 'check';

/**
 * The live check of commissioning: reads every point of a profile once from one device, over the real driver, and
 * says point by point whether it is good, in error or implausible. It never changes the running config. On a bus the
 * gateway polls it reads through that bus's driver (its scheduler orders the check's requests among the polls, so the
 * bus is never opened twice); a new bus gets a connection of its own for the time of the check, holding its port or
 * endpoint as a scan does (a scan of it meanwhile is refused, and the check is refused while a scan runs there).
 */
@Injectable()
export class CheckService {
  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly field: FieldService,
    private readonly clock: Clock,
    private readonly scans: CommissioningService,
  ) {}

  /** The bus, unit and profile a request names, or a 400 naming each field that is wrong (409: a polled port). */
  target(request: CheckRequest): CheckTarget {
    const problems: DocumentProblem[] = [];
    const profile = this.loaded.profiles.get(request.profile);
    if (profile === undefined) {
      const known = [...this.loaded.profiles.keys()].sort().join(', ') || 'none';
      problems.push({ path: 'profile', message: `unknown profile "${request.profile}" (known: ${known})` });
    }
    const bus = typeof request.bus === 'string' ? this.existingBus(request.bus, problems) : this.newBus(request.bus);
    if (bus !== undefined && profile !== undefined && profileProtocolOf(bus.protocol) !== profile.protocol) {
      problems.push({
        path: 'profile',
        message: `profile ${profile.id} is a ${profile.protocol} profile; bus ${bus.id} speaks ${bus.protocol}`,
      });
    }
    if (bus?.protocol === 'opcua' && request.unit !== undefined) {
      problems.push({ path: 'unit', message: `an OPC UA bus has no unit ids: its endpoint is the device` });
    }
    if (bus !== undefined && bus.protocol !== 'opcua') {
      if (request.unit === undefined) {
        problems.push({ path: 'unit', message: 'missing, expected the Modbus unit id of the device' });
      } else if (bus.protocol !== 'modbus-tcp' && (request.unit < 1 || request.unit > 247)) {
        problems.push({ path: 'unit', message: `expected a unit id 1..247 on a serial line, got ${request.unit}` });
      }
    }
    if (bus === undefined || profile === undefined || problems.length > 0) {
      throw new GatewayException(GatewayExceptionCode.InvalidRequest, 'invalid check', problems);
    }
    return {
      bus,
      isNew: typeof request.bus !== 'string',
      profile,
      ...(request.unit === undefined ? {} : { unit: request.unit }),
    };
  }

  /** Reads every point of the target's profile once, as equipment `equipmentId`. */
  async check(target: CheckTarget, equipmentId = CHECK_EQUIPMENT): Promise<CheckAnswer> {
    const equipment = { id: equipmentId, profile: target.profile.id, ...unitOf(target) };
    const probed = { ...target.bus, equipment: [equipment] } as BusConfig;
    const bound = bindBusPoints(probed, this.loaded.profiles);
    const what = `a live check of ${target.unit === undefined ? 'the device' : `unit ${target.unit}`} (profile ${target.profile.id})`;
    const samples = target.isNew
      ? await this.scans.holding(target.bus, what, async () =>
          this.readOnce(await this.field.standaloneDriver(probed, bound), (driver) => driver.read(bound)),
        )
      : await this.readRunning(target.bus, (driver) => driver.read(bound));
    const byKey = new Map<string, PointSample | string>(
      typeof samples === 'string' ? bound.map((point) => [point.key, samples]) : samples.map((s) => [s.key, s]),
    );
    const points = bound.map((point): PointCheck => {
      const { id, name } = point.definition;
      const named = { point: id, ...(name === undefined ? {} : { name }) };
      const sample = byKey.get(point.key) ?? 'not read';
      if (typeof sample === 'string') return { ...named, status: 'error', reason: sample };
      if (sample.quality.status !== 'good' || sample.value === null) {
        return { ...named, status: 'error', reason: 'reason' in sample.quality ? sample.quality.reason : 'no value' };
      }
      const definition = point.definition;
      const problem = valueProblem(
        id,
        {
          type: definition.type,
          states: 'states' in definition ? definition.states : undefined,
          range: 'range' in definition ? definition.range : undefined,
          values: 'values' in definition ? definition.values : undefined,
        },
        sample.value,
      );
      return problem === undefined
        ? { ...named, status: 'good', value: sample.value }
        : { ...named, status: 'implausible', value: sample.value, reason: problem };
    });
    return {
      bus: target.bus.id,
      busState: target.isNew ? 'new' : 'existing',
      ...unitOf(target),
      profile: target.profile.id,
      checkedAt: this.clock.now().toISOString(),
      ok: points.every((point) => point.status === 'good'),
      points,
    };
  }

  private existingBus(id: string, problems: DocumentProblem[]): BusConfig | undefined {
    const bus = this.loaded.config.buses.find((candidate) => candidate.id === id);
    if (bus === undefined) {
      const known = this.loaded.config.buses.map((candidate) => candidate.id).join(', ') || 'none';
      problems.push({
        path: 'bus',
        message: `no bus "${id}" in the config (buses: ${known}); give a new bus's definition to add one`,
      });
    }
    return bus;
  }

  /** A new bus: its id is free, and its port or endpoint is none the gateway polls (that one must be named). */
  private newBus(bus: NewBus): BusConfig {
    const same = this.loaded.config.buses.find((candidate) => candidate.id === bus.id);
    if (same !== undefined) {
      throw new GatewayException(GatewayExceptionCode.InvalidRequest, 'invalid check', [
        { path: 'bus.id', message: `bus id "${bus.id}" is already a bus of the config; name it (bus: "${bus.id}")` },
      ]);
    }
    const polled = this.loaded.config.buses.find((candidate) => sameLine(candidate, bus));
    if (polled !== undefined) {
      throw new GatewayException(
        GatewayExceptionCode.BusPolled,
        `${lineOf(bus)} is bus ${polled.id}, which the gateway polls: a second connection would disturb its polling; ` +
          `name the bus (bus: "${polled.id}") to check the device through it`,
      );
    }
    return { ...bus, equipment: [] };
  }

  /** Reads through the driver of a bus the gateway polls, once its link is up; the reason it could not otherwise. */
  private async readRunning(
    bus: BusConfig,
    read: (driver: FieldDriver) => Promise<PointSample[]>,
  ): Promise<PointSample[] | string> {
    const driver = this.field.drivers.get(bus.id);
    if (driver === undefined) return `bus ${bus.id} is not running`;
    const health = driver.health();
    if (health.link !== 'connected') return `bus ${bus.id} is not connected (${health.link})`;
    return read(driver);
  }

  /** Opens a new bus for one read, then closes it; the reason when it does not connect in time. */
  private async readOnce(
    driver: FieldDriver,
    read: (driver: FieldDriver) => Promise<PointSample[]>,
  ): Promise<PointSample[] | string> {
    const waitMs = CONNECT_WAIT_MS;
    try {
      await driver.start();
      const connected = await firstValueFrom(
        driver.link$.pipe(
          filter((link) => link === 'connected'),
          map(() => true),
          timeout({ first: waitMs, with: () => of(false) }),
        ),
      );
      if (!connected) return `bus ${driver.busId} did not connect within ${waitMs / 1000} s`;
      return await read(driver);
    } finally {
      await driver.stop();
    }
  }
}

function unitOf(target: CheckTarget): { unit?: number } {
  return target.unit === undefined ? {} : { unit: target.unit };
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The serial port, host:port or endpoint of a bus. */
function lineOf(bus: NewBus | BusConfig): string {
  switch (bus.protocol) {
    case 'modbus-rtu':
      return bus.path;
    case 'modbus-tcp':
    case 'modbus-rtu-over-tcp':
      return `${bus.host}:${bus.port}`;
    case 'opcua':
      return bus.endpointUrl;
  }
}

/** Whether two buses are the same line: one serial port (through its links), one host:port, one endpoint. */
function sameLine(a: BusConfig, b: NewBus): boolean {
  if (a.protocol === 'modbus-rtu' && b.protocol === 'modbus-rtu') return realPath(a.path) === realPath(b.path);
  if (a.protocol === 'opcua' && b.protocol === 'opcua') return a.endpointUrl === b.endpointUrl;
  if (a.protocol === 'modbus-rtu' || a.protocol === 'opcua' || b.protocol === 'modbus-rtu' || b.protocol === 'opcua') {
    return false;
  }
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port;
}
