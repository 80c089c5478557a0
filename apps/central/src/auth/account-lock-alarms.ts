import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In, IsNull, Not } from 'typeorm';
import { AuditLog } from '../audit.service';
import { Clock } from '@beffroi/runtime';
import { AccountEntity, AlarmEntity } from '../store/entities';
import type { Caller } from './caller';

/** Key of central's alarm for an account locked by the login throttle. */
export const ACCOUNT_LOCKED_ALARM = 'account.locked';
/** The source of an alarm about an account, as `GET /api/alarms` gives it in the `gatewayId` field. */
export function accountAlarmSource(login: string): string {
  return `account:${login}`;
}

/**
 * Central's `account.locked` alarm: raised when the login throttle locks an existing account after repeated failed
 * logins, seen by the syndicate admins whose tenant holds the account, cleared when the lock has ended (checked each
 * time alarms are read) or when an admin enables the account again, which also lifts the lock. Stored with the
 * other alarms (`account_login` instead of a gateway; `GET /api/alarms` shows `gatewayId: "account:<login>"`;
 * `raisedSeq` 0) and audited (`alarm.raise` / `alarm.clear`).
 */
@Injectable()
export class AccountLockAlarms {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** In the transaction that audits the lock. */
  async raise(account: AccountEntity, until: Date, address: string, manager: EntityManager): Promise<void> {
    const accountLogin = account.login;
    const alarms = manager.getRepository(AlarmEntity);
    if (await alarms.existsBy({ accountLogin, key: ACCOUNT_LOCKED_ALARM, clearedAt: IsNull() })) return;
    const at = this.clock.now().toISOString();
    await alarms.insert({
      gatewayId: null,
      accountLogin,
      key: ACCOUNT_LOCKED_ALARM,
      severity: 'warning',
      message:
        `login ${account.login} locked until ${until.toISOString()} after repeated failed logins ` +
        `(the last from ${address}); an admin who enables the account again lifts the lock`,
      raisedAt: at,
      raisedSeq: 0,
      clearedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
    await this.record(manager, 'system', 'raise', account);
  }

  /**
   * Clears the open `account.locked` alarms of accounts no longer locked, as `isLocked` tells; `login` restricts it to
   * one account, `actor` names who ended the lock (`system` when it ran out).
   */
  async clearUnlocked(isLocked: (login: string) => boolean, actor = 'system', login?: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const alarms = manager.getRepository(AlarmEntity);
      const open = await alarms.findBy({
        accountLogin: login ?? Not(IsNull()),
        key: ACCOUNT_LOCKED_ALARM,
        clearedAt: IsNull(),
      });
      const ended = open.filter((alarm) => alarm.accountLogin !== null && !isLocked(alarm.accountLogin));
      if (ended.length === 0) return;
      const at = this.clock.now().toISOString();
      await alarms.update({ id: In(ended.map((alarm) => alarm.id)) }, { clearedAt: at });
      const accounts = await manager.getRepository(AccountEntity).findBy({
        login: In(ended.map((alarm) => alarm.accountLogin)),
      });
      for (const account of accounts) await this.record(manager, actor, 'clear', account);
    });
  }

  /**
   * The logins whose alarms a caller sees, for syndicate admins only: the accounts of `communes` and, with
   * `syndicate`, of the caller's syndicate itself.
   */
  async loginsFor(caller: Caller, communes: readonly string[], syndicate: boolean): Promise<string[]> {
    if (caller.role !== 'syndicate-admin') return [];
    const accounts = await this.dataSource.getRepository(AccountEntity).find({
      where: [
        ...(caller.syndicateId === null || !syndicate ? [] : [{ syndicateId: caller.syndicateId }]),
        { communeInsee: In([...communes]) },
      ],
    });
    return accounts.map((account) => account.login);
  }

  private record(manager: EntityManager, actor: string, action: 'raise' | 'clear', account: AccountEntity) {
    return this.audit.record(
      {
        actor,
        action: `alarm.${action}`,
        target: `${accountAlarmSource(account.login)}/${ACCOUNT_LOCKED_ALARM}`,
        result: 'ok',
        communeInsee: account.communeInsee,
        syndicateId: account.syndicateId,
      },
      manager,
    );
  }
}
