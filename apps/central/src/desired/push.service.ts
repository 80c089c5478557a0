import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PUSH_STATUSES, type PushStatus } from '@beffroi/api';
import type { DesiredItems } from '@beffroi/sync';
import { DataSource, In } from 'typeorm';
import { AuditLog } from '../audit.service';
import { type Caller, inScope, requireAccess, requireRole } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { EventBus } from '../events.service';
import { CatalogueService } from '../gateways/catalogue.service';
import { GatewayService, scopeOf } from '../gateways/gateway.service';
import { CommuneEntity, GatewayEntity, PushEntity, PushTargetEntity } from '../store/entities';
import { SyncPresence } from '../sync/sync-presence';
import { TenantService } from '../tenants/tenant.service';
import type { ScheduleItem } from './desired.dto';
import { DesiredService } from './desired.service';

/** How many of a gateway's latest push targets a change of that gateway is announced for. */
const ANNOUNCED_TARGETS = 20;

/** A gateway's schedules in its desired state, one at a time or pushed as a template to many communes. */
@Injectable()
export class PushService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly desired: DesiredService,
    private readonly gateways: GatewayService,
    private readonly tenants: TenantService,
    private readonly presence: SyncPresence,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly catalogues: CatalogueService,
    private readonly events: EventBus,
  ) {}

  async desiredOf(caller: Caller, gatewayId: string) {
    const gateway = await this.gateways.gateway(caller, gatewayId);
    const current = await this.desired.current(gatewayId);
    return { version: current.version, appliedVersion: gateway.appliedVersion, desired: current.desired };
  }

  /** Puts (or with `item` undefined, removes) one schedule of one gateway; returns the new desired version. */
  async setSchedule(caller: Caller, gatewayId: string, scheduleId: string, item: ScheduleItem | undefined) {
    const gateway = await this.gateways.gateway(caller, gatewayId, 'editSchedules');
    const commune = await this.tenants.commune(caller, gateway.communeInsee, 'editSchedules');
    const version = await this.dataSource.transaction(async (manager) => {
      const next = await this.desired.change(
        gatewayId,
        item === undefined
          ? { set: {}, remove: { schedules: [scheduleId] } }
          : { set: { schedules: { [scheduleId]: asJson(item) } }, remove: {} },
        manager,
      );
      await this.audit.record(
        {
          actor: caller.login,
          action: item === undefined ? 'schedule.remove' : 'schedule.set',
          target: `${gatewayId}/${scheduleId}`,
          result: `version ${next}`,
          ...scopeOf(commune),
          detail: item,
        },
        manager,
      );
      return next;
    });
    this.presence.poke(gatewayId);
    return { gatewayId, scheduleId, version };
  }

  /**
   * Sets the template schedule on every gateway of every commune listed (all within the caller's syndicate) in one
   * transaction, then wakes the connected gateways. Progress is read back with {@link progress}.
   */
  async push(caller: Caller, request: { scheduleId: string; item: ScheduleItem; communes: string[] }) {
    const communes = await this.dataSource.getRepository(CommuneEntity).findBy({ insee: In(request.communes) });
    // A commune of another tenant is named among the unknown ones, never apart (no answer tells that it exists).
    const known = new Set(communes.filter((c) => inScope(caller, c)).map((c) => c.insee));
    const unknown = request.communes.filter((insee) => !known.has(insee));
    if (unknown.length > 0) {
      throw new CentralException(CentralExceptionCode.NotFound, `communes: unknown ${unknown.slice(0, 10).join(', ')}`);
    }
    requireRole(caller, 'pushTemplates');
    const id = randomUUID();
    const gateways = await this.dataSource.getRepository(GatewayEntity).findBy({
      communeInsee: In(request.communes),
    });
    const active = gateways.filter((g) => g.revokedAt === null);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(PushEntity).insert({
        id,
        scheduleId: request.scheduleId,
        itemJson: JSON.stringify(request.item),
        syndicateId: caller.syndicateId,
        createdBy: caller.login,
        createdAt: this.clock.now().toISOString(),
      });
      const targets = manager.getRepository(PushTargetEntity);
      for (const commune of communes) {
        const own = active.filter((g) => g.communeInsee === commune.insee);
        if (own.length === 0)
          await targets.insert({ pushId: id, communeInsee: commune.insee, gatewayId: null, version: null });
        for (const gateway of own) {
          const version = await this.desired.change(
            gateway.id,
            { set: { schedules: { [request.scheduleId]: asJson(request.item) } }, remove: {} },
            manager,
          );
          await targets.insert({ pushId: id, communeInsee: commune.insee, gatewayId: gateway.id, version });
        }
      }
      await this.audit.record(
        {
          actor: caller.login,
          action: 'template.push',
          target: request.scheduleId,
          result: `${active.length} gateways in ${communes.length} communes`,
          syndicateId: caller.syndicateId,
          detail: { push: id, communes: request.communes.length },
        },
        manager,
      );
    });
    for (const gateway of active) this.presence.poke(gateway.id);
    await this.announce(id);
    return this.progress(caller, id);
  }

  /** Publishes the state of every target of a push (`push` events), as after it was made or retried. */
  async announce(pushId: string): Promise<void> {
    const push = await this.dataSource.getRepository(PushEntity).findOneByOrFail({ id: pushId });
    await this.publish([push], await this.dataSource.getRepository(PushTargetEntity).findBy({ pushId }));
  }

  /** Publishes the state of the latest push targets of a gateway that was applied, refused, came or went. */
  async announceGateway(gatewayId: string): Promise<void> {
    const targets = await this.dataSource
      .getRepository(PushTargetEntity)
      .find({ where: { gatewayId }, order: { id: 'DESC' }, take: ANNOUNCED_TARGETS });
    if (targets.length === 0) return;
    const pushes = await this.dataSource.getRepository(PushEntity).findBy({ id: In(targets.map((t) => t.pushId)) });
    await this.publish(pushes, targets);
  }

  private async publish(pushes: readonly PushEntity[], targets: readonly PushTargetEntity[]): Promise<void> {
    const communes = new Map(
      (
        await this.dataSource
          .getRepository(CommuneEntity)
          .findBy({ insee: In([...new Set(targets.map((t) => t.communeInsee))]) })
      ).map((c) => [c.insee, c]),
    );
    for (const push of pushes) {
      const own = targets.filter((t) => t.pushId === push.id);
      for (const row of (await this.describe(push, own)).targets) {
        const commune = communes.get(row.commune);
        if (commune === undefined || row.gatewayId === null) continue;
        this.events.publish({ type: 'push', commune, gatewayId: row.gatewayId, data: { pushId: push.id, ...row } });
      }
    }
  }

  /**
   * Per commune and gateway: applied, refused (the gateway's result for the push's version or a later one refuses
   * the schedule; with its reason), pending (connected, not applied yet), offline, or no gateway at all.
   */
  async progress(caller: Caller, id: string) {
    const push = await this.dataSource.getRepository(PushEntity).findOneBy({ id });
    if (push === null) throw new CentralException(CentralExceptionCode.NotFound, `no push ${id}`);
    const targets = await this.dataSource.getRepository(PushTargetEntity).findBy({ pushId: id });
    const communes = await this.dataSource
      .getRepository(CommuneEntity)
      .findBy({ insee: In([...new Set(targets.map((t) => t.communeInsee))]) });
    for (const commune of communes) requireAccess(caller, 'read', commune, `no push ${id}`);
    return this.describe(push, targets);
  }

  /** The pushes whose communes are all in the caller's tenant, newest first, with their counts per state. */
  async list(caller: Caller, limit: number) {
    const readable = new Set((await this.tenants.communes(caller)).map((c) => c.insee));
    const pushes = await this.dataSource.getRepository(PushEntity).find({ order: { createdAt: 'DESC' } });
    const targets = await this.dataSource
      .getRepository(PushTargetEntity)
      .findBy({ pushId: In(pushes.map((p) => p.id)) });
    const answers = [];
    for (const push of pushes) {
      const own = targets.filter((t) => t.pushId === push.id);
      if (own.length === 0 || !own.every((t) => readable.has(t.communeInsee))) continue;
      const { id, scheduleId, templateId, templateVersion, createdBy, createdAt, summary } = await this.describe(
        push,
        own,
      );
      answers.push({ id, scheduleId, templateId, templateVersion, createdBy, createdAt, summary });
      if (answers.length >= limit) break;
    }
    return answers;
  }

  private async describe(push: PushEntity, targets: readonly PushTargetEntity[]) {
    const gatewayIds = targets.flatMap((t) => (t.gatewayId === null ? [] : [t.gatewayId]));
    const applied = new Map(
      (await this.dataSource.getRepository(GatewayEntity).findBy({ id: In(gatewayIds) })).map((g) => [
        g.id,
        g.appliedVersion,
      ]),
    );
    const results = await this.catalogues.results(gatewayIds);
    const summary = Object.fromEntries(PUSH_STATUSES.map((s) => [s, 0])) as Record<PushStatus, number>;
    const rows = targets.map((target) => {
      const version = target.version ?? Infinity;
      const result = target.gatewayId === null ? undefined : results.get(target.gatewayId);
      const refusal =
        result !== undefined && result.version >= version
          ? result.refused.find((r) => r.section === 'schedules' && r.key === push.scheduleId)
          : undefined;
      const status: PushStatus =
        target.gatewayId === null
          ? 'no-gateway'
          : target.version === null
            ? 'no-output'
            : refusal !== undefined
              ? 'refused'
              : (applied.get(target.gatewayId) ?? 0) >= version
                ? 'applied'
                : this.presence.isOnline(target.gatewayId)
                  ? 'pending'
                  : 'offline';
      summary[status] += 1;
      const reason = refusal?.reason ?? target.reason ?? undefined;
      return {
        commune: target.communeInsee,
        gatewayId: target.gatewayId,
        version: target.version,
        status,
        ...(reason === undefined ? {} : { reason }),
        ...(target.boundJson === null ? {} : { bound: JSON.parse(target.boundJson) as string[] }),
      };
    });
    return {
      id: push.id,
      scheduleId: push.scheduleId,
      templateId: push.templateId,
      templateVersion: push.templateVersion,
      createdBy: push.createdBy,
      createdAt: push.createdAt,
      summary,
      targets: rows,
    };
  }
}

/** A validated item as the JSON the desired state holds. */
function asJson(item: ScheduleItem): DesiredItems[string] {
  return JSON.parse(JSON.stringify(item)) as DesiredItems[string];
}
