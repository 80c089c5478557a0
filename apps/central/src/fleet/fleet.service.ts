import { Injectable } from '@nestjs/common';
import { ALARM_SEVERITIES, type FleetCommune } from '@beffroi/api';
import { withSqliteConnection } from '@beffroi/runtime';
import { DataSource, In } from 'typeorm';
import type { CatalogueEquipment } from '@beffroi/sync';
import { type Caller, requireRole } from '../auth/caller';
import { CentralConfig } from '../central.config';
import { GatewayCatalogueEntity } from '../store/catalogue.entities';
import { type SqliteConnection, type SqliteStatement, sqliteConnectionOf } from '../store/central-data-source';
import { GatewayEntity } from '../store/entities';
import { SyncPresence } from '../sync/sync-presence';
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

  /**
   * The caller's fleet, read by one prepared statement (communes, their gateways and the gateways' open alarms
   * counted by severity, in INSEE code then gateway id order) rather than by loading every gateway and alarm as an
   * entity: with 1,000 communes that was most of the answer's time, on central's one thread. What only the live
   * connections know (online, since when, the last frame) is added from {@link SyncPresence}.
   */
  async fleet(caller: Caller): Promise<FleetCommune[]> {
    requireRole(caller, 'read');
    const rows = await withSqliteConnection(this.dataSource, () => {
      const statements = fleetStatementsOf(sqliteConnectionOf(this.dataSource));
      return (
        caller.communeInsee !== null
          ? statements.byCommune.all(caller.communeInsee)
          : statements.bySyndicate.all(caller.syndicateId ?? '')
      ) as FleetRow[];
    });
    const communes: FleetCommune[] = [];
    let commune: FleetCommune | undefined;
    for (const row of rows) {
      if (commune?.insee !== row.insee) {
        commune = { insee: row.insee, name: row.name, department: row.department, gateways: [], alarms: noAlarms() };
        communes.push(commune);
      }
      if (row.id === null) continue;
      const alarms = noAlarms();
      for (const severity of ALARM_SEVERITIES) {
        alarms[severity] = row[severity];
        commune.alarms[severity] += row[severity];
      }
      const since = this.presence.since(row.id);
      const lastSeenAt = this.presence.lastSeen(row.id) ?? row.lastSeenAt;
      commune.gateways.push({
        id: row.id,
        online: since !== undefined,
        since: since ?? lastSeenAt,
        lastSeenAt,
        desiredVersion: row.desiredVersion,
        appliedVersion: row.appliedVersion,
        upToDate: row.appliedVersion >= row.desiredVersion,
        clockOffsetMs: row.clockOffsetMs,
        softwareVersion: row.softwareVersion,
        alarms,
      });
    }
    return communes;
  }
}

/**
 * One row of the fleet's statement: a commune and one of its gateways that is not revoked, with that gateway's open
 * alarms by severity; a commune without any gateway is one row whose gateway columns are null (its counts 0).
 */
type FleetRow = { insee: string; name: string; department: string } & SeverityCounts &
  (
    | { id: null }
    | {
        id: string;
        lastSeenAt: string | null;
        desiredVersion: number;
        appliedVersion: number;
        clockOffsetMs: number | null;
        softwareVersion: string | null;
      }
  );

/**
 * The fleet's statement, from `where` on: an alarm counts while it is not cleared, under the severity it was raised
 * with (one of another severity counts nowhere); alarms about an account (no gateway) and revoked gateways are left
 * out. `GROUP BY` makes one row per gateway, or one per commune without any.
 */
function fleetStatement(where: string): string {
  const counts = ALARM_SEVERITIES.map(
    (severity) => `COUNT(CASE WHEN a."severity" = '${severity}' THEN 1 END) AS "${severity}"`,
  );
  return (
    'SELECT c."insee", c."name", c."department", g."id", g."last_seen_at" AS "lastSeenAt", ' +
    'g."desired_version" AS "desiredVersion", g."applied_version" AS "appliedVersion", ' +
    `g."clock_offset_ms" AS "clockOffsetMs", g."software_version" AS "softwareVersion", ${counts.join(', ')} ` +
    'FROM "communes" c ' +
    'LEFT JOIN "gateways" g ON g."commune_insee" = c."insee" AND g."revoked_at" IS NULL ' +
    'LEFT JOIN "alarms" a ON a."gateway_id" = g."id" AND a."cleared_at" IS NULL ' +
    `WHERE ${where} GROUP BY c."insee", g."id" ORDER BY c."insee", g."id"`
  );
}

interface FleetStatements {
  /** The communes of a syndicate (`?`: its id). */
  bySyndicate: SqliteStatement;
  /** One commune (`?`: its INSEE code), for a commune's account. */
  byCommune: SqliteStatement;
}

const prepared = new WeakMap<SqliteConnection, FleetStatements>();

function fleetStatementsOf(connection: SqliteConnection): FleetStatements {
  let statements = prepared.get(connection);
  if (statements === undefined) {
    statements = {
      bySyndicate: connection.prepare(fleetStatement('c."syndicate_id" = ?')),
      byCommune: connection.prepare(fleetStatement('c."insee" = ?')),
    };
    prepared.set(connection, statements);
  }
  return statements;
}

function noAlarms(): SeverityCounts {
  return Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
}
