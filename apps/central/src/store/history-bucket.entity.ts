import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A quarter of an hour of a point's readings, folded by its gateway while central was out of reach (`bucket`
 * messages, docs/sync.md): one per point and quarter, kept as long as raw samples and rolled up with them.
 */
@Entity({ name: 'history_buckets', withoutRowid: true })
export class HistoryBucketEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ name: 'point_key', type: 'text' }) pointKey!: string;
  /** Epoch milliseconds: the start of the UTC quarter. */
  @PrimaryColumn({ type: 'integer' }) start!: number;
  @Column({ type: 'integer' }) count!: number;
  @Column({ type: 'real' }) min!: number;
  @Column({ type: 'real' }) max!: number;
  @Column({ type: 'real' }) sum!: number;
  @Column({ type: 'real' }) last!: number;
  @Column({ name: 'last_at', type: 'integer' }) lastAt!: number;
}
