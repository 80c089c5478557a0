import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../central.config';

/** A departmental energy syndicate: it manages communes and authors schedule templates. */
@Entity({ name: 'syndicates' })
export class SyndicateEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
}

/** A commune, by INSEE code; it may belong to no syndicate. */
@Entity({ name: 'communes' })
export class CommuneEntity {
  @PrimaryColumn({ type: 'text' }) insee!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) department!: string;
  @Column({ name: 'syndicate_id', type: 'text', nullable: true }) syndicateId!: string | null;
}

/** A person's account: one role over one tenant (a syndicate and its communes, or one commune). */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text', unique: true }) login!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) role!: Role;
  @Column({ name: 'syndicate_id', type: 'text', nullable: true }) syndicateId!: string | null;
  @Column({ name: 'commune_insee', type: 'text', nullable: true }) communeInsee!: string | null;
  @Column({ name: 'password_hash', type: 'text' }) passwordHash!: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  @Column({ name: 'disabled_at', type: 'text', nullable: true }) disabledAt!: string | null;
}

/** A login session; only the hash of its token is stored. */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  @Column({ name: 'account_id', type: 'integer' }) accountId!: number;
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  @Column({ name: 'last_used_at', type: 'text' }) lastUsedAt!: string;
  @Column({ name: 'ended_at', type: 'text', nullable: true }) endedAt!: string | null;
}

/** A one-time code that lets a gateway enrol into a commune; only its hash is stored. */
@Entity({ name: 'enrolment_codes' })
export class EnrolmentCodeEntity {
  @PrimaryColumn({ name: 'code_hash', type: 'text' }) codeHash!: string;
  @Column({ name: 'commune_insee', type: 'text' }) communeInsee!: string;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  @Column({ name: 'expires_at', type: 'text' }) expiresAt!: string;
  @Column({ name: 'used_at', type: 'text', nullable: true }) usedAt!: string | null;
  @Column({ name: 'gateway_id', type: 'text', nullable: true }) gatewayId!: string | null;
}

/**
 * An enrolled gateway: its credential (hash), what central last heard, its desired state (versioned by central) and
 * its sync inbox (what of its outbox central has stored).
 */
@Entity({ name: 'gateways' })
export class GatewayEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ name: 'commune_insee', type: 'text' }) communeInsee!: string;
  @Column({ name: 'credential_hash', type: 'text', unique: true }) credentialHash!: string;
  @Column({ name: 'enrolled_at', type: 'text' }) enrolledAt!: string;
  @Column({ name: 'revoked_at', type: 'text', nullable: true }) revokedAt!: string | null;
  @Column({ name: 'last_seen_at', type: 'text', nullable: true }) lastSeenAt!: string | null;
  @Column({ name: 'clock_offset_ms', type: 'real', nullable: true }) clockOffsetMs!: number | null;
  @Column({ name: 'desired_version', type: 'integer' }) desiredVersion!: number;
  @Column({ name: 'desired_json', type: 'text' }) desiredJson!: string;
  @Column({ name: 'applied_version', type: 'integer' }) appliedVersion!: number;
  @Column({ name: 'inbox_applied_up_to', type: 'integer' }) inboxAppliedUpTo!: number;
  @Column({ name: 'inbox_held_json', type: 'text' }) inboxHeldJson!: string;
  /** The outbox incarnation the gateway announced last (null: none yet, or a gateway that names none). */
  @Column({ name: 'inbox_incarnation', type: 'text', nullable: true, default: null }) inboxIncarnation!: string | null;
  /** One more each time the gateway's outbox started over; reported rows are keyed by (gateway, epoch, seq). */
  @Column({ name: 'inbox_epoch', type: 'integer', default: 0 }) inboxEpoch!: number;
  @Column({ name: 'health_json', type: 'text', nullable: true }) healthJson!: string | null;
  /** What the gateway said it runs in its last hello (`beffroi-gateway 0.1.0`); null before one that says. */
  @Column({ name: 'software_version', type: 'text', nullable: true, default: null }) softwareVersion!: string | null;
}

/** One change of a gateway's desired state, kept so a gateway a few versions behind gets a delta. */
@Entity({ name: 'desired_changes' })
export class DesiredChangeEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ type: 'integer' }) version!: number;
  @Column({ name: 'base_version', type: 'integer' }) baseVersion!: number;
  @Column({ name: 'changes_json', type: 'text' }) changesJson!: string;
  @Column({ type: 'text' }) at!: string;
}

/** The latest reported value of each point. */
@Entity({ name: 'point_values' })
export class PointValueEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ name: 'point_key', type: 'text' }) pointKey!: string;
  @Column({ name: 'value_json', type: 'text' }) valueJson!: string;
  @Column({ name: 'quality_json', type: 'text' }) qualityJson!: string;
  @Column({ name: 'observed_at', type: 'text', nullable: true }) observedAt!: string | null;
  @Column({ name: 'received_at', type: 'text' }) receivedAt!: string;
  @Column({ type: 'integer' }) seq!: number;
}

