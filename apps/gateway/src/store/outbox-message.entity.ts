import type { ReportClass } from '@beffroi/sync';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One message of the sync outbox, stored before it can be sent and deleted once central acknowledged it. `seq` is
 * assigned by the gateway, strictly increasing and never reused (the next one is kept in `sync_state`).
 */
@Entity({ name: 'outbox_messages' })
export class OutboxMessageEntity {
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  class!: ReportClass;

  /** JSON of the message's payload (libs/sync report.message.ts, per class). */
  @Column({ name: 'payload_json', type: 'text' })
  payloadJson!: string;
}
