import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A procès-verbal de recette made on the gateway: the whole document as JSON (what its HTML and PDF are made from),
 * kept for good.
 */
@Entity({ name: 'commissioning_reports' })
export class CommissioningReportEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'created_at', type: 'text' })
  createdAt!: string;

  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ name: 'report_json', type: 'text' })
  reportJson!: string;
}
