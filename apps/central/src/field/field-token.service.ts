import { Injectable } from '@nestjs/common';
import { Clock, signFieldToken } from '@beffroi/runtime';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit.service';
import type { Caller } from '../auth/caller';
import { CentralConfig } from '../central.config';
import { GatewayService, scopeOf } from '../gateways/gateway.service';
import { TenantService } from '../tenants/tenant.service';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { FieldSigningKey } from './field-signing-key';

/**
 * Field tokens: any account that may read a gateway's commune gets one for that gateway, carrying its login and role;
 * the gateway lets a read-only role read and the others act (docs/security.md). Each issue is audited.
 */
@Injectable()
export class FieldTokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateways: GatewayService,
    private readonly key: FieldSigningKey,
    private readonly config: CentralConfig,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly tenants: TenantService,
  ) {}

  async issue(caller: Caller, gatewayId: string) {
    const gateway = await this.gateways.gateway(caller, gatewayId, 'read');
    if (gateway.revokedAt !== null) {
      throw new CentralException(
        CentralExceptionCode.Conflict,
        `gateway ${gatewayId} is revoked: enrol it again first`,
      );
    }
    const commune = await this.tenants.commune(caller, gateway.communeInsee, 'read');
    const now = this.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + Math.floor(this.config.fieldTokens.ttl / 1000);
    const token = signFieldToken(
      { gatewayId, communeInsee: gateway.communeInsee, login: caller.login, role: caller.role, iat, exp },
      this.key.privateKey(),
    );
    const keyId = this.key.published().keyId;
    const expiresAt = new Date(exp * 1000).toISOString();
    await this.dataSource.transaction((manager) =>
      this.audit.record(
        {
          actor: caller.login,
          action: 'gateway.field-token',
          target: gatewayId,
          result: 'ok',
          ...scopeOf(commune),
          detail: { role: caller.role, keyId, expiresAt },
        },
        manager,
      ),
    );
    return {
      token,
      gatewayId,
      communeInsee: gateway.communeInsee,
      login: caller.login,
      role: caller.role,
      keyId,
      expiresAt,
    };
  }
}
