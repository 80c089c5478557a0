import { Injectable } from '@nestjs/common';
import { departmentOf } from '@beffroi/domain';
import { DataSource, In } from 'typeorm';
import { AuditLog } from '../audit.service';
import { type Action, type Caller, inScope, requireAccess, requireRole } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { CommuneEntity, GatewayEntity, SyndicateEntity } from '../store/entities';
import { communeName, communesOfDepartment } from './commune-directory';

/** Syndicates and communes, always seen through the caller's tenant. */
@Injectable()
export class TenantService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The commune, if the caller may do `action` on it: 404 with `unknown` if there is no such commune or it lies outside
   * the caller's tenant (alike, see {@link requireAccess}), 403 if the role may not.
   */
  async commune(
    caller: Caller,
    insee: string,
    action: Action = 'read',
    unknown = `no commune ${insee}`,
  ): Promise<CommuneEntity> {
    const commune = await this.dataSource.getRepository(CommuneEntity).findOneBy({ insee });
    if (commune === null) throw new CentralException(CentralExceptionCode.NotFound, unknown);
    requireAccess(caller, action, commune, unknown);
    return commune;
  }

  /** The communes the caller sees. */
  async communes(caller: Caller) {
    requireRole(caller, 'read');
    const repository = this.dataSource.getRepository(CommuneEntity);
    const communes =
      caller.communeInsee !== null
        ? await repository.findBy({ insee: caller.communeInsee })
        : await repository.find({ where: { syndicateId: caller.syndicateId ?? '' }, order: { insee: 'ASC' } });
    const gateways = await this.dataSource
      .getRepository(GatewayEntity)
      .findBy({ communeInsee: In(communes.map((c) => c.insee)) });
    return communes.map((commune) => ({
      ...describeCommune(commune),
      gateways: gateways.filter((g) => g.communeInsee === commune.insee).map((g) => g.id),
    }));
  }

  /**
   * Checks that `tenant` (a syndicate id or an INSEE code) lies within the caller's tenant. One of another tenant is
   * answered exactly like one that does not exist (404).
   */
  async requireTenant(caller: Caller, tenant: string): Promise<void> {
    const commune = await this.dataSource.getRepository(CommuneEntity).findOneBy({ insee: tenant });
    const within =
      commune !== null ? inScope(caller, commune) : caller.syndicateId !== null && caller.syndicateId === tenant;
    if (!within) throw new CentralException(CentralExceptionCode.NotFound, `tenant: no tenant "${tenant}"`);
  }

  /**
   * Adds communes to the caller's syndicate: the ones named, or every current commune of a department
   * (`@etalab/decoupage-administratif`). A commune already in another syndicate is refused, one in none is taken.
   */
  async addCommunes(caller: Caller, request: { insee?: string[] | undefined; department?: string | undefined }) {
    requireRole(caller, 'manageAccounts');
    const syndicateId = caller.syndicateId;
    if (syndicateId === null || !(await this.dataSource.getRepository(SyndicateEntity).existsBy({ id: syndicateId }))) {
      throw new CentralException(CentralExceptionCode.Forbidden, 'only a syndicate admin adds communes');
    }
    const wanted =
      request.department !== undefined
        ? communesOfDepartment(request.department)
        : (request.insee ?? []).map((insee) => {
            const name = communeName(insee);
            if (name === undefined) {
              throw new CentralException(
                CentralExceptionCode.InvalidRequest,
                `insee: ${insee} is not a current commune`,
              );
            }
            return { insee, name };
          });
    if (wanted.length === 0) {
      throw new CentralException(
        CentralExceptionCode.InvalidRequest,
        `department: no commune in "${request.department ?? ''}"`,
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CommuneEntity);
      const existing = new Map(
        (await repository.findBy({ insee: In(wanted.map((c) => c.insee)) })).map((c) => [c.insee, c]),
      );
      const taken = [...existing.values()].filter((c) => c.syndicateId !== null && c.syndicateId !== syndicateId);
      if (taken.length > 0) {
        throw new CentralException(
          CentralExceptionCode.Conflict,
          `insee: ${taken.map((c) => c.insee).join(', ')} already belong to another syndicate`,
        );
      }
      const added = wanted.filter((c) => existing.get(c.insee)?.syndicateId !== syndicateId);
      for (const commune of added) {
        await repository.save({ ...commune, department: departmentOf(commune.insee), syndicateId });
      }
      await this.audit.record(
        {
          actor: caller.login,
          action: 'communes.add',
          target: request.department === undefined ? 'communes' : `department ${request.department}`,
          result: 'ok',
          syndicateId,
          detail: { added: added.length },
        },
        manager,
      );
      return { added: added.length, communes: wanted.length };
    });
  }
}

export function describeCommune(commune: CommuneEntity) {
  return {
    insee: commune.insee,
    name: commune.name,
    department: commune.department,
    syndicateId: commune.syndicateId,
  };
}
