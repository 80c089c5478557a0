import { Injectable, Logger } from '@nestjs/common';
import {
  checkProfileReferences,
  DocumentException,
  type DocumentProblem,
  formatPath,
  type GatewayConfig,
  gatewayConfigSchema,
  problemsFromIssues,
} from '@beffroi/domain';
import { Clock, messageOf, problemsWithin } from '@beffroi/runtime';
import { AlarmMonitor } from '../alarms/alarm-monitor.service';
import { FieldService } from '../field/field.service';
import { LoadedGatewayConfig, loadGatewayConfig } from '../gateway.config';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { PollerService } from '../points/poller.service';
import { SyncClient } from '../sync/sync-client.service';
import type { BindRequest } from './bind-request';
import { type CheckAnswer, CheckService } from './check.service';
import { ConfigDocument, type EntryPlace, type EquipmentEntry } from './config-document';
import { type ConfigBackup, type ConfigChange, ConfigFileWriter } from './config-writer';

/** `POST /commissioning/equipment`: what was bound, where, the backup of the file before, and the live check. */
export interface BindAnswer {
  equipment: EquipmentEntry;
  bus: string;
  /** The bus was added with the equipment. */
  newBus: boolean;
  /** The backup of the config file as it was, in `config-history/`. */
  backup: string;
  /** Bound with `force` over a check that found problems. */
  forced: boolean;
  check: CheckAnswer;
}

/** `DELETE /commissioning/equipment/:id`: what was unbound, and the backup of the file before. */
export interface UnbindAnswer {
  equipment: string;
  bus: string;
  /** The bus had no other equipment: it was removed from the config and closed. */
  busRemoved: boolean;
  backup: string;
}

/**
 * `GET /commissioning/choices`: what a binding may name, for the commissioning page's lists: the sites of the config
 * and the profiles the gateway loaded at start, each with its points (a binding's `tags` are given by point id).
 */
export interface BindChoices {
  sites: { id: string; name: string }[];
  profiles: {
    id: string;
    name: string;
    protocol: 'modbus' | 'opcua';
    vendor?: string;
    model?: string;
    points: { id: string; name?: string; kind: string }[];
  }[];
}

/**
 * Binds a device to a new equipment of the gateway's config, and unbinds it, while the gateway runs: the request is
 * validated like the config file (same schema, problems named by the request's fields), the device checked live, the
 * config file written atomically with a dated backup, then the equipment is polled and its alarms watched (or no
 * longer) without restarting the other buses, and central gets the new catalogue if it is connected. Binds and unbinds run one at a time, in the
 * order they came.
 */
