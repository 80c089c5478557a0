import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A point's open 15-minute bucket while central is out of reach (libs/schedule `Bucket`): the readings of the current
 * UTC quarter folded so far. It becomes a `bucket` outbox message, in the same transaction, once a reading of a later
 * quarter arrives or central is reached again.
 */
@Entity({ name: 'telemetry_buckets' })
export class TelemetryBucketEntity {
  @PrimaryColumn({ name: 'point_key', type: 'text' })
  pointKey!: string;

  /** Epoch milliseconds: the start of the UTC quarter. */
  @Column({ type: 'integer' })
  start!: number;

  @Column({ type: 'integer' })
  count!: number;

  @Column({ type: 'real' })
  min!: number;

  @Column({ type: 'real' })
  max!: number;

  @Column({ type: 'real' })
  sum!: number;

  @Column({ type: 'real' })
  last!: number;

  @Column({ name: 'last_at', type: 'integer' })
  lastAt!: number;
}
