import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The sync client's durable facts, one JSON value per key: the outbox's next seq, the desired state last applied,
 * the equipment alarms raised.
 */
@Entity({ name: 'sync_state' })
export class SyncStateEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'value_json', type: 'text' })
  valueJson!: string;

  @Column({ name: 'updated_at', type: 'text' })
  updatedAt!: string;
}