/** The gateway's latest explanation of an output (winning slot, owner, expiry, what lies underneath). */
@Entity({ name: 'outputs' })
export class OutputEntity {
  @PrimaryColumn({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @PrimaryColumn({ name: 'point_key', type: 'text' }) pointKey!: string;
  @Column({ name: 'explain_json', type: 'text' }) explainJson!: string;
  @Column({ type: 'integer' }) seq!: number;
}

/** Every switching a gateway reported, once: (gateway, epoch, seq) is unique (see the gateway's inbox epoch). */
@Entity({ name: 'switchings' })
@Index(['gatewayId', 'epoch', 'seq'], { unique: true })
export class SwitchingEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @Column({ type: 'integer', default: 0 }) epoch!: number;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ name: 'point_key', type: 'text' }) pointKey!: string;
  @Column({ name: 'value_json', type: 'text' }) valueJson!: string;
  @Column({ type: 'integer', nullable: true }) slot!: number | null;
  @Column({ type: 'text' }) source!: string;
  @Column({ name: 'command_id', type: 'text', nullable: true }) commandId!: string | null;
  @Column({ type: 'text' }) result!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'text' }) at!: string;
}

/** An alarm: raised and cleared by the gateway, acknowledged by a person. */
@Entity({ name: 'alarms' })
export class AlarmEntity {
  @PrimaryGeneratedColumn() id!: number;
  /** The gateway that reported it, or that central's own alarm is about; null for an alarm about an account. */
  @Column({ name: 'gateway_id', type: 'text', nullable: true }) gatewayId!: string | null;
  /** The account an alarm is about (`account.locked`); null for a gateway's alarm. */
  @Column({ name: 'account_login', type: 'text', nullable: true }) accountLogin!: string | null;
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) severity!: string;
  @Column({ type: 'text' }) message!: string;
  @Column({ name: 'raised_at', type: 'text' }) raisedAt!: string;
  @Column({ name: 'raised_seq', type: 'integer' }) raisedSeq!: number;
  @Column({ name: 'cleared_at', type: 'text', nullable: true }) clearedAt!: string | null;
  @Column({ name: 'acknowledged_at', type: 'text', nullable: true }) acknowledgedAt!: string | null;
  @Column({ name: 'acknowledged_by', type: 'text', nullable: true }) acknowledgedBy!: string | null;
}

/** A command to a gateway and its lifecycle (queued → sent → applied | failed | expired | refused). */
@Entity({ name: 'commands' })
export class CommandEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ name: 'gateway_id', type: 'text' }) gatewayId!: string;
  @Column({ name: 'message_json', type: 'text' }) messageJson!: string;
  @Column({ name: 'issued_by', type: 'text' }) issuedBy!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  /** While `held`: when the gateway applies it. */
  @Column({ name: 'apply_at', type: 'text', nullable: true }) applyAt!: string | null;
  /** A switch: when the manual switching it caused ends, as the gateway resolved its `until` (null: not known, permanent). */
  @Column({ name: 'ends_at', type: 'text', nullable: true }) endsAt!: string | null;
  @Column({ name: 'not_after', type: 'text' }) notAfter!: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt!: string;
}

/** Who did what, when, with what result: commands, schedule changes, pushes, enrolments, logins. */
@Entity({ name: 'audit_log' })
export class AuditEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text' }) at!: string;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'commune_insee', type: 'text', nullable: true }) communeInsee!: string | null;
  @Column({ name: 'syndicate_id', type: 'text', nullable: true }) syndicateId!: string | null;
  @Column({ type: 'text' }) target!: string;
  @Column({ type: 'text' }) result!: string;
  @Column({ name: 'detail_json', type: 'text', nullable: true }) detailJson!: string | null;
}

/** A schedule template pushed to many communes at once; its progress is read from the gateways it targets. */
@Entity({ name: 'pushes' })
export class PushEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ name: 'schedule_id', type: 'text' }) scheduleId!: string;
  @Column({ name: 'item_json', type: 'text' }) itemJson!: string;
  @Column({ name: 'syndicate_id', type: 'text', nullable: true }) syndicateId!: string | null;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt!: string;
  /** The syndicate template and its version this push sent, when it came from one. */
  @Column({ name: 'template_id', type: 'text', nullable: true }) templateId!: string | null;
  @Column({ name: 'template_version', type: 'integer', nullable: true }) templateVersion!: number | null;
}

/** One commune (and one of its gateways, if it has any) a push went to, with the desired version it made. */
@Entity({ name: 'push_targets' })
export class PushTargetEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'push_id', type: 'text' }) pushId!: string;
  @Column({ name: 'commune_insee', type: 'text' }) communeInsee!: string;
  @Column({ name: 'gateway_id', type: 'text', nullable: true }) gatewayId!: string | null;
  @Column({ type: 'integer', nullable: true }) version!: number | null;
  /** A template push: the outputs, zones or equipment the template's tag bound to on this gateway (JSON list). */
  @Column({ name: 'bound_json', type: 'text', nullable: true }) boundJson!: string | null;
  /** A template push that bound nothing on this gateway: why. */
  @Column({ type: 'text', nullable: true }) reason!: string | null;
}

export const CENTRAL_ENTITIES = [
  PushEntity,
  PushTargetEntity,
  SyndicateEntity,
  CommuneEntity,
  AccountEntity,
  SessionEntity,
  EnrolmentCodeEntity,
  GatewayEntity,
  DesiredChangeEntity,
  PointValueEntity,
  OutputEntity,
  SwitchingEntity,
  AlarmEntity,
  CommandEntity,
  AuditEntity,
];
