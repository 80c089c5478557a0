import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const RING_STATES = ['ringing', 'done', 'failed', 'missed'] as const;
export type RingState = (typeof RING_STATES)[number];

/**
 * A ring the gateway claimed: its key (instant + sequence) is written before the first relay moves, so a ring is
 * never played twice — not after a restart, not when the wall clock steps back.
 */
@Entity({ name: 'bell_rings' })
@Index(['dueAt'])
export class BellRingEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'schedule_id', type: 'text' })
  scheduleId!: string;

  @Column({ name: 'sequence_id', type: 'text' })
  sequenceId!: string;

  @Column({ name: 'due_at', type: 'text' })
  dueAt!: string;

  @Column({ type: 'text' })
  state!: RingState;

  @Column({ name: 'started_at', type: 'text', nullable: true })
  startedAt!: string | null;

  @Column({ name: 'finished_at', type: 'text', nullable: true })
  finishedAt!: string | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
