import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A procès-verbal de recette a gateway made and sent through its outbox (`commissioningReport` messages,
 * docs/sync.md): the whole document as the gateway made it, from which central renders the same HTML and PDF, and
 * the few fields its list shows. Keyed by the report's id, so a report sent again is stored once.
 */
@Entity({ name: 'commissioning_reports' })
@Index('commissioning_reports_commune', ['communeInsee', 'createdAt'])
export class CommissioningReportEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  /** The commune of the gateway when central received the report (what scopes who may read it). */
  @Column({ name: 'commune_insee', type: 'text' }) communeInsee!: string;
  /** When the gateway made it, in UTC. */
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  @Column({ name: 'received_at', type: 'text' }) receivedAt!: string;
  @Column({ type: 'text' }) engineer!: string;
  /** The test run's end state (`passed`, `failed`, `aborted`) and its step counts. */
  @Column({ name: 'run_state', type: 'text' }) runState!: string;
  @Column({ type: 'integer' }) passed!: number;
  @Column({ type: 'integer' }) failed!: number;
  @Column({ type: 'integer' }) skipped!: number;
  @Column({ type: 'integer' }) pending!: number;
  /** The equipment tested, comma-separated, and the sites they are on. */
  @Column({ type: 'text' }) equipment!: string;
  @Column({ type: 'text' }) sites!: string;
  @Column({ name: 'report_json', type: 'text' }) reportJson!: string;
}
