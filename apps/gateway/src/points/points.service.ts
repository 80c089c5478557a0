import { Injectable } from '@nestjs/common';
import type { PointScalar } from '@beffroi/domain';
import { DataSource } from 'typeorm';
import { FieldService, type GatewayPoint } from '../field/field.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { WriteRecordEntity } from '../store/write-record.entity';
import { PointStore } from './point-store.service';
import { type WriteResult, WriteService } from './write.service';

/** What the local API says about one point. */
export interface PointView {
  key: string;
  equipmentId: string;
  pointId: string;
  busId: string;
  name?: string;
  kind: string;
  type: string;
  unit?: string;
  value: PointScalar | null;
  quality: { status: string; reason?: string };
  observedAt?: string;
  receivedAt?: string;
}

@Injectable()
export class PointsService {
  constructor(
    private readonly field: FieldService,
    private readonly store: PointStore,
    private readonly writer: WriteService,
    private readonly loaded: LoadedGatewayConfig,
    private readonly dataSource: DataSource,
  ) {}

  list(): PointView[] {
    return [...this.field.points.values()].map((point) => this.view(point));
  }

  equipmentList() {
    return this.loaded.config.buses.flatMap((bus) => bus.equipment.map((e) => this.equipment(e.id)));
  }

  equipment(id: string) {
    for (const bus of this.loaded.config.buses) {
      const equipment = bus.equipment.find((e) => e.id === id);
      if (!equipment) continue;
      const health = this.field.drivers.get(bus.id)?.health();
      const offline = health?.offline.find((o) => o.equipmentId === id);
      return {
        id,
        name: equipment.name ?? id,
        profile: equipment.profile,
        busId: bus.id,
        protocol: bus.protocol,
        site: equipment.site ?? this.loaded.config.sites[0]?.id,
        ...('unit' in equipment ? { unit: equipment.unit } : {}),
        link: health?.link ?? 'disconnected',
        online: health?.link === 'connected' && offline === undefined,
        ...(offline ? { offlineSince: offline.since.toISOString(), offlineReason: offline.reason } : {}),
        points: [...this.field.points.values()].filter((p) => p.bound.equipmentId === id).map((p) => this.view(p)),
      };
    }
    const known = this.loaded.config.buses.flatMap((b) => b.equipment.map((e) => e.id)).join(', ');
    throw new GatewayException(GatewayExceptionCode.UnknownEquipment, `no equipment "${id}" (known: ${known})`);
  }

  async write(key: string, value: PointScalar, notAfter: Date, source: string): Promise<WriteResult> {
    const point = this.point(key);
    if (!this.field.isWritable(point)) {
      throw new GatewayException(
        GatewayExceptionCode.NotWritable,
        `${key} is a ${point.kind} point: only command and setpoint points can be written`,
      );
    }
    return this.writer.write({ point, value, notAfter, source });
  }

  recentWrites(limit: number) {
    return this.dataSource
      .getRepository(WriteRecordEntity)
      .find({ order: { id: 'DESC' }, take: limit })
      .then((rows) =>
        rows.map((row) => ({
          id: row.id,
          key: row.key,
          value: JSON.parse(row.valueJson) as PointScalar,
          source: row.source,
          status: row.status,
          reason: row.reason,
          requestedAt: row.requestedAt,
          notAfter: row.notAfter,
          finishedAt: row.finishedAt,
        })),
      );
  }

  private point(key: string): GatewayPoint {
    const point = this.field.points.get(key);
    if (!point) {
      throw new GatewayException(
        GatewayExceptionCode.UnknownPoint,
        `no point "${key}" (point keys are equipmentId:pointId, see GET /points)`,
      );
    }
    return point;
  }

  private view(point: GatewayPoint): PointView {
    const { definition } = point.bound;
    const current = this.store.get(point.bound.key);
    return {
      key: point.bound.key,
      equipmentId: point.bound.equipmentId,
      pointId: point.pointId,
      busId: point.busId,
      ...(definition.name === undefined ? {} : { name: definition.name }),
      kind: point.kind,
      type: definition.type,
      ...(definition.unit === undefined ? {} : { unit: definition.unit }),
      value: current?.value ?? null,
      quality: current?.quality ?? { status: 'stale', reason: 'not read yet' },
      ...(current?.observedAt === undefined ? {} : { observedAt: current.observedAt }),
      ...(current?.receivedAt === undefined ? {} : { receivedAt: current.receivedAt }),
    };
  }
}
