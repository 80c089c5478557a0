import type { Role } from '../central.config';
import { CentralException, CentralExceptionCode } from '../central.exception';

/** Who is calling: an account with one role over one tenant (a syndicate and its communes, or one commune). */
export interface Caller {
  readonly accountId: number;
  readonly login: string;
  readonly role: Role;
  readonly syndicateId: string | null;
  readonly communeInsee: string | null;
}

export type Action =
  'read' | 'command' | 'acknowledge' | 'enrol' | 'editSchedules' | 'pushTemplates' | 'manageAccounts' | 'readAudit';

/** What each role may do, within its tenant. */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  read: ['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'],
  command: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  acknowledge: ['syndicate-admin', 'commune-staff', 'field-engineer'],
  enrol: ['syndicate-admin', 'field-engineer'],
  editSchedules: ['syndicate-admin', 'commune-staff'],
  pushTemplates: ['syndicate-admin'],
  manageAccounts: ['syndicate-admin'],
  readAudit: ['syndicate-admin', 'commune-staff', 'field-engineer'],
};

/** A commune as scope checks see it. */
export interface ScopedCommune {
  readonly insee: string;
  readonly syndicateId: string | null;
}

export function inScope(caller: Caller, commune: ScopedCommune): boolean {
  if (caller.communeInsee !== null) return caller.communeInsee === commune.insee;
  return caller.syndicateId !== null && caller.syndicateId === commune.syndicateId;
}

/** Throws unless the caller's role allows `action`. */
export function requireRole(caller: Caller, action: Action): void {
  if (!PERMISSIONS[action].includes(caller.role)) {
    throw new CentralException(
      CentralExceptionCode.Forbidden,
      `${caller.login} (${caller.role}) may not ${ACTION_TEXT[action]}`,
    );
  }
}

/**
 * Throws unless the commune is in the caller's tenant and the caller's role allows `action` on it. A commune outside
 * the tenant is answered exactly like an unknown one — 404 with `unknown`, the message the route gives for a thing
 * that does not exist — whatever the role, so that no answer tells whether another tenant's thing exists.
 */
export function requireAccess(caller: Caller, action: Action, commune: ScopedCommune, unknown: string): void {
  if (!inScope(caller, commune)) throw new CentralException(CentralExceptionCode.NotFound, unknown);
  requireRole(caller, action);
}

const ACTION_TEXT: Readonly<Record<Action, string>> = {
  read: 'read',
  command: 'send commands',
  acknowledge: 'acknowledge alarms',
  enrol: 'enrol or revoke gateways',
  editSchedules: 'edit schedules',
  pushTemplates: 'push schedule templates',
  manageAccounts: 'manage accounts',
  readAudit: 'read the audit log',
};
