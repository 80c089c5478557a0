import { Injectable, Logger } from '@nestjs/common';
import { desiredScheduleItemSchema } from '@beffroi/domain';
import {
  type CatalogueEquipment,
  type CataloguePoint,
  type CatalogueSchedule,
  type CatalogueStoredV1,
  type CatalogueV1,
  type DesiredRefusal,
  type DesiredResultV1,
  type DesiredSections,
} from '@beffroi/sync';
import { DataSource, In } from 'typeorm';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { GatewayCatalogueEntity, GatewayDesiredResultEntity } from '../store/catalogue.entities';
import { type GatewayEntity, PointValueEntity } from '../store/entities';
import { GatewayService } from './gateway.service';

/** A gateway's catalogue as central stored it. */
export interface StoredCatalogue {
  readonly hash: string;
  readonly receivedAt: string;
  readonly equipment: readonly CatalogueEquipment[];
  readonly schedules: readonly CatalogueSchedule[];
}

/** A point of the catalogue with its key and its equipment, as the checks and the answers use it. */
export interface KnownPoint extends CataloguePoint {
  readonly key: string;
  readonly equipmentId: string;
  readonly equipmentName?: string;
}

/** What a point key means on a gateway: its names and unit, so answers never show a bare key. */
export interface PointLabel {
  name: string | null;
  unit: string | null;
  equipmentName: string | null;
}

/**
 * What each gateway has, as it reported it (`catalogue` frames: equipment, points, config schedules), and what it
 * made of its last desired version (`desired.result`: the items it refused). Answers the equipment and schedules of a
 * gateway with names and units; the checks of commands and schedules read it through {@link catalogueOf}.
 */
@Injectable()
export class CatalogueService {
  private readonly logger = new Logger(CatalogueService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly gateways: GatewayService,
    private readonly clock: Clock,
  ) {}

  /** Stores a catalogue unless the same one (same hash) is already stored; answers the confirmation to send. */
  async store(gatewayId: string, catalogue: CatalogueV1): Promise<CatalogueStoredV1> {
    const repository = this.dataSource.getRepository(GatewayCatalogueEntity);
    const stored = await repository.findOneBy({ gatewayId });
    if (stored?.hash !== catalogue.hash) {
      await repository.save({
        gatewayId,
        hash: catalogue.hash,
        equipmentJson: JSON.stringify(catalogue.equipment),
        schedulesJson: JSON.stringify(catalogue.schedules),
        receivedAt: this.clock.now().toISOString(),
      });
      const points = catalogue.equipment.reduce((n, e) => n + e.points.length, 0);
      this.logger.log(
        `${gatewayId}: catalogue stored (${catalogue.equipment.length} equipment, ${points} points, ` +
          `${catalogue.schedules.length} config schedules)`,
      );
    }
    return { type: 'catalogue.stored', v: 1, hash: catalogue.hash };
  }

