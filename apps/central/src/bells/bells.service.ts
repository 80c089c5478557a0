import { Injectable } from '@nestjs/common';
import type { BellEventAnswer, BellEventRequest, BellSchedule as BellScheduleView, BellSchedules } from '@beffroi/api';
import {
  type BellSchedule,
  type BellScheduleDocument,
  bellScheduleDocument,
  bellScheduleSchema,
  formatIsoWithOffset,
  parseLocalDate,
  resolveLocalTime,
} from '@beffroi/schedule';
import { healthPayloadSchema } from '@beffroi/sync';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { CatalogueCheck } from '../gateways/catalogue-check';
import { CatalogueService } from '../gateways/catalogue.service';
import { GatewayService } from '../gateways/gateway.service';
import { PushService } from '../desired/push.service';

/** How far ahead a one-off ring may be scheduled. */
const MAX_DAYS_AHEAD = 366;
const DAY_MS = 86_400_000;

/** A bell schedule the gateway runs, with what it drives and its document as a schedule file writes it. */
interface RunningBells {
  readonly id: string;
  readonly equipment: string;
  /** The site of the schedule's entry, if it names one (what is put back in the desired state). */
  readonly site: string | null;
  /** The site whose clock it rings by: the entry's, else its equipment's. */
  readonly clockSite: string | null;
  readonly source: 'config' | 'central';
  readonly document: BellScheduleDocument;
}

/**
 * The bells of a gateway for the console: the bell schedules it runs (sequences by name, daily rings, one-off
 * events) and one-off rings added to them. A one-off ring puts the whole schedule, the event added, in the gateway's
 * desired state (replacing the config's schedule of the same id), as `PUT /api/gateways/:id/schedules/:scheduleId`
 * does, with the same checks and audit. Ringing a sequence now is a `ring` command of the command route.
 */
@Injectable()
export class BellsService {
  constructor(
    private readonly gateways: GatewayService,
    private readonly catalogues: CatalogueService,
    private readonly checks: CatalogueCheck,
    private readonly pushes: PushService,
    private readonly clock: Clock,
  ) {}

  /** `GET /api/gateways/:id/bells`. */
  async bells(caller: Caller, gatewayId: string): Promise<BellSchedules> {
    const running = await this.running(caller, gatewayId);
    const zones = await this.timeZones(caller, gatewayId);
    return { gatewayId, schedules: running.map((schedule) => viewOf(schedule, zones(schedule.clockSite))) };
  }

  /** `POST /api/gateways/:id/bells/:scheduleId/events`: validated, then put in the gateway's desired state. */
  async addEvent(
    caller: Caller,
    gatewayId: string,
    scheduleId: string,
    request: BellEventRequest,
  ): Promise<BellEventAnswer> {
    // The role first: a caller who may not edit schedules learns nothing of the gateway's bell schedules.
    await this.gateways.gateway(caller, gatewayId, 'editSchedules');
    const running = await this.running(caller, gatewayId);
    const schedule = running.find((s) => s.id === scheduleId);
    if (schedule === undefined) {
      const known = running.map((s) => s.id);
      throw new CentralException(
        CentralExceptionCode.NotFound,
        `gateway ${gatewayId} runs no bell schedule ${scheduleId} (its bell schedules: ${known.length === 0 ? 'none' : known.join(', ')})`,
      );
    }
    const sequences = Object.keys(schedule.document.sequences);
    if (!sequences.includes(request.sequence)) {
      invalid(
        'sequence',
        `no ring sequence "${request.sequence}" in ${scheduleId} (its sequences: ${sequences.join(', ')})`,
      );
    }
    const timeZone = (await this.timeZones(caller, gatewayId))(schedule.clockSite);
    const [hour = 0, minute = 0] = request.at.split(':').map(Number);
    const ringsAt = resolveLocalTime(parseLocalDate(request.date), hour, minute, 0, timeZone).instant;
    const now = this.clock.now();
    if (ringsAt.getTime() <= now.getTime()) {
      invalid(
        'at',
        `${request.date} ${request.at} (${timeZone}) is in the past (it is ${formatIsoWithOffset(now, timeZone)})`,
      );
    }
    if (ringsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * DAY_MS) {
      invalid('date', `${request.date} is too far ahead: at most ${MAX_DAYS_AHEAD} days from today`);
    }
    const event = {
      date: request.date,
      at: request.at,
      sequence: request.sequence,
      ...(request.name === undefined ? {} : { name: request.name }),
    };
    const item = {
      kind: 'bells' as const,
      equipment: schedule.equipment,
      ...(schedule.site === null ? {} : { site: schedule.site }),
      schedule: { ...schedule.document, events: [...schedule.document.events, event] },
    };
    await this.checks.schedule(caller, gatewayId, scheduleId, item);
    const { version } = await this.pushes.setSchedule(caller, gatewayId, scheduleId, item);
    return { gatewayId, scheduleId, version, event, ringsAt: formatIsoWithOffset(ringsAt, timeZone) };
  }

