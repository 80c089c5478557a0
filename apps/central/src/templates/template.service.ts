import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CommuneSelection, TemplateItem } from '@beffroi/api';
import { departmentOf, splitPointKey } from '@beffroi/domain';
import { type CatalogueEquipment, type DesiredItems, healthPayloadSchema } from '@beffroi/sync';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditLog } from '../audit.service';
import { type Action, type Caller, requireAccess, requireRole } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { PushService } from '../desired/push.service';
import { DesiredService } from '../desired/desired.service';
import { GatewayCatalogueEntity } from '../store/catalogue.entities';
import { CommuneEntity, GatewayEntity, PushEntity, PushTargetEntity } from '../store/entities';
import { TemplateEntity, TemplateVersionEntity } from '../store/template.entities';
import { SyncPresence } from '../sync/sync-presence';
import { bindTemplate } from './template-binding';

/**
 * A syndicate's schedule templates: named, versioned (every version kept with its author and comment), targeting
 * outputs by tag. Pushed to communes, a template binds on each gateway to whatever carries its tag there (as the
 * gateway's catalogue says) and becomes a schedule of that gateway's desired state, whose id is the template's.
 */
@Injectable()
export class TemplateService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly desired: DesiredService,
    private readonly pushes: PushService,
    private readonly presence: SyncPresence,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async create(caller: Caller, request: { id: string; name: string; item: TemplateItem }) {
    const syndicateId = syndicateOf(caller, 'pushTemplates');
    const at = this.clock.now().toISOString();
    await this.dataSource.transaction(async (manager) => {
      const templates = manager.getRepository(TemplateEntity);
      if ((await templates.findOneBy({ syndicateId, id: request.id })) !== null) {
        throw new CentralException(CentralExceptionCode.Conflict, `template ${request.id} already exists`);
      }
      const itemJson = JSON.stringify(request.item);
      await templates.insert({
        syndicateId,
        id: request.id,
        name: request.name,
        version: 1,
        itemJson,
        createdBy: caller.login,
        createdAt: at,
        updatedBy: caller.login,
        updatedAt: at,
      });
      await manager.getRepository(TemplateVersionEntity).insert({
        syndicateId,
        templateId: request.id,
        version: 1,
        name: request.name,
        itemJson,
        author: caller.login,
        at,
        comment: null,
      });
      await this.audit.record(
        { actor: caller.login, action: 'template.create', target: request.id, result: 'version 1', syndicateId },
        manager,
      );
    });
    return this.template(caller, request.id);
  }

  /** The next version of a template; the previous ones stay in its history. */
  async newVersion(
    caller: Caller,
    id: string,
    request: { name?: string | undefined; item: TemplateItem; comment?: string | undefined },
  ) {
    const syndicateId = syndicateOf(caller, 'pushTemplates');
    const at = this.clock.now().toISOString();
    await this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, syndicateId, id);
      const version = current.version + 1;
      const name = request.name ?? current.name;
      const itemJson = JSON.stringify(request.item);
      await manager
        .getRepository(TemplateEntity)
        .update({ syndicateId, id }, { name, version, itemJson, updatedBy: caller.login, updatedAt: at });
      await manager.getRepository(TemplateVersionEntity).insert({
        syndicateId,
        templateId: id,
        version,
        name,
        itemJson,
        author: caller.login,
        at,
        comment: request.comment ?? null,
      });
      await this.audit.record(
        { actor: caller.login, action: 'template.version', target: id, result: `version ${version}`, syndicateId },
        manager,
      );
    });
    return this.template(caller, id);
  }

  async list(caller: Caller) {
    const syndicateId = syndicateOf(caller, 'read');
    const rows = await this.dataSource
      .getRepository(TemplateEntity)
      .find({ where: { syndicateId }, order: { id: 'ASC' } });
    return rows.map(summaryOf);
  }

  async template(caller: Caller, id: string) {
    const syndicateId = syndicateOf(caller, 'read');
    const row = await this.find(this.dataSource.manager, syndicateId, id);
    const versions = await this.dataSource
      .getRepository(TemplateVersionEntity)
      .find({ where: { syndicateId, templateId: id }, order: { version: 'DESC' } });
    return {
      ...summaryOf(row),
      item: JSON.parse(row.itemJson) as TemplateItem,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      history: versions.map((v) => ({
        version: v.version,
        name: v.name,
        author: v.author,
        at: v.at,
        comment: v.comment,
      })),
    };
  }

  /**
   * What the template's current version would bind to on each gateway of one commune, without pushing it: the same
   * binding by tag as a push, and the site each binding would run at (the site of the first equipment it drives, else
   * the gateway's first site), so that the console can plan the document there. Another tenant's commune answers
   * like an unknown one.
   */
  async binding(caller: Caller, id: string, insee: string) {
    const syndicateId = syndicateOf(caller, 'read');
    const template = await this.find(this.dataSource.manager, syndicateId, id);
    const commune = await this.dataSource.getRepository(CommuneEntity).findOneBy({ insee });
    if (commune === null) throw new CentralException(CentralExceptionCode.NotFound, `no commune ${insee}`);
    requireAccess(caller, 'read', commune, `no commune ${insee}`);
    const item = JSON.parse(template.itemJson) as TemplateItem;
    const gateways = (
      await this.dataSource.getRepository(GatewayEntity).find({ where: { communeInsee: insee }, order: { id: 'ASC' } })
    ).filter((g) => g.revokedAt === null);
    const catalogues = await this.catalogues(gateways.map((g) => g.id));
    return {
      templateId: id,
      version: template.version,
      kind: item.kind,
      tag: item.tag,
      schedule: item.schedule,
      commune: insee,
      gateways: gateways.map((gateway) => {
        const equipment = catalogues.get(gateway.id);
        const health = healthPayloadSchema.safeParse(
          gateway.healthJson === null ? null : JSON.parse(gateway.healthJson),
        );
        const sites = health.success ? (health.data.sites ?? []) : [];
        if (equipment === undefined) {
          return {
            gatewayId: gateway.id,
            bound: [],
            reason: `${gateway.id} has not reported its equipment yet: nothing to bind the tag "${item.tag}" to`,
            site: null,
          };
        }
        const binding = bindTemplate(item, equipment);
        const bound = binding.kind === 'bound' ? binding.bound : [];
        const first = splitPointKey(bound[0] ?? '')?.equipmentId;
        const siteId = equipment.find((e) => e.id === first)?.site;
        const site = sites.find((s) => s.id === siteId) ?? sites[0];
        return {
          gatewayId: gateway.id,
          bound,
          reason: binding.kind === 'unbound' ? binding.reason : null,
          site: site === undefined ? null : { id: site.id, name: site.name, timeZone: site.timeZone },
        };
      }),
    };
  }

  /**
   * Pushes the template's current version to the communes selected: on each gateway it binds by tag and, when it
   * binds, becomes the next desired version; a gateway where nothing carries the tag is recorded with the reason.
   */
  async push(caller: Caller, id: string, selection: CommuneSelection) {
    const syndicateId = syndicateOf(caller, 'pushTemplates');
    const template = await this.find(this.dataSource.manager, syndicateId, id);
    const item = JSON.parse(template.itemJson) as TemplateItem;
    const communes = await this.select(caller, syndicateId, selection);
    const gateways = (
      await this.dataSource.getRepository(GatewayEntity).findBy({ communeInsee: In(communes.map((c) => c.insee)) })
    ).filter((g) => g.revokedAt === null);
    const catalogues = await this.catalogues(gateways.map((g) => g.id));
    const pushId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(PushEntity).insert({
        id: pushId,
        scheduleId: id,
        itemJson: template.itemJson,
        syndicateId,
        createdBy: caller.login,
        createdAt: this.clock.now().toISOString(),
        templateId: id,
        templateVersion: template.version,
      });
      const targets = manager.getRepository(PushTargetEntity);
      for (const commune of communes) {
        const own = gateways.filter((g) => g.communeInsee === commune.insee);
        if (own.length === 0) {
          await targets.insert({ pushId, communeInsee: commune.insee, gatewayId: null, version: null });
        }
        for (const gateway of own) {
          await targets.insert({
            pushId,
            communeInsee: commune.insee,
            gatewayId: gateway.id,
            ...(await this.bind(manager, id, item, gateway.id, catalogues.get(gateway.id))),
          });
        }
      }
      await this.audit.record(
        {
          actor: caller.login,
          action: 'template.push',
          target: `${id} v${template.version}`,
          result: `${gateways.length} gateways in ${communes.length} communes`,
          syndicateId,
          detail: { push: pushId, selection },
        },
        manager,
      );
    });
    for (const gateway of gateways) this.presence.poke(gateway.id);
    await this.pushes.announce(pushId);
    return this.pushes.progress(caller, pushId);
  }

  /**
   * Pushes again to the targets of a push that are `refused`, `offline` or `no-output`: a template binds again to
   * what each gateway reports now, a plain push puts its schedule again; each such target gets the new version.
   */
  async retry(caller: Caller, pushId: string) {
    const before = await this.pushes.progress(caller, pushId);
    const push = await this.dataSource.getRepository(PushEntity).findOneByOrFail({ id: pushId });
    const communes = await this.dataSource
      .getRepository(CommuneEntity)
      .findBy({ insee: In(before.targets.map((t) => t.commune)) });
    for (const commune of communes) requireAccess(caller, 'pushTemplates', commune, `no push ${pushId}`);
    const retried = before.targets.flatMap((t) =>
      t.gatewayId !== null && (t.status === 'refused' || t.status === 'offline' || t.status === 'no-output')
        ? [t.gatewayId]
        : [],
    );
    const catalogues = await this.catalogues(retried);
    await this.dataSource.transaction(async (manager) => {
      const targets = manager.getRepository(PushTargetEntity);
      for (const gatewayId of retried) {
        const update =
          push.templateId === null
            ? {
                version: await this.put(
                  manager,
                  push.scheduleId,
                  JSON.parse(push.itemJson) as DesiredItems[string],
                  gatewayId,
                ),
                boundJson: null,
                reason: null,
              }
            : await this.bind(
                manager,
                push.scheduleId,
                JSON.parse(push.itemJson) as TemplateItem,
                gatewayId,
                catalogues.get(gatewayId),
              );
        await targets.update({ pushId, gatewayId }, update);
      }
      await this.audit.record(
        {
          actor: caller.login,
          action: 'push.retry',
          target: pushId,
          result: `${retried.length} gateways`,
          syndicateId: push.syndicateId,
        },
        manager,
      );
    });
    for (const gatewayId of retried) this.presence.poke(gatewayId);
    await this.pushes.announce(pushId);
    return this.pushes.progress(caller, pushId);
  }

  /** Binds the template on one gateway and, if it binds, puts the schedule in its desired state. */
  private async bind(
    manager: EntityManager,
    scheduleId: string,
    item: TemplateItem,
    gatewayId: string,
    equipment: readonly CatalogueEquipment[] | undefined,
  ): Promise<{ version: number | null; boundJson: string | null; reason: string | null }> {
    if (equipment === undefined) {
      return {
        version: null,
        boundJson: null,
        reason: `${gatewayId} has not reported its equipment yet: nothing to bind the tag "${item.tag}" to`,
      };
    }
    const binding = bindTemplate(item, equipment);
    if (binding.kind === 'unbound') return { version: null, boundJson: null, reason: binding.reason };
    const version = await this.put(
      manager,
      scheduleId,
      JSON.parse(JSON.stringify(binding.item)) as DesiredItems[string],
      gatewayId,
    );
    return { version, boundJson: JSON.stringify(binding.bound), reason: null };
  }

  private put(manager: EntityManager, scheduleId: string, item: DesiredItems[string], gatewayId: string) {
    return this.desired.change(gatewayId, { set: { schedules: { [scheduleId]: item } }, remove: {} }, manager);
  }

  /** The communes of the caller's syndicate the selection names; a listed commune unknown or outside is refused. */
  private async select(caller: Caller, syndicateId: string, selection: CommuneSelection): Promise<CommuneEntity[]> {
    const repository = this.dataSource.getRepository(CommuneEntity);
    if ('insee' in selection) {
      const found = await repository.findBy({ insee: In(selection.insee) });
      const known = new Set(found.map((c) => c.insee));
      const unknown = selection.insee.filter((insee) => !known.has(insee));
      if (unknown.length > 0) {
        throw new CentralException(
          CentralExceptionCode.NotFound,
          `communes: unknown ${unknown.slice(0, 10).join(', ')}`,
        );
      }
      for (const commune of found) {
        requireAccess(caller, 'pushTemplates', commune, `communes: unknown ${commune.insee}`);
      }
      return found.sort((a, b) => a.insee.localeCompare(b.insee));
    }
    const all = await repository.find({ where: { syndicateId }, order: { insee: 'ASC' } });
    if ('all' in selection) return all;
    if ('department' in selection) return all.filter((c) => departmentOf(c.insee) === selection.department);
    const gateways = await this.dataSource
      .getRepository(GatewayEntity)
      .findBy({ communeInsee: In(all.map((c) => c.insee)) });
    const catalogues = await this.catalogues(gateways.filter((g) => g.revokedAt === null).map((g) => g.id));
    const tagged = new Set(
      gateways
        .filter((g) =>
          (catalogues.get(g.id) ?? []).some((e) => e.points.some((p) => p.tags?.includes(selection.tag) === true)),
        )
        .map((g) => g.communeInsee),
    );
    return all.filter((c) => tagged.has(c.insee));
  }

  private async catalogues(gatewayIds: readonly string[]): Promise<Map<string, CatalogueEquipment[]>> {
    const rows = await this.dataSource.getRepository(GatewayCatalogueEntity).findBy({ gatewayId: In([...gatewayIds]) });
    return new Map(rows.map((row) => [row.gatewayId, JSON.parse(row.equipmentJson) as CatalogueEquipment[]]));
  }

  private async find(manager: EntityManager, syndicateId: string, id: string): Promise<TemplateEntity> {
    const row = await manager.getRepository(TemplateEntity).findOneBy({ syndicateId, id });
    if (row === null) throw new CentralException(CentralExceptionCode.NotFound, `no template ${id}`);
    return row;
  }
}

/** Templates belong to a syndicate: only its own accounts (not a commune's) see them, and only admins change them. */
function syndicateOf(caller: Caller, action: Action): string {
  requireRole(caller, action);
  if (caller.communeInsee !== null || caller.syndicateId === null) {
    throw new CentralException(
      CentralExceptionCode.Forbidden,
      `${caller.login} is a commune account: templates belong to the syndicate`,
    );
  }
  return caller.syndicateId;
}

function summaryOf(row: TemplateEntity) {
  const item = JSON.parse(row.itemJson) as TemplateItem;
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    kind: item.kind,
    tag: item.tag,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}
