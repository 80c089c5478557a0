import { Injectable } from '@nestjs/common';
import { desiredScheduleItemSchema, type DocumentProblem, splitPointKey } from '@beffroi/domain';
import { parseUntil, ScheduleException, type UntilForm } from '@beffroi/schedule';
import type { CatalogueSchedule, DesiredSections } from '@beffroi/sync';
import type { Caller } from '../auth/caller';
import { CentralConfig } from '../central.config';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import type { CommandRequest } from '../commands/command.dto';
import type { ScheduleItem } from '../desired/desired.dto';
import { CatalogueService, type KnownPoint, pointsOf, type StoredCatalogue } from './catalogue.service';
import { GatewayService } from './gateway.service';

const INTEGER_TYPES = new Set(['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** What a schedule drives, as one key per output, zone or bell controller, in its priority slot. */
interface Drive {
  readonly slot: string;
  readonly keys: readonly string[];
}

/**
 * Central checks a command or a schedule against what the gateway reported it has (its catalogue) before accepting
 * it, so a request the gateway would refuse is answered 400 naming the field rather than accepted and failed later:
 * unknown or read-only points, values of the wrong type, outside the point's states or range, deadlines in the past
 * or too far ahead, schedules driving outputs, zones or equipment the gateway lacks, or an output another schedule
 * already drives in the same slot. Without a catalogue (the gateway never connected) it answers 409. The gateway
 * still checks everything itself.
 */
@Injectable()
export class CatalogueCheck {
  constructor(
    private readonly gateways: GatewayService,
    private readonly catalogues: CatalogueService,
    private readonly config: CentralConfig,
    private readonly clock: Clock,
  ) {}

  async command(caller: Caller, gatewayId: string, request: CommandRequest): Promise<void> {
    const gateway = await this.gateways.gateway(caller, gatewayId, 'command');
    const catalogue = await this.catalogues.catalogueOf(gateway);
    const problems: DocumentProblem[] = [];
    const point = pointsOf(catalogue).get(request.pointKey);
    if (point === undefined) {
      problems.push({ path: 'pointKey', message: unknownPoint(request.pointKey, gatewayId, catalogue) });
    } else if (!point.writable) {
      problems.push({ path: 'pointKey', message: `${describe(point)} is a ${point.kind} point: it cannot be written` });
    } else if (request.action === 'switch' || request.action === 'override-until') {
      const wrong = valueProblem(point, request.value);
      if (wrong !== undefined) problems.push({ path: 'value', message: wrong });
    }
    const now = this.clock.now().getTime();
    const { maxNotAfter, maxUntil } = this.config.commands;
    if (request.notAfter !== undefined) {
      const wrong = deadlineProblem(request.notAfter, now, maxNotAfter);
      if (wrong !== undefined) problems.push({ path: 'notAfter', message: wrong });
    }
    if (request.action === 'override-until') {
      const wrong = deadlineProblem(request.until, now, maxUntil);
      if (wrong !== undefined) problems.push({ path: 'until', message: wrong });
    }
    if (request.action === 'switch') problems.push(...untilProblems(request, now, maxUntil));
    refuse('command', problems);
  }

  async schedule(caller: Caller, gatewayId: string, scheduleId: string, item: ScheduleItem): Promise<void> {
    const gateway = await this.gateways.gateway(caller, gatewayId, 'editSchedules');
    const catalogue = await this.catalogues.catalogueOf(gateway);
    const points = pointsOf(catalogue);
    const problems: DocumentProblem[] = [];
    const targets = targetsOf(item);
    targets.keys.forEach((key, index) => {
      const path = targets.field === 'equipment' ? 'equipment' : `${targets.field}[${index}]`;
      const wrong = targetProblem(item.kind, key, points, gatewayId, catalogue);
      if (wrong !== undefined) problems.push({ path, message: wrong });
    });
    const desired = (JSON.parse(gateway.desiredJson) as DesiredSections).schedules;
    const others = [
      ...catalogue.schedules
        .filter((s) => s.id !== scheduleId && !Object.hasOwn(desired, s.id))
        .map((s) => ({ id: s.id, source: 'config', drive: configDrive(s) })),
      ...Object.entries(desired).flatMap(([id, other]) => {
        const parsed = desiredScheduleItemSchema.safeParse(other);
        return id === scheduleId || !parsed.success ? [] : [{ id, source: 'central', drive: driveOf(parsed.data) }];
      }),
    ];
    const mine = driveOf(item);
    mine.keys.forEach((key, index) => {
      const taken = others.find((o) => o.drive.slot === mine.slot && o.drive.keys.includes(key));
      if (taken === undefined) return;
      problems.push({
        path: targets.field === 'equipment' ? 'equipment' : `${targets.field}[${index}]`,
        message:
          `${key} is already driven in slot ${mine.slot} by schedule "${taken.id}" (${taken.source}); ` +
          'two schedules cannot drive the same output in the same slot',
      });
    });
    refuse('schedule', problems);
  }
}

function refuse(what: string, problems: readonly DocumentProblem[]): void {
  const [first] = problems;
  if (first === undefined) return;
  throw new CentralException(
    CentralExceptionCode.InvalidRequest,
    `invalid ${what}: ${first.path}: ${first.message}`,
    problems,
  );
}

function describe(point: KnownPoint): string {
  return point.name === undefined ? point.key : `${point.key} (${point.name})`;
}

function unknownPoint(key: string, gatewayId: string, catalogue: StoredCatalogue): string {
  const equipmentId = splitPointKey(key)?.equipmentId ?? key;
  const equipment = catalogue.equipment.find((e) => e.id === equipmentId);
  if (equipment === undefined) {
    const known = catalogue.equipment.map((e) => e.id).join(', ');
    return `gateway ${gatewayId} has no equipment "${equipmentId}" (its equipment: ${known === '' ? 'none' : known})`;
  }
  return `equipment "${equipmentId}" of gateway ${gatewayId} has no point "${key.slice(equipmentId.length + 1)}"`;
}

/** Whether `value` fits the point: its data type, its named states, its range. */
function valueProblem(point: KnownPoint, value: boolean | number | string): string | undefined {
  const what = describe(point);
  if (point.type === 'bool')
    return typeof value === 'boolean' ? undefined : `${what} takes true or false, got ${JSON.stringify(value)}`;
  if (point.type === 'string')
    return typeof value === 'string' ? undefined : `${what} takes text, got ${JSON.stringify(value)}`;
  if (typeof value !== 'number') return `${what} takes a number (${point.type}), got ${JSON.stringify(value)}`;
  if (point.states !== undefined && !Object.hasOwn(point.states, String(value))) {
    const states = Object.entries(point.states).map(([k, name]) => `${k} (${name})`);
    return `${what} takes one of ${states.join(', ')}, got ${value}`;
  }
  if (INTEGER_TYPES.has(point.type) && point.range === undefined && !Number.isInteger(value)) {
    return `${what} takes an integer (${point.type}), got ${value}`;
  }
  if (point.range !== undefined && (value < point.range.min || value > point.range.max)) {
    const unit = point.unit === undefined ? '' : ` ${point.unit}`;
    return `${what} takes ${point.range.min}..${point.range.max}${unit}, got ${value}`;
  }
  return undefined;
}

/**
 * Whether a switch's `until` is a form the gateway can resolve: a known form, a time HH:MM, an instant ahead and
 * within `commands.maxUntil`. `next-transition`, `HH:MM` and `sunrise` are resolved by the gateway (its schedules,
 * its site), which refuses the command when there is no such end.
 */
function untilProblems(
  request: { until?: string | undefined; permanent?: true | undefined },
  now: number,
  maxUntil: number,
): DocumentProblem[] {
  if (request.until === undefined) return [];
  if (request.permanent === true) {
    return [{ path: 'permanent', message: 'give either until or permanent: true, not both' }];
  }
  let form: UntilForm;
  try {
    form = parseUntil(request.until);
  } catch (error) {
    if (error instanceof ScheduleException) return [{ path: 'until', message: error.message }];
    throw error;
  }
  const wrong = form.kind === 'instant' ? deadlineProblem(request.until, now, maxUntil) : undefined;
  return wrong === undefined ? [] : [{ path: 'until', message: wrong }];
}

function deadlineProblem(at: string, now: number, horizon: number): string | undefined {
  const time = Date.parse(at);
  if (time <= now) return `${at} is in the past (central's time is ${new Date(now).toISOString()})`;
  if (time > now + horizon) {
    return `${at} is too far ahead: at most ${new Date(now + horizon).toISOString()} (${horizon / 3_600_000} h from now)`;
  }
  return undefined;
}

function targetsOf(item: ScheduleItem): { field: 'outputs' | 'zones' | 'equipment'; keys: readonly string[] } {
  switch (item.kind) {
    case 'lighting':
      return { field: 'outputs', keys: item.outputs };
    case 'heating':
      return { field: 'zones', keys: item.zones };
    case 'bells':
      return { field: 'equipment', keys: [item.equipment] };
  }
}

/** Whether the gateway has what a schedule of `kind` drives through `key`. */
function targetProblem(
  kind: ScheduleItem['kind'],
  key: string,
  points: ReadonlyMap<string, KnownPoint>,
  gatewayId: string,
  catalogue: StoredCatalogue,
): string | undefined {
  if (kind === 'bells') {
    const equipment = catalogue.equipment.find((e) => e.id === key);
    if (equipment === undefined) return unknownPoint(`${key}:bell`, gatewayId, catalogue);
    return equipment.points.some((p) => p.id.startsWith('bell.') && p.writable)
      ? undefined
      : `equipment "${key}" of gateway ${gatewayId} has no bell to ring`;
  }
  const pointKey = kind === 'heating' ? `${key}.mode` : key;
  const point = points.get(pointKey);
  if (point === undefined) {
    return kind === 'heating'
      ? `gateway ${gatewayId} has no heating zone ${key} (no point ${pointKey})`
      : unknownPoint(key, gatewayId, catalogue);
  }
  return point.writable ? undefined : `${describe(point)} is a ${point.kind} point: a schedule cannot drive it`;
}

function driveOf(item: ScheduleItem): Drive {
  switch (item.kind) {
    case 'lighting':
      return { slot: item.slot, keys: item.outputs };
    case 'heating':
      return { slot: item.slot, keys: item.zones };
    case 'bells':
      return { slot: 'bells', keys: [item.equipment] };
  }
}

function configDrive(schedule: CatalogueSchedule): Drive {
  const { outputs, zones, equipment, slot } = schedule.targets;
  if (schedule.kind === 'bells') return { slot: 'bells', keys: equipment === undefined ? [] : [equipment] };
  return { slot: slot ?? 'calendar', keys: (schedule.kind === 'lighting' ? outputs : zones) ?? [] };
}
