import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every command central sent, by id: written `running` before it is executed, `done` with its result after, so a
 * command is never executed twice — not when it is delivered again, not after a restart.
 */
@Entity({ name: 'command_ledger' })
@Index(['notAfter'])
export class CommandLedgerEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  status!: 'running' | 'done';

  /** The command's deadline on central's clock (ISO-8601). */
  @Column({ name: 'not_after', type: 'text' })
  notAfter!: string;

  /** JSON of the command result once done. */
  @Column({ name: 'result_json', type: 'text', nullable: true })
  resultJson!: string | null;

  @Column({ name: 'updated_at', type: 'text' })
  updatedAt!: string;
}
