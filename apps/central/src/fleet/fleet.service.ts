import { Injectable } from '@nestjs/common';
import { ALARM_SEVERITIES } from '@beffroi/api';
import { DataSource, In, IsNull } from 'typeorm';
import type { CatalogueEquipment } from '@beffroi/sync';
import type { Caller } from '../auth/caller';
import { CentralConfig } from '../central.config';
import { GatewayCatalogueEntity } from '../store/catalogue.entities';
import { AlarmEntity, GatewayEntity } from '../store/entities';
import { SyncPresence } from '../sync/sync-presence';
import { TenantService } from '../tenants/tenant.service';
import { mapSitesOf } from './fleet-map';

type Severity = (typeof ALARM_SEVERITIES)[number];
type SeverityCounts = Record<Severity, number>;

/**
 * The fleet a syndicate runs: every commune of the caller's tenant with its gateways (online or offline and since
 * when, last contact, desired and applied versions, clock offset, the software it said it runs) and its open alarms counted by severity. Revoked
 * gateways are left out.
 */
@Injectable()
export class FleetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
    private readonly presence: SyncPresence,
    private readonly config: CentralConfig,
  ) {}

  /**
   * The map of the caller's fleet: the tiles of central's config (none: a plain background) and every site of its
   * gateways, with coordinates when the gateway gave usable ones, coloured by the state of its gateway.
   */
  async map(caller: Caller) {
    const communes = await this.fleet(caller);
    const ids = communes.flatMap((c) => c.gateways.map((g) => g.id));
    const [rows, catalogues] = await Promise.all([
      this.dataSource.getRepository(GatewayEntity).findBy({ id: In(ids) }),
      this.dataSource.getRepository(GatewayCatalogueEntity).findBy({ gatewayId: In(ids) }),
    ]);
    const health = new Map(
      rows.map((row) => [row.id, row.healthJson === null ? null : (JSON.parse(row.healthJson) as unknown)]),
    );
    const equipment = new Map(
      catalogues.map((row) => [row.gatewayId, JSON.parse(row.equipmentJson) as CatalogueEquipment[]]),
    );
    return {
      tiles: this.config.map.tiles ?? null,
      sites: communes.flatMap((commune) =>
        commune.gateways.flatMap((gateway) =>
          mapSitesOf({
            id: gateway.id,
            commune: commune.insee,
            communeName: commune.name,
            online: gateway.online,
            openAlarms: gateway.alarms.info + gateway.alarms.warning + gateway.alarms.critical,
            health: health.get(gateway.id) ?? null,
            catalogue: equipment.get(gateway.id),
          }),
        ),
      ),
    };
  }

  async fleet(caller: Caller) {
    const communes = await this.tenants.communes(caller);
    const gateways = await this.dataSource.getRepository(GatewayEntity).find({
      where: { communeInsee: In(communes.map((c) => c.insee)), revokedAt: IsNull() },
      order: { id: 'ASC' },
    });
    const open = await this.dataSource
      .getRepository(AlarmEntity)
      .findBy({ gatewayId: In(gateways.map((g) => g.id)), clearedAt: IsNull() });
    const alarmsOf = (gatewayIds: readonly string[]): SeverityCounts => {
      const counts = Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
      for (const alarm of open) {
        if (alarm.gatewayId !== null && gatewayIds.includes(alarm.gatewayId) && isSeverity(alarm.severity))
          counts[alarm.severity] += 1;
      }
      return counts;
    };
    return communes.map((commune) => {
      const own = gateways.filter((g) => g.communeInsee === commune.insee);
      return {
        insee: commune.insee,
        name: commune.name,
        department: commune.department,
        gateways: own.map((gateway) => {
          const since = this.presence.since(gateway.id);
          const lastSeenAt = this.presence.lastSeen(gateway.id) ?? gateway.lastSeenAt;
          return {
            id: gateway.id,
            online: since !== undefined,
            since: since ?? lastSeenAt,
            lastSeenAt,
            desiredVersion: gateway.desiredVersion,
            appliedVersion: gateway.appliedVersion,
            upToDate: gateway.appliedVersion >= gateway.desiredVersion,
            clockOffsetMs: gateway.clockOffsetMs,
            softwareVersion: gateway.softwareVersion,
            alarms: alarmsOf([gateway.id]),
          };
        }),
        alarms: alarmsOf(own.map((g) => g.id)),
      };
    });
  }
}

function isSeverity(value: string): value is Severity {
  return (ALARM_SEVERITIES as readonly string[]).includes(value);
}
