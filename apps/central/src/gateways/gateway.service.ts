import { Injectable } from '@nestjs/common';
import type { Site } from '@beffroi/domain';
import { emptyDesiredState, healthPayloadSchema } from '@beffroi/sync';
import { DataSource, In } from 'typeorm';
import { AuditLog } from '../audit.service';
import type { Caller } from '../auth/caller';
import { newEnrolmentCode, newSecret, secretHash } from '../auth/secrets';
import { CentralConfig } from '../central.config';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { FieldSigningKey } from '../field/field-signing-key';
import { CommuneEntity, EnrolmentCodeEntity, GatewayEntity } from '../store/entities';
import { TenantService } from '../tenants/tenant.service';
import { SyncPresence } from '../sync/sync-presence';

/** Gateways: enrolment with one-time codes, credentials, revocation, and what central knows of each. */
@Injectable()
export class GatewayService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: CentralConfig,
    private readonly presence: SyncPresence,
    private readonly fieldKey: FieldSigningKey,
  ) {}

  /** A one-time code a gateway exchanges for its credential; shown once, only its hash is kept. */
  async createEnrolmentCode(caller: Caller, insee: string) {
    const commune = await this.tenants.commune(caller, insee, 'enrol');
    const code = newEnrolmentCode();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.auth.enrolmentCodeTtl).toISOString();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(EnrolmentCodeEntity).insert({
        codeHash: secretHash(code),
        communeInsee: insee,
        createdBy: caller.login,
        createdAt: now.toISOString(),
        expiresAt,
        usedAt: null,
        gatewayId: null,
      });
      await this.audit.record(
        { actor: caller.login, action: 'enrolment.code', target: insee, result: 'ok', ...scopeOf(commune) },
        manager,
      );
    });
    return { code, communeInsee: insee, expiresAt };
  }

  /**
   * A gateway trades a valid, unused code for its own credential. The code is spent even if the gateway never
   * stores the credential: the fix is a new code, never a second use of this one. The answer carries central's
   * public field-token key, with which the gateway checks field tokens offline.
   */
  async enrol(code: string, gatewayId: string) {
    return this.dataSource.transaction(async (manager) => {
      const codes = manager.getRepository(EnrolmentCodeEntity);
      const found = await codes.findOneBy({ codeHash: secretHash(code.trim().toUpperCase()) });
      const now = this.clock.now();
      if (found?.usedAt !== null || Date.parse(found.expiresAt) <= now.getTime()) {
        const why = found === null ? 'unknown' : found.usedAt !== null ? 'already used' : 'expired';
        throw new CentralException(
          CentralExceptionCode.BadEnrolmentCode,
          `code: enrolment code ${why}; ask for a new one`,
        );
      }
      const gateways = manager.getRepository(GatewayEntity);
      const existing = await gateways.findOneBy({ id: gatewayId });
      // Gateway ids are unique across central: an id in use answers the same whichever commune holds it, and never
      // names that commune. Only a revoked gateway of the code's own commune is enrolled again.
      if (existing !== null && (existing.revokedAt === null || existing.communeInsee !== found.communeInsee)) {
        throw new CentralException(
          CentralExceptionCode.Conflict,
          `gatewayId: ${gatewayId} is already in use; choose another id (a gateway is enrolled again only once revoked)`,
        );
      }
      const credential = newSecret();
      await codes.update({ codeHash: found.codeHash }, { usedAt: now.toISOString(), gatewayId });
      if (existing === null) {
        const empty = emptyDesiredState();
        await gateways.insert({
          id: gatewayId,
          communeInsee: found.communeInsee,
          credentialHash: secretHash(credential),
          enrolledAt: now.toISOString(),
          revokedAt: null,
          lastSeenAt: null,
          clockOffsetMs: null,
          desiredVersion: empty.version,
          desiredJson: JSON.stringify(empty.desired),
          appliedVersion: 0,
          inboxAppliedUpTo: 0,
          inboxHeldJson: '[]',
          healthJson: null,
        });
      } else {
        // Enrolled again after a revocation: a new credential; its history, desired state and inbox stay.
        await gateways.update(
          { id: gatewayId },
          { credentialHash: secretHash(credential), enrolledAt: now.toISOString(), revokedAt: null },
        );
      }
      const commune = await manager.getRepository(CommuneEntity).findOneByOrFail({ insee: found.communeInsee });
      await this.audit.record(
        {
          actor: `gateway:${gatewayId}`,
          action: 'gateway.enrol',
          target: gatewayId,
          result: 'ok',
          ...scopeOf(commune),
        },
        manager,
      );
      return { gatewayId, credential, communeInsee: found.communeInsee, fieldKey: this.fieldKey.published() };
    });
  }

  /** Refuses the gateway's credential from now on and closes its connection. */
  async revoke(caller: Caller, gatewayId: string) {
    const gateway = await this.gateway(caller, gatewayId, 'enrol');
    const commune = await this.tenants.commune(caller, gateway.communeInsee, 'enrol');
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(GatewayEntity)
        .update({ id: gatewayId }, { revokedAt: this.clock.now().toISOString() });
      await this.audit.record(
        { actor: caller.login, action: 'gateway.revoke', target: gatewayId, result: 'ok', ...scopeOf(commune) },
        manager,
      );
    });
    this.presence.disconnect(gatewayId, 'credential revoked');
    return this.describe(await this.gateway(caller, gatewayId));
  }

  /**
   * The gateway, if the caller may do `action` on its commune. A gateway of another tenant is answered 404 with
   * `unknown`, exactly like one that does not exist; a route reaching the gateway through another thing (a command,
   * an alarm) gives the message it answers for that thing unknown.
   */
  async gateway(
    caller: Caller,
    gatewayId: string,
    action: Parameters<TenantService['commune']>[2] = 'read',
    unknown = `no gateway ${gatewayId}`,
  ) {
    const gateway = await this.dataSource.getRepository(GatewayEntity).findOneBy({ id: gatewayId });
    if (gateway === null) throw new CentralException(CentralExceptionCode.NotFound, unknown);
    await this.tenants.commune(caller, gateway.communeInsee, action, unknown);
    return gateway;
  }

  /** A site of a gateway as its last health report gave it (the `sites` of the gateway's config). */
  async reportedSite(caller: Caller, gatewayId: string, siteId: string): Promise<Site> {
    const gateway = await this.gateway(caller, gatewayId);
    const health = healthPayloadSchema.safeParse(gateway.healthJson === null ? null : JSON.parse(gateway.healthJson));
    const sites = health.success ? (health.data.sites ?? []) : [];
    const site = sites.find((s) => s.id === siteId);
    if (site !== undefined) return site;
    throw new CentralException(
      CentralExceptionCode.NotFound,
      sites.length === 0
        ? `gateway ${gatewayId} has not reported its sites yet`
        : `gateway ${gatewayId} has no site ${siteId} (its sites: ${sites.map((s) => s.id).join(', ')})`,
    );
  }

  async list(caller: Caller, communeInsee?: string) {
    const communes =
      communeInsee === undefined
        ? (await this.tenants.communes(caller)).map((c) => c.insee)
        : [(await this.tenants.commune(caller, communeInsee)).insee];
    const gateways = await this.dataSource
      .getRepository(GatewayEntity)
      .find({ where: { communeInsee: In(communes) }, order: { id: 'ASC' } });
    return gateways.map((gateway) => this.describe(gateway));
  }

  describe(gateway: GatewayEntity) {
    return {
      id: gateway.id,
      communeInsee: gateway.communeInsee,
      online: this.presence.isOnline(gateway.id),
      lastSeenAt: this.presence.lastSeen(gateway.id) ?? gateway.lastSeenAt,
      clockOffsetMs: gateway.clockOffsetMs,
      revokedAt: gateway.revokedAt,
      enrolledAt: gateway.enrolledAt,
      desiredVersion: gateway.desiredVersion,
      appliedVersion: gateway.appliedVersion,
      health: gateway.healthJson === null ? null : (JSON.parse(gateway.healthJson) as unknown),
    };
  }
}

export function scopeOf(commune: CommuneEntity) {
  return { communeInsee: commune.insee, syndicateId: commune.syndicateId };
}
