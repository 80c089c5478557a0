import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { departmentOf } from '@beffroi/domain';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit.service';
import { CentralConfig } from '../central.config';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '../clock';
import { AccountEntity, CommuneEntity, SessionEntity, SyndicateEntity } from '../store/entities';
import { communeName } from '../tenants/commune-directory';
import type { Caller } from './caller';
import { hashPassword, newSecret, secretHash, verifyPassword } from './secrets';

/** Never tell which part of a login was wrong. */
const BAD_LOGIN = 'unknown login or wrong password';

/**
 * Accounts and sessions. A session token is random; only its hash is stored. A session ends after `sessionIdle`
 * without use, `sessionMax` after login, or at logout.
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** A password check runs even for an unknown login, so timing does not tell which logins exist. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: CentralConfig,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** Creates the configured tenants and accounts that do not exist yet. */
  async onApplicationBootstrap(): Promise<void> {
    const { seed } = this.config;
    const syndicates = this.dataSource.getRepository(SyndicateEntity);
    const communes = this.dataSource.getRepository(CommuneEntity);
    for (const syndicate of seed.syndicates) {
      if (!(await syndicates.existsBy({ id: syndicate.id }))) await syndicates.insert(syndicate);
    }
    for (const commune of seed.communes) {
      if (await communes.existsBy({ insee: commune.insee })) continue;
      const name = commune.name ?? communeName(commune.insee);
      if (name === undefined) {
        throw new CentralException(
          CentralExceptionCode.InvalidRequest,
          `seed.communes: ${commune.insee} is not a current commune; give its name`,
        );
      }
      await communes.insert({
        insee: commune.insee,
        name,
        department: departmentOf(commune.insee),
        syndicateId: commune.syndicate ?? null,
      });
    }
    const accounts = this.dataSource.getRepository(AccountEntity);
    for (const account of seed.accounts) {
      if (await accounts.existsBy({ login: account.login })) continue;
      const password = account.password ?? process.env[account.passwordEnv ?? ''];
      if (password === undefined || password.length < 10) {
        throw new CentralException(
          CentralExceptionCode.InvalidRequest,
          `seed.accounts: ${account.login}: environment variable ${account.passwordEnv ?? ''} must hold a password ` +
            'of at least 10 characters',
        );
      }
      await this.createAccount({ ...account, password }, 'system');
      this.logger.log(`created account ${account.login} (${account.role} of ${account.tenant})`);
    }
  }

  /** Creates an account over a syndicate (by id) or a commune (by INSEE code). */
  async createAccount(
    account: { login: string; name: string; role: Caller['role']; tenant: string; password: string },
    actor: string,
  ): Promise<{ id: number; login: string }> {
    const accounts = this.dataSource.getRepository(AccountEntity);
    if (await accounts.existsBy({ login: account.login })) {
      throw new CentralException(CentralExceptionCode.Conflict, `login: ${account.login} is already taken`);
    }
    const commune = await this.dataSource.getRepository(CommuneEntity).findOneBy({ insee: account.tenant });
    const syndicate =
      commune === null ? await this.dataSource.getRepository(SyndicateEntity).findOneBy({ id: account.tenant }) : null;
    if (commune === null && syndicate === null) {
      throw new CentralException(
        CentralExceptionCode.InvalidRequest,
        `tenant: no syndicate or commune "${account.tenant}"`,
      );
    }
    const passwordHash = await hashPassword(account.password);
    const id = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.getRepository(AccountEntity).insert({
        login: account.login,
        name: account.name,
        role: account.role,
        syndicateId: syndicate?.id ?? null,
        communeInsee: commune?.insee ?? null,
        passwordHash,
        createdAt: this.clock.now().toISOString(),
        disabledAt: null,
      });
      await this.audit.record(
        {
          actor,
          action: 'account.create',
          target: account.login,
          result: 'ok',
          communeInsee: commune?.insee ?? null,
          syndicateId: syndicate?.id ?? commune?.syndicateId ?? null,
          detail: { role: account.role, tenant: account.tenant },
        },
        manager,
      );
      return (inserted.identifiers[0] as { id: number }).id;
    });
    return { id, login: account.login };
  }

  async login(login: string, password: string): Promise<{ token: string; caller: Caller }> {
    const account = await this.dataSource.getRepository(AccountEntity).findOneBy({ login });
    if (account?.disabledAt !== null) {
      this.decoyHash ??= hashPassword(newSecret());
      await verifyPassword(password, await this.decoyHash);
      throw new CentralException(CentralExceptionCode.Unauthenticated, BAD_LOGIN);
    }
    if (!(await verifyPassword(password, account.passwordHash))) {
      const refused = { actor: login, action: 'auth.login', target: login, result: 'refused', ...tenantOf(account) };
      await this.dataSource.transaction((manager) => this.audit.record(refused, manager));
      throw new CentralException(CentralExceptionCode.Unauthenticated, BAD_LOGIN);
    }
    const token = newSecret();
    const now = this.clock.now().toISOString();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(SessionEntity).insert({
        tokenHash: secretHash(token),
        accountId: account.id,
        createdAt: now,
        lastUsedAt: now,
        endedAt: null,
      });
      const entry = { actor: login, action: 'auth.login', target: login, result: 'ok', ...tenantOf(account) };
      await this.audit.record(entry, manager);
    });
    return { token, caller: callerOf(account) };
  }

  async logout(token: string): Promise<void> {
    await this.dataSource.transaction((manager) =>
      manager
        .getRepository(SessionEntity)
        .update({ tokenHash: secretHash(token) }, { endedAt: this.clock.now().toISOString() }),
    );
  }

  /** The caller behind a session token; refuses unknown, ended and expired sessions. */
  async authenticate(token: string): Promise<Caller> {
    const sessions = this.dataSource.getRepository(SessionEntity);
    const session = await sessions.findOneBy({ tokenHash: secretHash(token) });
    const now = this.clock.now();
    if (session?.endedAt !== null) {
      throw new CentralException(CentralExceptionCode.Unauthenticated, 'no such session: log in again');
    }
    const { sessionIdle, sessionMax } = this.config.auth;
    const idleUntil = Date.parse(session.lastUsedAt) + sessionIdle;
    const maxUntil = Date.parse(session.createdAt) + sessionMax;
    if (now.getTime() >= Math.min(idleUntil, maxUntil)) {
      throw new CentralException(CentralExceptionCode.Unauthenticated, 'session expired: log in again');
    }
    const account = await this.dataSource.getRepository(AccountEntity).findOneBy({ id: session.accountId });
    if (account?.disabledAt !== null) {
      throw new CentralException(CentralExceptionCode.Unauthenticated, 'account disabled');
    }
    // The idle clock restarts at most once a minute: one write per minute of use, not per request.
    if (now.getTime() - Date.parse(session.lastUsedAt) > 60_000) {
      await this.dataSource.transaction((manager) =>
        manager
          .getRepository(SessionEntity)
          .update({ tokenHash: session.tokenHash }, { lastUsedAt: now.toISOString() }),
      );
    }
    return callerOf(account);
  }
}

function callerOf(account: AccountEntity): Caller {
  return {
    accountId: account.id,
    login: account.login,
    role: account.role,
    syndicateId: account.syndicateId,
    communeInsee: account.communeInsee,
  };
}

function tenantOf(account: AccountEntity) {
  return { communeInsee: account.communeInsee, syndicateId: account.syndicateId };
}