@Injectable()
export class BindService {
  private readonly logger = new Logger('Commissioning');
  private readonly writer: ConfigFileWriter;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly field: FieldService,
    private readonly poller: PollerService,
    private readonly alarms: AlarmMonitor,
    private readonly checks: CheckService,
    private readonly sync: SyncClient,
    private readonly clock: Clock,
  ) {
    this.writer = new ConfigFileWriter(loaded.path);
  }

  bind(request: BindRequest, rawBus: unknown, by: string): Promise<BindAnswer> {
    return this.serially(() => this.bindNow(request, rawBus, by));
  }

  unbind(id: string, by: string): Promise<UnbindAnswer> {
    return this.serially(() => this.unbindNow(id, by));
  }

  history(): ConfigBackup[] {
    return this.writer.history();
  }

  choices(): BindChoices {
    return {
      sites: this.loaded.config.sites.map((site) => ({ id: site.id, name: site.name })),
      profiles: [...this.loaded.profiles.values()]
        .map((profile) => ({
          id: profile.id,
          name: profile.name,
          protocol: profile.protocol,
          ...(profile.vendor === undefined ? {} : { vendor: profile.vendor }),
          ...(profile.model === undefined ? {} : { model: profile.model }),
          points: profile.points.map((point) => ({
            id: point.id,
            ...(point.name === undefined ? {} : { name: point.name }),
            kind: point.kind,
          })),
        }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
  }

  private serially<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async bindNow(request: BindRequest, rawBus: unknown, by: string): Promise<BindAnswer> {
    const target = this.checks.target(request);
    const entry: EquipmentEntry = {
      id: request.id,
      ...(request.name === undefined ? {} : { name: request.name }),
      profile: request.profile,
      ...(request.unit === undefined ? {} : { unit: request.unit }),
      ...(request.site === undefined ? {} : { site: request.site }),
      ...(request.tags === undefined ? {} : { tags: request.tags }),
    };
    if (!target.isNew && target.bus.protocol === 'opcua') {
      throw new GatewayException(
        GatewayExceptionCode.BusPolled,
        `bus ${target.bus.id} is an OPC UA bus the gateway polls: its subscriptions are made when it connects, ` +
          `so equipment is added to it in the config file and the gateway restarted`,
      );
    }
    const document = new ConfigDocument(this.writer.read());
    const place = document.addEquipment(
      typeof request.bus === 'string' ? request.bus : (rawBus as Record<string, unknown>),
      entry,
    );
    this.validateRequest(document.toJS(), place);
    const check = await this.checks.check(target, request.id);
    const problems = check.points.filter((point) => point.status !== 'good');
    if (problems.length > 0 && !request.force) {
      throw new GatewayException(
        GatewayExceptionCode.LiveCheckFailed,
        `the live check of ${request.id} found ${problems.length} of ${check.points.length} points not good; ` +
          `fix the wiring, the unit or the profile, or bind anyway with "force": true (recorded)`,
        problems.map((point) => ({ path: point.point, message: `${point.status}: ${point.reason ?? ''}` })),
      );
    }
    const change: Omit<ConfigChange, 'backup'> = {
      at: this.clock.now().toISOString(),
      action: 'bind',
      equipment: request.id,
      by,
      ...(problems.length > 0
        ? {
            forcedOver: problems.map((point) => ({
              point: point.point,
              status: point.status,
              ...(point.reason === undefined ? {} : { reason: point.reason }),
            })),
          }
        : {}),
    };
    const { backup, config } = this.write(document, change, GatewayExceptionCode.InvalidRequest);
    const bus = config.buses[place.bus];
    if (bus === undefined) throw new Error(`the config written has no bus ${place.bus}`);
    this.loaded.replaceBuses(config.buses);
    const added = await this.field.addEquipment(bus, request.id, this.loaded.profiles);
    this.poller.track(added, place.newBus ? this.field.drivers.get(bus.id) : undefined);
    this.alarms.watch(request.id);
    this.sync.catalogueChanged();
    this.logger.log(
      `${request.id} (${request.profile}) bound on bus ${bus.id} by ${by}` +
        (problems.length > 0 ? `, forced over ${problems.length} points not good` : '') +
        `; config backed up as ${backup}`,
    );
    return { equipment: entry, bus: bus.id, newBus: place.newBus, backup, forced: problems.length > 0, check };
  }

  private async unbindNow(id: string, by: string): Promise<UnbindAnswer> {
    const bus = this.loaded.config.buses.find((candidate) => candidate.equipment.some((e) => e.id === id));
    if (bus === undefined) {
      const known = this.loaded.config.buses.flatMap((b) => b.equipment.map((e) => e.id)).join(', ') || 'none';
      throw new GatewayException(GatewayExceptionCode.UnknownEquipment, `unknown equipment ${id} (known: ${known})`);
    }
    if (bus.protocol === 'opcua' && bus.equipment.length > 1) {
      throw new GatewayException(
        GatewayExceptionCode.BusPolled,
        `bus ${bus.id} is an OPC UA bus with other equipment: its subscriptions are made when it connects, ` +
          `so ${id} is removed from the config file and the gateway restarted`,
      );
    }
    const document = new ConfigDocument(this.writer.read());
    const place = document.removeEquipment(id);
    if (place === undefined) {
      throw new GatewayException(
        GatewayExceptionCode.ConfigRefused,
        `equipment ${id} is not in ${this.loaded.path} any more (edited by hand?); restart the gateway to follow it`,
      );
    }
    const change = { at: this.clock.now().toISOString(), action: 'unbind' as const, equipment: id, by };
    const { backup, config } = this.write(document, change, GatewayExceptionCode.ConfigRefused);
    this.loaded.replaceBuses(config.buses);
    const removed = await this.field.removeEquipment(id);
    this.poller.untrack(new Set(removed.map((point) => point.bound.key)));
    this.alarms.unwatch(id);
    this.sync.catalogueChanged();
    this.logger.log(`${id} unbound from bus ${bus.id} by ${by}; config backed up as ${backup}`);
    return { equipment: id, bus: bus.id, busRemoved: place.newBus, backup };
  }

  /**
   * The config file with the request's equipment, validated like the file at start (schema and profiles); a problem
   * of the new equipment or bus is named by the request's field (`unit`, `bus.port`), any other by its config path.
   */
  private validateRequest(document: unknown, place: EntryPlace): void {
    const parsed = gatewayConfigSchema.safeParse(document);
    const problems = parsed.success
      ? checkProfileReferences(parsed.data, this.loaded.profiles)
      : problemsFromIssues(parsed.error.issues, document);
    if (problems.length === 0) return;
    const equipmentPath = formatPath(['buses', place.bus, 'equipment', place.equipment]);
    const busPath = formatPath(['buses', place.bus]);
    const named = problems.map((problem): DocumentProblem => {
      if (problem.path.startsWith(`${equipmentPath}.`))
        return { ...problem, path: problem.path.slice(equipmentPath.length + 1) };
      if (place.newBus && problem.path.startsWith(`${busPath}.`)) {
        return { ...problem, path: `bus.${problem.path.slice(busPath.length + 1)}` };
      }
      return problem;
    });
    throw new GatewayException(GatewayExceptionCode.InvalidRequest, 'invalid equipment', named);
  }

  /** Writes the document over the config file once it loads like the file at start; the backup and the new config. */
  private write(
    document: ConfigDocument,
    change: Omit<ConfigChange, 'backup'>,
    refusal: GatewayExceptionCode,
  ): { backup: string; config: GatewayConfig } {
    let config: GatewayConfig | undefined;
    let backup: string;
    try {
      backup = this.writer.write(
        document.toString(),
        this.clock.now(),
        (written) => {
          try {
            config = loadGatewayConfig(written).config;
          } catch (error) {
            if (!(error instanceof DocumentException)) throw error;
            throw new GatewayException(
              refusal,
              `the config file would be invalid: ${error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
              problemsWithin(written, error),
            );
          }
        },
        change,
      );
    } catch (error) {
      if (error instanceof GatewayException) throw error;
      throw new GatewayException(
        GatewayExceptionCode.ConfigNotWritten,
        `${this.loaded.path} was not changed: ${messageOf(error)}`,
      );
    }
    if (config === undefined) throw new Error('the config written was not loaded');
    return { backup, config };
  }
}
