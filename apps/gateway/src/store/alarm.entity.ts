import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Where a gateway alarm comes from: a profile's condition, an equipment that stopped answering, a feedback, a bus
 * whose polls cannot keep up with their periods.
 */
export type AlarmSource = 'condition' | 'equipment-offline' | 'feedback-mismatch' | 'polling-overrun';

/**
 * An alarm the gateway raised: active while `clearedAt` is null (at most one active row per key, by a unique partial
 * index), then kept as cleared.
 */
@Entity({ name: 'alarms' })
export class AlarmEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /**
   * `<equipment>:<point>` for a condition, `equipment:<id>`, `feedback-mismatch:<equipment>:<point>`,
   * `polling-overrun:<bus>`.
   */
  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  source!: AlarmSource;

  @Column({ type: 'text' })
  severity!: 'info' | 'warning' | 'critical';

  @Column({ type: 'text' })
  message!: string;

  /** The equipment concerned; the bus id for a `polling-overrun` alarm. */
  @Column({ name: 'equipment_id', type: 'text' })
  equipmentId!: string;

  /** The point concerned (the output, for a feedback mismatch); null for an equipment alarm. */
  @Column({ name: 'point_id', type: 'text', nullable: true })
  pointId!: string | null;

  /** Facts of the alarm as JSON: for a feedback mismatch `{ commanded, seen, feedbackKey }`. */
  @Column({ name: 'details_json', type: 'text', nullable: true })
  detailsJson!: string | null;

  /** Gateway wall-clock instants (ISO-8601). */
  @Column({ name: 'raised_at', type: 'text' })
  raisedAt!: string;

  @Column({ name: 'cleared_at', type: 'text', nullable: true })
  clearedAt!: string | null;
}
