import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { departmentOf } from '@beffroi/domain';
import { concatMap, filter, interval, map, merge, type Observable, Subject, take } from 'rxjs';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { AuditLog } from '../audit.service';
import { CentralConfig } from '../central.config';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { AccountEntity, CommuneEntity, SessionEntity, SyndicateEntity } from '../store/entities';
import { communeName } from '../tenants/commune-directory';
import type { Caller } from './caller';
import { AccountLockAlarms } from './account-lock-alarms';
import { LoginThrottle } from './login-throttle';
import { passwordProblem } from './password-policy';
import { hashPassword, newSecret, secretHash, verifyPassword } from './secrets';

/** Never tell which part of a login was wrong. */
const BAD_LOGIN = 'unknown login or wrong password';
/** The throttle forgets old keys once every so many attempts. */
const PRUNE_EVERY = 256;

/**
 * Accounts and sessions. A session token is random; only its hash is stored. A session ends after `sessionIdle`
 * without use, `sessionMax` after login, or at logout.
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** A password check runs even for an unknown login, so timing does not tell which logins exist. */
  private decoyHash: Promise<string> | undefined;
  private readonly throttle: LoginThrottle;
  /** Token hashes of sessions just ended (logout, password changed, account disabled). */
  private readonly ended = new Subject<string>();
  private attempts = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: CentralConfig,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly lockAlarms: AccountLockAlarms,
  ) {
    this.throttle = new LoginThrottle(config.auth.throttle);
  }

  /** Clears the `account.locked` alarms of locks that have ended (before alarms are read). */
  async clearEndedLocks(): Promise<void> {
    const now = this.clock.now();
    await this.lockAlarms.clearUnlocked((login) => this.throttle.isLocked(login, now));
  }

  /** Lifts the throttle's lock of `login` (its account was enabled by `actor`) and clears its alarm. */
  async unlock(login: string, actor: string): Promise<void> {
    this.throttle.unlock(login);
    await this.lockAlarms.clearUnlocked(() => false, actor, login);
  }

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
    for (const [index, account] of seed.accounts.entries()) {
      if (await accounts.existsBy({ login: account.login })) continue;
      const password = account.password ?? process.env[account.passwordEnv ?? ''];
      const where = `seed.accounts[${index}] (${account.login}): environment variable ${account.passwordEnv ?? ''}`;
      if (password === undefined) {
        throw new CentralException(CentralExceptionCode.InvalidRequest, `${where} is not set`);
      }
      // A password written in the config is a demonstration's (refused by the config without demo: true).
      const problem = account.password === undefined ? passwordProblem(password, account.login) : undefined;
      if (problem !== undefined)
        throw new CentralException(CentralExceptionCode.InvalidRequest, `${where}: ${problem}`);
      await this.insertAccount({ ...account, password }, 'system');
      this.logger.log(`created account ${account.login} (${account.role} of ${account.tenant})`);
    }
    if (this.config.demo) {
      this.logger.warn(
        'demonstration mode (demo: true): accounts may have the passwords written in the config; never run so in production',
      );
    }
  }

  /** Creates an account over a syndicate (by id) or a commune (by INSEE code); its password must follow the rules. */
  async createAccount(account: NewAccount, actor: string): Promise<{ id: number; login: string }> {
    requireGoodPassword(account.password, account.login, 'password');
    return this.insertAccount(account, actor);
  }

  private async insertAccount(account: NewAccount, actor: string): Promise<{ id: number; login: string }> {
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

  /**
   * Checks a login from `address` through the throttle: an attempt it refuses costs no password hash and answers 429
   * with the seconds to wait; a failure that locks a login is audited.
   */
  async login(login: string, password: string, address: string): Promise<{ token: string; caller: Caller }> {
    const now = this.clock.now();
    if (++this.attempts % PRUNE_EVERY === 0) this.throttle.prune(now);
    const refusal = this.throttle.admit(login, address, now);
    if (refusal !== undefined) {
      throw new CentralException(
        CentralExceptionCode.TooManyAttempts,
        refusal.reason === 'locked'
          ? `too many failed logins: locked, try again in ${refusal.retryAfter} s`
          : `too many failed logins: try again in ${refusal.retryAfter} s`,
        [],
        refusal.retryAfter,
      );
    }
    let account: AccountEntity | null;
    let verified: boolean;
    try {
      account = await this.dataSource.getRepository(AccountEntity).findOneBy({ login });
      if (account?.disabledAt === null) {
        verified = await verifyPassword(password, account.passwordHash);
      } else {
        this.decoyHash ??= hashPassword(newSecret());
        verified = await verifyPassword(password, await this.decoyHash);
        account = null;
      }
    } catch (error) {
      this.throttle.failed(login, address, this.clock.now());
      throw error;
    }
    if (account === null || !verified) {
      const { lockedLogin } = this.throttle.failed(login, address, this.clock.now());
      const tenant = account === null ? { communeInsee: null, syndicateId: null } : tenantOf(account);
      const refused = { actor: login, action: 'auth.login', target: login, result: 'refused', ...tenant };
      await this.dataSource.transaction(async (manager) => {
        if (account !== null) await this.audit.record(refused, manager);
        if (lockedLogin !== undefined) {
          const until = lockedLogin.until.toISOString();
          await this.audit.record(
            { ...refused, action: 'auth.lock', result: 'ok', detail: { until, address } },
            manager,
          );
          if (account !== null) await this.lockAlarms.raise(account, lockedLogin.until, address, manager);
        }
      });
      if (lockedLogin !== undefined) {
        this.logger.warn(`login ${login} locked until ${lockedLogin.until.toISOString()} after repeated failures`);
      }
      throw new CentralException(CentralExceptionCode.Unauthenticated, BAD_LOGIN);
    }
    this.throttle.succeeded(login, address, this.clock.now());
    const token = newSecret();
    const started = this.clock.now().toISOString();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(SessionEntity).insert({
        tokenHash: secretHash(token),
        accountId: account.id,
        createdAt: started,
        lastUsedAt: started,
        endedAt: null,
      });
      const entry = { actor: login, action: 'auth.login', target: login, result: 'ok', ...tenantOf(account) };
      await this.audit.record(entry, manager);
    });
    return { token, caller: callerOf(account) };
  }

  async logout(token: string): Promise<void> {
    const tokenHash = secretHash(token);
    await this.dataSource.transaction((manager) =>
      manager.getRepository(SessionEntity).update({ tokenHash }, { endedAt: this.clock.now().toISOString() }),
    );
    this.ended.next(tokenHash);
  }

  /**
   * Changes the caller's own password. The current one is required and checked like a login (throttled, a wrong one
   * counts as a failure); the new one must follow the rules. Every other session of the account ends.
   */
  async changePassword(
    caller: Caller,
    token: string,
    change: { currentPassword: string; newPassword: string },
    address: string,
  ): Promise<void> {
    const refusal = this.throttle.admit(caller.login, address, this.clock.now());
    if (refusal !== undefined) {
      throw new CentralException(
        CentralExceptionCode.TooManyAttempts,
        `too many failed password checks: try again in ${refusal.retryAfter} s`,
        [],
        refusal.retryAfter,
      );
    }
    const account = await this.dataSource.getRepository(AccountEntity).findOneByOrFail({ id: caller.accountId });
    if (!(await verifyPassword(change.currentPassword, account.passwordHash))) {
      this.throttle.failed(caller.login, address, this.clock.now());
      throw new CentralException(
        CentralExceptionCode.InvalidRequest,
        'invalid password change: currentPassword is wrong',
        [{ path: 'currentPassword', message: 'the current password is wrong' }],
      );
    }
    this.throttle.succeeded(caller.login, address, this.clock.now());
    requireGoodPassword(change.newPassword, caller.login, 'newPassword');
    if (change.newPassword === change.currentPassword) {
      throw new CentralException(
        CentralExceptionCode.InvalidRequest,
        'invalid password change: newPassword is unchanged',
        [{ path: 'newPassword', message: 'the new password must differ from the current one' }],
      );
    }
    const passwordHash = await hashPassword(change.newPassword);
    const ended = await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AccountEntity).update({ id: account.id }, { passwordHash });
      const others = await this.endSessions(account.id, manager, secretHash(token));
      await this.audit.record(
        {
          actor: caller.login,
          action: 'account.password',
          target: caller.login,
          result: 'ok',
          ...tenantOf(account),
          detail: { sessionsEnded: others.length },
        },
        manager,
      );
      return others;
    });
    this.announceEnded(ended);
  }

  /**
   * Ends every open session of an account (but `keep`), inside `manager`'s transaction; returns their token hashes,
   * to pass to {@link announceEnded} once committed.
   */
  async endSessions(accountId: number, manager: EntityManager, keep?: string): Promise<string[]> {
    const sessions = manager.getRepository(SessionEntity);
    const open = await sessions.findBy({ accountId, endedAt: IsNull() });
    const ending = open.map((session) => session.tokenHash).filter((hash) => hash !== keep);
    if (ending.length > 0) {
      await sessions.update({ tokenHash: In(ending) }, { endedAt: this.clock.now().toISOString() });
    }
    return ending;
  }

  /** Closes at once what the sessions of these token hashes opened (event streams). */
  announceEnded(tokenHashes: readonly string[]): void {
    for (const hash of tokenHashes) this.ended.next(hash);
  }

  /**
   * The caller behind a session token; refuses unknown, ended and expired sessions. Each use restarts the idle clock
   * (written at most every {@link idleWriteEvery}, so a session used steadily never idles out).
   */
  async authenticate(token: string): Promise<Caller> {
    const now = this.clock.now();
    const { session, account } = await this.liveSession(token, now);
    if (now.getTime() - Date.parse(session.lastUsedAt) >= this.idleWriteEvery()) {
      await this.dataSource.transaction((manager) =>
        manager
          .getRepository(SessionEntity)
          .update({ tokenHash: session.tokenHash }, { lastUsedAt: now.toISOString() }),
      );
    }
    return callerOf(account);
  }

  /**
   * Emits once when the session of `token` ends — logout, expiry, the account disabled — so what it opened (an event
   * stream) ends with it. Watching does not count as a use of the session.
   */
  sessionEnd(token: string): Observable<void> {
    const tokenHash = secretHash(token);
    const expired = interval(this.config.auth.streamCheck).pipe(
      concatMap(() =>
        this.liveSession(token, this.clock.now()).then(
          () => false,
          (error: unknown) => {
            if (error instanceof CentralException) return true;
            throw error;
          },
        ),
      ),
      filter((over) => over),
    );
    return merge(this.ended.pipe(filter((hash) => hash === tokenHash)), expired).pipe(
      take(1),
      map(() => undefined),
    );
  }

  /** How stale `lastUsedAt` may get before a use rewrites it: a quarter of the idle time, at most a minute. */
  private idleWriteEvery(): number {
    return Math.min(60_000, this.config.auth.sessionIdle / 4);
  }

  private async liveSession(token: string, now: Date): Promise<{ session: SessionEntity; account: AccountEntity }> {
    const session = await this.dataSource.getRepository(SessionEntity).findOneBy({ tokenHash: secretHash(token) });
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
    return { session, account };
  }
}

interface NewAccount {
  login: string;
  name: string;
  role: Caller['role'];
  tenant: string;
  password: string;
}

/** Refuses a new password that breaks the rules, naming the request field `path` (the password is never repeated). */
export function requireGoodPassword(password: string, login: string, path: string): void {
  const problem = passwordProblem(password, login);
  if (problem !== undefined) {
    throw new CentralException(CentralExceptionCode.InvalidRequest, `invalid password: ${problem}`, [
      { path, message: problem },
    ]);
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
