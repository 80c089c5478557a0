import type { StorageLike } from './session';

/**
 * Where the commissioning pages keep how the person authenticated to the gateway: sessionStorage of the tab (it ends
 * with the tab, never sent by the browser on its own, unlike a cookie), under a key of its own (never central's).
 */
export const GATEWAY_SESSION_KEY = 'beffroi.gateway-session';

/** How the person opens the gateway's local API: the local credential, or a field token central signed. */
export interface GatewaySession {
  readonly via: 'local-credential' | 'field-token';
  /** The `Authorization` header value sent with every call. */
  readonly authorization: string;
  /** Who acts: `local`, or the login the field token names. */
  readonly login: string;
}

/** The local credential, sent as HTTP basic authentication with user `local` (UTF-8, as the gateway decodes it). */
export function localCredentialSession(secret: string): GatewaySession {
  const bytes = new TextEncoder().encode(`local:${secret}`);
  const binary = Array.from(bytes, (byte) => String.fromCharCode(byte)).join('');
  return { via: 'local-credential', authorization: `Basic ${btoa(binary)}`, login: 'local' };
}

/**
 * A field token as pasted (`bft1.<claims>.<signature>`, docs/security.md), or undefined when the text is not one. Only
 * the login is read from its claims, to show who acts; the gateway alone decides whether the token is valid.
 */
export function fieldTokenSession(text: string): GatewaySession | undefined {
  const token = text.trim();
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'bft1' || parts[1] === '' || parts[2] === '') return undefined;
  let login: unknown;
  try {
    const binary = atob((parts[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    login = typeof claims === 'object' && claims !== null && 'login' in claims ? claims.login : undefined;
  } catch {
    return undefined;
  }
  if (typeof login !== 'string' || login === '') return undefined;
  return { via: 'field-token', authorization: `Bearer ${token}`, login };
}

export function loadGatewaySession(storage: StorageLike): GatewaySession | undefined {
  const text = storage.getItem(GATEWAY_SESSION_KEY);
  if (text === null) return undefined;
  try {
    const stored = JSON.parse(text) as Partial<GatewaySession>;
    return (stored.via === 'local-credential' || stored.via === 'field-token') &&
      typeof stored.authorization === 'string' &&
      typeof stored.login === 'string'
      ? { via: stored.via, authorization: stored.authorization, login: stored.login }
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveGatewaySession(storage: StorageLike, session: GatewaySession): void {
  storage.setItem(GATEWAY_SESSION_KEY, JSON.stringify(session));
}

export function clearGatewaySession(storage: StorageLike): void {
  storage.removeItem(GATEWAY_SESSION_KEY);
}
