import type { SwitchingResult } from '@beffroi/sync';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every switching the gateway made: when, which output, what value, why (slot and owner) and how it ended. */
@Entity({ name: 'switchings' })
@Index(['key', 'id'])
export class SwitchingEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Gateway wall-clock time of the decision (ISO-8601). */
  @Column({ type: 'text' })
  at!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'value_json', type: 'text' })
  valueJson!: string;

  /** The priority slot that decided it (null for bell relay actions, which are not arbitrated states). */
  @Column({ type: 'integer', nullable: true })
  slot!: number | null;

  /** Who: `schedule:eclairage-hotel-de-ville`, `local-api`, `bells:cloches-basilique/angelus`... */
  @Column({ type: 'text' })
  cause!: string;

  @Column({ type: 'text' })
  result!: SwitchingResult;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** The verified write that carried it, if one was sent. */
  @Column({ name: 'write_id', type: 'integer', nullable: true })
  writeId!: number | null;
}
