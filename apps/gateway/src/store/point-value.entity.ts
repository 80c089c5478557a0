import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest known value of each point, kept across restarts. */
@Entity({ name: 'point_values' })
export class PointValueEntity {
  /** `equipmentId:pointId`. */
  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** JSON of the value (boolean, number, string or null). */
  @Column({ name: 'value_json', type: 'text' })
  valueJson!: string;

  @Column({ type: 'text' })
  quality!: 'good' | 'stale' | 'bad';

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'observed_at', type: 'text', nullable: true })
  observedAt!: string | null;

  @Column({ name: 'received_at', type: 'text' })
  receivedAt!: string;
}
