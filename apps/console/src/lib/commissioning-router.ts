import type { BindPrefill } from './bind-form';

/** The addresses of the commissioning pages the gateway serves, all under {@link COMMISSIONING_BASE}. */
export const COMMISSIONING_BASE = '/mise-en-service';

/**
 * A commissioning page, each with its address and its menu entry in CommissioningApp.svelte: "Raccorder" binds a
 * profile to a device found (its address carries the device a scan found), "Essais" runs the test sequence under
 * lock-out, "Procès-verbal" makes the acceptance report from a finished run (its address may name the run).
 */
export type CommissioningPage =
  | { readonly name: 'login'; readonly retour: string | undefined; readonly notice?: 'expired' | 'loggedOut' }
  | { readonly name: 'home' }
  | { readonly name: 'scan' }
  | { readonly name: 'bind'; readonly prefill: BindPrefill }
  | { readonly name: 'tests' }
  | { readonly name: 'report'; readonly run: string | undefined }
  | { readonly name: 'not-found' };

const NOTICES = { expired: 'expiree', loggedOut: 'deconnexion' } as const;

/** The query parameters of `/raccorder`, in French like the addresses, by the field of {@link BindPrefill}. */
const PREFILL_PARAMS = {
  kind: 'type',
  host: 'hote',
  port: 'port',
  path: 'serie',
  baud: 'bauds',
  parity: 'parite',
  unit: 'unite',
  profile: 'profil',
} as const satisfies Record<keyof BindPrefill, string>;

function prefillOf(params: URLSearchParams): BindPrefill {
  const prefill: Record<string, string> = {};
  for (const [field, param] of Object.entries(PREFILL_PARAMS)) {
    const value = params.get(param);
    if (value !== null && value !== '') prefill[field] = value;
  }
  const kind = prefill.kind;
  if (kind !== undefined && kind !== 'tcp' && kind !== 'rtu') delete prefill.kind;
  return prefill;
}

/** The page at `pathname` (`search` carries the login's `?retour=` and `?motif=`). */
export function commissioningPageOf(pathname: string, search = ''): CommissioningPage {
  if (pathname !== COMMISSIONING_BASE && !pathname.startsWith(`${COMMISSIONING_BASE}/`)) return { name: 'not-found' };
  const parts = pathname
    .slice(COMMISSIONING_BASE.length)
    .split('/')
    .filter((part) => part !== '');
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && parts[0] === 'scan') return { name: 'scan' };
  if (parts.length === 1 && parts[0] === 'raccorder')
    return { name: 'bind', prefill: prefillOf(new URLSearchParams(search)) };
  if (parts.length === 1 && parts[0] === 'essais') return { name: 'tests' };
  if (parts.length === 1 && parts[0] === 'proces-verbal') {
    const run = new URLSearchParams(search).get('essai');
    return { name: 'report', run: run === null || run === '' ? undefined : run };
  }
  if (parts.length === 1 && parts[0] === 'connexion') {
    const params = new URLSearchParams(search);
    const retour = params.get('retour');
    const motif = params.get('motif');
    const notice = motif === NOTICES.expired ? 'expired' : motif === NOTICES.loggedOut ? 'loggedOut' : undefined;
    return {
      name: 'login',
      retour: retour !== null && isCommissioningPath(retour) ? retour : undefined,
      ...(notice === undefined ? {} : { notice }),
    };
  }
  return { name: 'not-found' };
}

/** The address of a commissioning page. */
export function commissioningPathOf(page: CommissioningPage): string {
  switch (page.name) {
    case 'login': {
      const params = new URLSearchParams();
      if (page.retour !== undefined) params.set('retour', page.retour);
      if (page.notice !== undefined) params.set('motif', NOTICES[page.notice]);
      const search = params.toString();
      return `${COMMISSIONING_BASE}/connexion${search === '' ? '' : `?${search}`}`;
    }
    case 'home':
    case 'not-found':
      return `${COMMISSIONING_BASE}/`;
    case 'scan':
      return `${COMMISSIONING_BASE}/scan`;
    case 'bind': {
      const params = new URLSearchParams();
      for (const [field, param] of Object.entries(PREFILL_PARAMS)) {
        const value = page.prefill[field as keyof BindPrefill];
        if (value !== undefined) params.set(param, value);
      }
      const search = params.toString();
      return `${COMMISSIONING_BASE}/raccorder${search === '' ? '' : `?${search}`}`;
    }
    case 'tests':
      return `${COMMISSIONING_BASE}/essais`;
    case 'report':
      return `${COMMISSIONING_BASE}/proces-verbal${page.run === undefined ? '' : `?essai=${encodeURIComponent(page.run)}`}`;
  }
}

/** Only a commissioning page (never another site, never the login itself) is returned to after login. */
function isCommissioningPath(path: string): boolean {
  return path.startsWith(`${COMMISSIONING_BASE}/`) && !path.startsWith(`${COMMISSIONING_BASE}/connexion`);
}
