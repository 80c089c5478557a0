import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `acknowledged`: a pulse output (a hammer strike) the device accepted; it has no lasting state to read back. */
export const WRITE_STATUSES = [
  'pending',
  'applied',
  'acknowledged',
  'mismatch',
  'failed',
  'timeout',
  'expired',
] as const;
export type WriteStatus = (typeof WRITE_STATUSES)[number];

/** Every write asked of the gateway, recorded before it is attempted and updated with its outcome. */
@Entity({ name: 'write_records' })
@Index(['status'])
export class WriteRecordEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'value_json', type: 'text' })
  valueJson!: string;

  /** Who asked: `local-api`, `schedule`, `central`... */
  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'requested_at', type: 'text' })
  requestedAt!: string;

  @Column({ name: 'not_after', type: 'text' })
  notAfter!: string;

  @Column({ type: 'text' })
  status!: WriteStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'finished_at', type: 'text', nullable: true })
  finishedAt!: string | null;
}
