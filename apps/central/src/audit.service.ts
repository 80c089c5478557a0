import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from './auth/caller';
import { Clock } from '@beffroi/runtime';
import { AuditEntity } from './store/entities';

export interface AuditRecord {
  /** A login, `gateway:<id>` or `system`. */
  actor: string;
  action: string;
  target: string;
  result: string;
  communeInsee?: string | null;
  syndicateId?: string | null;
  detail?: unknown;
}

/** The audit log: who did what, when, with what result. Written in the same transaction as what it records. */
@Injectable()
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Records inside the caller's transaction. */
  async record(record: AuditRecord, manager: EntityManager): Promise<void> {
    await manager.getRepository(AuditEntity).insert({
      at: this.clock.now().toISOString(),
      actor: record.actor,
      action: record.action,
      target: record.target,
      result: record.result,
      communeInsee: record.communeInsee ?? null,
      syndicateId: record.syndicateId ?? null,
      detailJson: record.detail === undefined ? null : JSON.stringify(record.detail),
    });
  }

  /** The newest entries the caller may see: its commune's, or its syndicate's and its communes'. */
  async recent(caller: Caller, limit: number, communeInsee?: string) {
    const query = this.dataSource
      .getRepository(AuditEntity)
      .createQueryBuilder('audit')
      .orderBy('audit.id', 'DESC')
      .take(limit);
    if (caller.communeInsee !== null) {
      query.where('audit.commune_insee = :insee', { insee: caller.communeInsee });
    } else {
      query.where(
        '(audit.syndicate_id = :syndicate OR audit.commune_insee IN ' +
          '(SELECT insee FROM communes WHERE syndicate_id = :syndicate))',
        { syndicate: caller.syndicateId },
      );
      if (communeInsee !== undefined) query.andWhere('audit.commune_insee = :insee', { insee: communeInsee });
    }
    const rows = await query.getMany();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      target: row.target,
      result: row.result,
      communeInsee: row.communeInsee,
      detail: row.detailJson === null ? null : (JSON.parse(row.detailJson) as unknown),
    }));
  }
}
