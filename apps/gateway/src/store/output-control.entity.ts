import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The priority array of one output, kept across restarts (overrides and lock-outs survive a reboot). */
@Entity({ name: 'output_control' })
export class OutputControlEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'array_json', type: 'text' })
  arrayJson!: string;

  @Column({ name: 'updated_at', type: 'text' })
  updatedAt!: string;
}