  /** Stores the outcome of a desired version; one older than the one stored (a late resend) changes nothing. */
  async storeResult(gatewayId: string, result: DesiredResultV1): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(GatewayDesiredResultEntity);
      const stored = await repository.findOneBy({ gatewayId });
      if (stored !== null && stored.version > result.version) return false;
      await repository.save({
        gatewayId,
        version: result.version,
        refusedJson: JSON.stringify(result.refused),
        at: result.at,
      });
      return true;
    });
  }

  /** The last result of each of these gateways that reported one. */
  async results(gatewayIds: readonly string[]): Promise<Map<string, { version: number; refused: DesiredRefusal[] }>> {
    const rows = await this.dataSource
      .getRepository(GatewayDesiredResultEntity)
      .findBy({ gatewayId: In([...gatewayIds]) });
    return new Map(
      rows.map((row) => [
        row.gatewayId,
        { version: row.version, refused: JSON.parse(row.refusedJson) as DesiredRefusal[] },
      ]),
    );
  }

  /** The stored catalogue, or a 409 saying the gateway has not reported one (it never connected since enrolment). */
  async catalogueOf(gateway: GatewayEntity): Promise<StoredCatalogue> {
    const row = await this.dataSource.getRepository(GatewayCatalogueEntity).findOneBy({ gatewayId: gateway.id });
    if (row === null) {
      throw new CentralException(
        CentralExceptionCode.Conflict,
        `gateway ${gateway.id} has not reported its equipment yet (it has not connected since it was enrolled): ` +
          'central cannot check this request against what the gateway has',
      );
    }
    return {
      hash: row.hash,
      receivedAt: row.receivedAt,
      equipment: JSON.parse(row.equipmentJson) as CatalogueEquipment[],
      schedules: JSON.parse(row.schedulesJson) as CatalogueSchedule[],
    };
  }

  /** `GET /api/gateways/:id/equipment`: equipment and points with names, units, states, ranges and live values. */
  async equipment(caller: Caller, gatewayId: string) {
    const gateway = await this.gateways.gateway(caller, gatewayId);
    const catalogue = await this.catalogueOf(gateway);
    const values = new Map(
      (await this.dataSource.getRepository(PointValueEntity).findBy({ gatewayId })).map((row) => [row.pointKey, row]),
    );
    return {
      gatewayId,
      hash: catalogue.hash,
      receivedAt: catalogue.receivedAt,
      equipment: catalogue.equipment.map(({ points, ...equipment }) => ({
        ...equipment,
        points: points.map((point) => {
          const key = `${equipment.id}:${point.id}`;
          const live = values.get(key);
          return {
            key,
            ...point,
            ...(point.feedback === undefined ? {} : { feedbackKey: `${equipment.id}:${point.feedback}` }),
            value: live === undefined ? null : (JSON.parse(live.valueJson) as unknown),
            quality: live === undefined ? null : (JSON.parse(live.qualityJson) as unknown),
            observedAt: live?.observedAt ?? null,
            receivedAt: live?.receivedAt ?? null,
          };
        }),
      })),
    };
  }

  /**
   * `GET /api/gateways/:id/schedules`: the schedules the gateway runs from its own config (`source: 'config'`) beside
   * those of central's desired state (`source: 'central'`, with what the gateway made of them). A central schedule
   * runs in place of a config schedule of the same id (`replacedBy: 'central'`).
   */
  async schedules(caller: Caller, gatewayId: string) {
    const gateway = await this.gateways.gateway(caller, gatewayId);
    const row = await this.dataSource.getRepository(GatewayCatalogueEntity).findOneBy({ gatewayId });
    const fromConfig = row === null ? [] : (JSON.parse(row.schedulesJson) as CatalogueSchedule[]);
    const desired = (JSON.parse(gateway.desiredJson) as DesiredSections).schedules;
    const result = (await this.results([gatewayId])).get(gatewayId);
    const central = Object.entries(desired).map(([id, item]) => {
      const refusal = result?.refused.find((r) => r.section === 'schedules' && r.key === id);
      const state =
        refusal !== undefined ? 'refused' : gateway.appliedVersion >= gateway.desiredVersion ? 'applied' : 'pending';
      const parsed = desiredScheduleItemSchema.safeParse(item);
      const { schedule, kind, ...targets } = parsed.success ? parsed.data : { schedule: item, kind: null };
      return {
        id,
        kind,
        targets,
        document: schedule,
        source: 'central' as const,
        state,
        reason: refusal?.reason ?? null,
      };
    });
    return {
      gatewayId,
      catalogueReported: row !== null,
      schedules: [
        ...fromConfig.map((s) => ({ ...s, replacedBy: Object.hasOwn(desired, s.id) ? 'central' : null })),
        ...central,
      ],
    };
  }

  /** Each row with `point`: the name and unit of its `pointKey` and the name of its equipment. */
  async labelled<T extends { pointKey: string }>(gatewayId: string, rows: readonly T[]) {
    const label = await this.labels(gatewayId);
    return rows.map((row) => ({ ...row, point: label(row.pointKey) }));
  }

  /** Names and units of the gateway's points by key (empty before its first catalogue). */
  async labels(gatewayId: string): Promise<(key: string) => PointLabel> {
    const row = await this.dataSource.getRepository(GatewayCatalogueEntity).findOneBy({ gatewayId });
    const points = new Map<string, PointLabel>();
    for (const equipment of row === null ? [] : (JSON.parse(row.equipmentJson) as CatalogueEquipment[])) {
      for (const point of equipment.points) {
        points.set(`${equipment.id}:${point.id}`, {
          name: point.name ?? null,
          unit: point.unit ?? null,
          equipmentName: equipment.name ?? null,
        });
      }
    }
    return (key) => points.get(key) ?? { name: null, unit: null, equipmentName: null };
  }
}

/** Every point of a catalogue by key. */
export function pointsOf(catalogue: StoredCatalogue): Map<string, KnownPoint> {
  const points = new Map<string, KnownPoint>();
  for (const equipment of catalogue.equipment) {
    for (const point of equipment.points) {
      const key = `${equipment.id}:${point.id}`;
      points.set(key, {
        ...point,
        key,
        equipmentId: equipment.id,
        ...(equipment.name === undefined ? {} : { equipmentName: equipment.name }),
      });
    }
  }
  return points;
}
