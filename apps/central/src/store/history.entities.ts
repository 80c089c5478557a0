import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A numeric value a gateway reported for a point, kept `history.rawRetentionDays`; one per point and instant. */
@Entity({ name: 'history_samples', withoutRowid: true })
export class HistorySampleEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ name: 'point_key', type: 'text' }) pointKey!: string;
  /** Epoch milliseconds: when the equipment observed it, or else when the gateway received it. */
  @PrimaryColumn({ type: 'integer' }) at!: number;
  @Column({ type: 'real' }) value!: number;
}

/** A quarter, local day or local month of a point's samples (see `Rollup` of `@beffroi/schedule`), kept for years. */
@Entity({ name: 'history_rollups', withoutRowid: true })
export class HistoryRollupEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ name: 'point_key', type: 'text' }) pointKey!: string;
  @PrimaryColumn({ type: 'text' }) period!: 'quarter' | 'day' | 'month';
  @PrimaryColumn({ type: 'integer' }) start!: number;
  @Column({ type: 'integer' }) end!: number;
  @Column({ type: 'text' }) kind!: 'measure' | 'counter';
  @Column({ type: 'integer' }) count!: number;
  @Column({ type: 'real' }) min!: number;
  @Column({ type: 'real' }) max!: number;
  @Column({ type: 'real' }) sum!: number;
  @Column({ type: 'real' }) mean!: number;
  @Column({ type: 'real' }) last!: number;
  @Column({ name: 'last_at', type: 'integer' }) lastAt!: number;
  @Column({ type: 'real' }) increase!: number;
  @Column({ type: 'integer' }) resets!: number;
  @Column({ type: 'integer' }) quarters!: number;
  @Column({ name: 'expected_quarters', type: 'integer' }) expectedQuarters!: number;
}

/** A point with samples not rolled up yet, from the earliest of them: what the next rollup run redoes. */
@Entity({ name: 'history_pending', withoutRowid: true })
export class HistoryPendingEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ name: 'point_key', type: 'text' }) pointKey!: string;
  @Column({ type: 'integer' }) from!: number;
}

export const HISTORY_ENTITIES = [HistorySampleEntity, HistoryRollupEntity, HistoryPendingEntity];
