import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A syndicate's schedule template, targeting outputs by tag: its current version. */
@Entity({ name: 'templates' })
export class TemplateEntity {
  @PrimaryColumn({ name: 'syndicate_id', type: 'text' }) syndicateId!: string;
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'integer' }) version!: number;
  /** The template item (kind, tag, slot, schedule document), as JSON. */
  @Column({ name: 'item_json', type: 'text' }) itemJson!: string;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  @Column({ name: 'updated_by', type: 'text' }) updatedBy!: string;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt!: string;
}

/** Every version of a template, kept: who wrote it, when, why. */
@Entity({ name: 'template_versions' })
export class TemplateVersionEntity {
  @PrimaryColumn({ name: 'syndicate_id', type: 'text' }) syndicateId!: string;
  @PrimaryColumn({ name: 'template_id', type: 'text' }) templateId!: string;
  @PrimaryColumn({ type: 'integer' }) version!: number;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'item_json', type: 'text' }) itemJson!: string;
  @Column({ type: 'text' }) author!: string;
  @Column({ type: 'text' }) at!: string;
  @Column({ type: 'text', nullable: true }) comment!: string | null;
}

export const TEMPLATE_ENTITIES = [TemplateEntity, TemplateVersionEntity];
