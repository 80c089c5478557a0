import type { CommissioningReportSummary } from '@beffroi/api';
import { Injectable } from '@nestjs/common';
import { acceptanceReportSchema, type AcceptanceReport } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { CommissioningReportEntity } from '../store/commissioning-report.entity';
import { TenantService } from '../tenants/tenant.service';

/**
 * The procès-verbaux de recette gateways sent (docs/commissioning.md), read within the caller's scope: a commune the
 * caller may not read, and a report of another commune, are answered like things that do not exist.
 */
@Injectable()
export class CommissioningReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
  ) {}

  async list(caller: Caller, insee: string): Promise<CommissioningReportSummary[]> {
    const commune = await this.tenants.commune(caller, insee, 'read');
    const rows = await this.dataSource
      .getRepository(CommissioningReportEntity)
      .find({ where: { communeInsee: commune.insee }, order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map((row) => ({
      id: row.id,
      gatewayId: row.gatewayId,
      equipment: row.equipment === '' ? [] : row.equipment.split(','),
      sites: row.sites,
      createdAt: row.createdAt,
      result: row.runState,
      summary: { passed: row.passed, failed: row.failed, skipped: row.skipped, pending: row.pending },
      engineer: row.engineer,
    }));
  }

  async get(caller: Caller, insee: string, id: string): Promise<AcceptanceReport> {
    const commune = await this.tenants.commune(caller, insee, 'read');
    const row = await this.dataSource
      .getRepository(CommissioningReportEntity)
      .findOneBy({ id, communeInsee: commune.insee });
    if (row === null) {
      throw new CentralException(
        CentralExceptionCode.NotFound,
        `no procès-verbal "${id}" for commune ${commune.insee} (GET /api/communes/${commune.insee}/commissioning-reports)`,
      );
    }
    return acceptanceReportSchema.parse(JSON.parse(row.reportJson));
  }
}
