import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a gateway has (its `catalogue` frame): equipment, points, config schedules; the latest one per gateway. */
@Entity({ name: 'gateway_catalogues' })
export class GatewayCatalogueEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @Column({ type: 'text' }) hash!: string;
  /** The frame's `equipment` and `schedules`, as JSON. */
  @Column({ name: 'equipment_json', type: 'text' }) equipmentJson!: string;
  @Column({ name: 'schedules_json', type: 'text' }) schedulesJson!: string;
  @Column({ name: 'received_at', type: 'text' }) receivedAt!: string;
}

/** The last `desired.result` of a gateway: the version it applied and the items it refused, with its reasons. */
@Entity({ name: 'gateway_desired_results' })
export class GatewayDesiredResultEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'refused_json', type: 'text' }) refusedJson!: string;
  @Column({ type: 'text' }) at!: string;
}

export const CATALOGUE_ENTITIES = [GatewayCatalogueEntity, GatewayDesiredResultEntity];
