import type { Account, Role } from '@beffroi/api';

/** The part of `Storage` the session uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where the session is kept in sessionStorage (the inline prefetch script of index.html reads it too). */
export const SESSION_KEY = 'beffroi.session';

export interface Session {
  readonly token: string;
  readonly account: Account;
}

/** The session of this browser tab (sessionStorage: it ends with the tab, and at logout or expiry). */
export function loadSession(storage: StorageLike): Session | undefined {
  const text = storage.getItem(SESSION_KEY);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as Partial<Session>;
    return typeof session.token === 'string' && session.account !== undefined
      ? { token: session.token, account: session.account }
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(storage: StorageLike, session: Session): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(storage: StorageLike): void {
  storage.removeItem(SESSION_KEY);
}

const ACTORS: readonly Role[] = ['syndicate-admin', 'commune-staff', 'field-engineer'];

/** Whether the account may act (send commands, acknowledge alarms); read-only accounts see without controls. */
export function mayAct(account: Account): boolean {
  return ACTORS.includes(account.role);
}

/** Where "Ma commune" is for this account: its own commune, or the first of its syndicate's. */
export function homeCommune(account: Account, communes: readonly { insee: string }[]): string | undefined {
  return account.communeInsee ?? communes[0]?.insee;
}
