/** The addresses of the commissioning pages the gateway serves, all under {@link COMMISSIONING_BASE}. */
export const COMMISSIONING_BASE = '/mise-en-service';

/**
 * A commissioning page. The pages to come take their place here, with their address and their menu entry in
 * CommissioningApp.svelte: "Raccorder" (bind a profile to a device found, `/mise-en-service/raccorder`) and "Essais"
 * (the test sequence under lock-out and the acceptance report, `/mise-en-service/essais`).
 */
export type CommissioningPage =
  | { readonly name: 'login'; readonly retour: string | undefined; readonly notice?: 'expired' | 'loggedOut' }
  | { readonly name: 'home' }
  | { readonly name: 'scan' }
  | { readonly name: 'not-found' };

const NOTICES = { expired: 'expiree', loggedOut: 'deconnexion' } as const;

/** The page at `pathname` (`search` carries the login's `?retour=` and `?motif=`). */
export function commissioningPageOf(pathname: string, search = ''): CommissioningPage {
  if (pathname !== COMMISSIONING_BASE && !pathname.startsWith(`${COMMISSIONING_BASE}/`)) return { name: 'not-found' };
  const parts = pathname
    .slice(COMMISSIONING_BASE.length)
    .split('/')
    .filter((part) => part !== '');
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && parts[0] === 'scan') return { name: 'scan' };
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
  }
}

/** Only a commissioning page (never another site, never the login itself) is returned to after login. */
function isCommissioningPath(path: string): boolean {
  return path.startsWith(`${COMMISSIONING_BASE}/`) && !path.startsWith(`${COMMISSIONING_BASE}/connexion`);
}