  /** The bell schedules the gateway runs: those of its config not replaced by central, and central's. */
  private async running(caller: Caller, gatewayId: string): Promise<RunningBells[]> {
    const { schedules } = await this.catalogues.schedules(caller, gatewayId);
    const catalogue = await this.catalogues.catalogueOf(await this.gateways.gateway(caller, gatewayId));
    const running: RunningBells[] = [];
    for (const schedule of schedules) {
      if (schedule.kind !== 'bells' || ('replacedBy' in schedule && schedule.replacedBy === 'central')) continue;
      // The gateway reports its config's schedules parsed (catalogue.reporter), central keeps the documents it was
      // given: both read back through the schema, so what is answered and put back is always a valid document.
      const parsed =
        schedule.source === 'config'
          ? bellScheduleSchema.safeParse(bellScheduleDocument(schedule.document as unknown as BellSchedule))
          : bellScheduleSchema.safeParse(schedule.document);
      const equipment = 'equipment' in schedule.targets ? schedule.targets.equipment : undefined;
      if (!parsed.success || typeof equipment !== 'string') continue;
      const site =
        'site' in schedule.targets && typeof schedule.targets.site === 'string' ? schedule.targets.site : null;
      running.push({
        id: schedule.id,
        equipment,
        site,
        clockSite: site ?? catalogue.equipment.find((e) => e.id === equipment)?.site ?? null,
        source: schedule.source,
        document: bellScheduleDocument(parsed.data),
      });
    }
    return running;
  }

  /** The time zone of a site of the gateway, or of its first site; a 409 before it has reported its sites. */
  private async timeZones(caller: Caller, gatewayId: string): Promise<(site: string | null) => string> {
    const gateway = await this.gateways.gateway(caller, gatewayId);
    const health = healthPayloadSchema.safeParse(gateway.healthJson === null ? null : JSON.parse(gateway.healthJson));
    const sites = health.success ? (health.data.sites ?? []) : [];
    const [first] = sites;
    if (first === undefined) {
      throw new CentralException(CentralExceptionCode.Conflict, `gateway ${gatewayId} has not reported its sites yet`);
    }
    return (site) => sites.find((s) => s.id === site)?.timeZone ?? first.timeZone;
  }
}

function viewOf(schedule: RunningBells, timeZone: string): BellScheduleView {
  const { document } = schedule;
  return {
    id: schedule.id,
    equipment: schedule.equipment,
    site: schedule.clockSite,
    timeZone,
    source: schedule.source,
    sequences: Object.entries(document.sequences).map(([id, sequence]) => ({
      id,
      ...(sequence.name === undefined ? {} : { name: sequence.name }),
    })),
    defaultProgrammeId: document.calendar.defaultProgrammeId,
    programmes: document.programmes as BellScheduleView['programmes'],
    events: document.events,
  };
}

function invalid(path: string, message: string): never {
  throw new CentralException(CentralExceptionCode.InvalidRequest, `invalid bell event: ${path}: ${message}`, [
    { path, message },
  ]);
}
