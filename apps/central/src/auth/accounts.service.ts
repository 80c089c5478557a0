import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit.service';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { AccountEntity, CommuneEntity } from '../store/entities';
import { AuthService, requireGoodPassword } from './auth.service';
import { type Caller, inScope, requireRole } from './caller';
import { hashPassword } from './secrets';

/** An account as its managers see it (never its password hash). */
export interface AccountView {
  login: string;
  name: string;
  role: Caller['role'];
  /** The syndicate id or the commune INSEE code it belongs to. */
  tenant: string;
  createdAt: string;
  disabledAt: string | null;
}

/**
 * A syndicate admin manages the accounts of its tenant (the syndicate and its communes): list, disable and enable,
 * reset a password. Disabling an account or resetting its password ends its sessions and the streams they opened. An
 * account outside the caller's tenant answers exactly like an unknown one.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(caller: Caller): Promise<AccountView[]> {
    requireRole(caller, 'manageAccounts');
    const communes = await this.communesOf(caller);
    const accounts = await this.dataSource.getRepository(AccountEntity).find({
      where: [
        ...(caller.syndicateId === null ? [] : [{ syndicateId: caller.syndicateId }]),
        { communeInsee: In(communes.map((commune) => commune.insee)) },
      ],
      order: { login: 'ASC' },
    });
    return accounts.map(viewOf);
  }

  /** Disables (or enables again) an account; disabling ends its sessions at once. */
  async setDisabled(caller: Caller, login: string, disabled: boolean): Promise<AccountView> {
    const account = await this.manageable(caller, login);
    if (disabled && account.id === caller.accountId) {
      throw new CentralException(CentralExceptionCode.Conflict, `${login}: an account cannot disable itself`);
    }
    const disabledAt = disabled ? (account.disabledAt ?? this.clock.now().toISOString()) : null;
    const ended = await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AccountEntity).update({ id: account.id }, { disabledAt });
      const hashes = disabled ? await this.auth.endSessions(account.id, manager) : [];
      await this.record(manager, caller, disabled ? 'account.disable' : 'account.enable', account, {
        sessionsEnded: hashes.length,
      });
      return hashes;
    });
    this.auth.announceEnded(ended);
    if (!disabled) await this.auth.unlock(account.login, caller.login);
    account.disabledAt = disabledAt;
    return viewOf(account);
  }

  /** Sets a new password chosen by an admin (following the rules); the account's sessions end. */
  async resetPassword(caller: Caller, login: string, password: string): Promise<void> {
    const account = await this.manageable(caller, login);
    requireGoodPassword(password, account.login, 'password');
    const passwordHash = await hashPassword(password);
    const ended = await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AccountEntity).update({ id: account.id }, { passwordHash });
      const hashes = await this.auth.endSessions(account.id, manager);
      await this.record(manager, caller, 'account.reset-password', account, { sessionsEnded: hashes.length });
      return hashes;
    });
    this.auth.announceEnded(ended);
  }

  /** The account `login` if the caller may manage it; 404 otherwise, as for a login that does not exist. */
  private async manageable(caller: Caller, login: string): Promise<AccountEntity> {
    requireRole(caller, 'manageAccounts');
    const account = await this.dataSource.getRepository(AccountEntity).findOneBy({ login });
    if (account === null) throw new CentralException(CentralExceptionCode.NotFound, `no account "${login}"`);
    const commune =
      account.communeInsee === null
        ? null
        : await this.dataSource.getRepository(CommuneEntity).findOneBy({ insee: account.communeInsee });
    const visible =
      commune !== null
        ? inScope(caller, commune)
        : account.syndicateId !== null && account.syndicateId === caller.syndicateId;
    if (!visible) throw new CentralException(CentralExceptionCode.NotFound, `no account "${login}"`);
    return account;
  }

  private async communesOf(caller: Caller): Promise<CommuneEntity[]> {
    const communes = this.dataSource.getRepository(CommuneEntity);
    if (caller.communeInsee !== null) return communes.findBy({ insee: caller.communeInsee });
    return caller.syndicateId === null ? [] : communes.findBy({ syndicateId: caller.syndicateId });
  }

  private record(
    manager: EntityManager,
    caller: Caller,
    action: string,
    account: AccountEntity,
    detail: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(
      {
        actor: caller.login,
        action,
        target: account.login,
        result: 'ok',
        communeInsee: account.communeInsee,
        syndicateId: account.syndicateId ?? caller.syndicateId,
        detail,
      },
      manager,
    );
  }
}

function viewOf(account: AccountEntity): AccountView {
  return {
    login: account.login,
    name: account.name,
    role: account.role,
    tenant: account.communeInsee ?? account.syndicateId ?? '',
    createdAt: account.createdAt,
    disabledAt: account.disabledAt,
  };
}
