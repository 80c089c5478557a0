import { Injectable } from '@nestjs/common';
import type { HistoryEntry, HistoryPage, HistoryQuery } from '@beffroi/api';
import { DataSource, In } from 'typeorm';
import { requireRole } from '../auth/caller';
import type { Caller } from '../auth/caller';
import { CommandService } from '../commands/command.service';
import { CatalogueService } from '../gateways/catalogue.service';
import { AccountEntity, AuditEntity, CommandEntity, GatewayEntity, SwitchingEntity } from '../store/entities';
import { TenantService } from '../tenants/tenant.service';

type Scalar = boolean | number | string;

/**
 * A commune's history for the console's Historique page: the switchings its gateways reported, the commands people
 * sent (with their login and name) and, for roles that may read it, the commune's audit log; newest first, one page
 * at a time, each line with the catalogue's names of its point and equipment.
 */
@Injectable()
export class CommuneHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
    private readonly catalogues: CatalogueService,
    private readonly commands: CommandService,
  ) {}

  async page(caller: Caller, insee: string, query: HistoryQuery): Promise<HistoryPage> {
    if (query.kind === 'audit') requireRole(caller, 'readAudit');
    const commune = await this.tenants.commune(caller, insee, query.kind === 'audit' ? 'readAudit' : 'read');
    const gatewayIds = (await this.dataSource.getRepository(GatewayEntity).findBy({ communeInsee: commune.insee })).map(
      (gateway) => gateway.id,
    );
    const page = { skip: query.offset, take: query.limit + 1 };
    const rows =
      query.kind === 'switchings'
        ? await this.switchings(gatewayIds, page)
        : query.kind === 'commands'
          ? await this.commandLines(gatewayIds, page)
          : await this.audit(commune.insee, page);
    const labelled = await this.labelled(rows.slice(0, query.limit));
    return {
      kind: query.kind,
      offset: query.offset,
      items: await this.withNames(labelled),
      nextOffset: rows.length > query.limit ? query.offset + query.limit : null,
    };
  }

  private async switchings(gatewayIds: string[], page: { skip: number; take: number }): Promise<HistoryEntry[]> {
    const rows = await this.dataSource.getRepository(SwitchingEntity).find({
      where: { gatewayId: In(gatewayIds) },
      order: { at: 'DESC', id: 'DESC' },
      ...page,
    });
    return rows.map((row) => ({
      ...unnamed(row.at, row.gatewayId, row.pointKey),
      what: row.source,
      value: JSON.parse(row.valueJson) as Scalar,
      result: row.result,
      reason: row.reason,
    }));
  }

  private async commandLines(gatewayIds: string[], page: { skip: number; take: number }): Promise<HistoryEntry[]> {
    const rows = await this.dataSource.getRepository(CommandEntity).find({
      where: { gatewayId: In(gatewayIds) },
      order: { createdAt: 'DESC', id: 'DESC' },
      ...page,
    });
    return rows.map((row) => {
      const command = this.commands.describe(row);
      return {
        ...unnamed(command.createdAt, command.gatewayId, command.pointKey),
        what: command.action,
        value: command.value ?? null,
        result: command.status,
        reason: command.reason,
        by: command.issuedBy,
      };
    });
  }

  private async audit(insee: string, page: { skip: number; take: number }): Promise<HistoryEntry[]> {
    const rows = await this.dataSource.getRepository(AuditEntity).find({
      where: { communeInsee: insee },
      order: { id: 'DESC' },
      ...page,
    });
    return rows.map((row) => ({
      ...unnamed(row.at, null, null),
      what: row.action,
      result: row.result,
      target: row.target,
      by: row.actor,
    }));
  }

  /** The catalogue's names of each line's point and equipment. */
  private async labelled(rows: HistoryEntry[]): Promise<HistoryEntry[]> {
    const gateways = [...new Set(rows.map((row) => row.gatewayId).filter((id) => id !== null))];
    const labels = new Map(
      await Promise.all(gateways.map(async (id) => [id, await this.catalogues.labels(id)] as const)),
    );
    return rows.map((row) => {
      const label =
        row.gatewayId === null || row.pointKey === null ? undefined : labels.get(row.gatewayId)?.(row.pointKey);
      return label === undefined
        ? row
        : { ...row, pointName: label.name, equipmentName: label.equipmentName, unit: label.unit };
    });
  }

  /** The name of the account behind each line a person did. */
  private async withNames(rows: HistoryEntry[]): Promise<HistoryEntry[]> {
    const logins = [...new Set(rows.map((row) => row.by).filter((login) => login !== null))];
    const accounts =
      logins.length === 0 ? [] : await this.dataSource.getRepository(AccountEntity).findBy({ login: In(logins) });
    const names = new Map(accounts.map((account) => [account.login, account.name]));
    return rows.map((row) => ({ ...row, byName: row.by === null ? null : (names.get(row.by) ?? null) }));
  }
}

/** A line before its names: nobody behind it, no value, no reason. */
function unnamed(at: string, gatewayId: string | null, pointKey: string | null): HistoryEntry {
  return {
    at,
    gatewayId,
    pointKey,
    pointName: null,
    equipmentName: null,
    unit: null,
    what: '',
    value: null,
    result: '',
    reason: null,
    target: null,
    by: null,
    byName: null,
  };
}
