/** The console's addresses: what each path shows, and the path of each page. */
export type Page =
  | { readonly name: 'login'; readonly retour: string | undefined; readonly notice?: LoginNotice }
  | { readonly name: 'home' }
  | { readonly name: 'commune'; readonly insee: string }
  | { readonly name: 'alarms'; readonly insee: string }
  | { readonly name: 'bells'; readonly insee: string }
  | { readonly name: 'heating'; readonly insee: string }
  | { readonly name: 'history'; readonly insee: string }
  | { readonly name: 'energy'; readonly insee: string }
  | { readonly name: 'reports'; readonly insee: string; readonly gatewayId?: string }
  | { readonly name: 'output'; readonly insee: string; readonly gatewayId: string; readonly key: string }
  | { readonly name: 'fleet' }
  | { readonly name: 'templates' }
  | { readonly name: 'pushes' }
  | { readonly name: 'push'; readonly id: string }
  | { readonly name: 'map' }
  | { readonly name: 'accounts' }
  | { readonly name: 'enrolment' }
  | { readonly name: 'syndicate-energy' }
  | { readonly name: 'planning'; readonly insee: string }
  | { readonly name: 'schedule'; readonly insee: string; readonly gatewayId: string; readonly scheduleId: string }
  | { readonly name: 'not-found' };

/** Why the login page is shown: the session expired or ended elsewhere, or the person logged out. */
export type LoginNotice = 'expired' | 'loggedOut';

/**
 * The notice is in the login's address (`?motif=`), not in memory: a reload of the login page — or one that races
 * the console's own discovery that the session ended — still says why the person must log in again.
 */
const NOTICES: Readonly<Record<LoginNotice, string>> = { expired: 'expiree', loggedOut: 'deconnexion' };

function noticeOf(param: string | null): LoginNotice | undefined {
  return (Object.keys(NOTICES) as LoginNotice[]).find((notice) => NOTICES[notice] === param);
}

/** The page at `pathname` (`search` carries `?retour=` and `?motif=` for the login, `?passerelle=` for Recettes). */
export function pageOf(pathname: string, search = ''): Page {
  const parts = pathname
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && parts[0] === 'connexion') {
    const params = new URLSearchParams(search);
    const retour = params.get('retour');
    const notice = noticeOf(params.get('motif'));
    return {
      name: 'login',
      retour: retour !== null && isLocalPath(retour) ? retour : undefined,
      ...(notice === undefined ? {} : { notice }),
    };
  }
  if (parts[0] === 'syndicat') return syndicatePage(parts.slice(1));
  const [communes, insee, section, gatewayId, outputs, key] = parts;
  if (communes !== 'communes' || insee === undefined) return { name: 'not-found' };
  if (parts.length === 2) return { name: 'commune', insee };
  if (parts.length === 3 && section === 'alarmes') return { name: 'alarms', insee };
  if (parts.length === 3 && section === 'planning') return { name: 'planning', insee };
  if (parts.length === 5 && section === 'planning' && gatewayId !== undefined && outputs) {
    return { name: 'schedule', insee, gatewayId, scheduleId: outputs };
  }
  if (parts.length === 3 && section === 'cloches') return { name: 'bells', insee };
  if (parts.length === 3 && section === 'chauffage') return { name: 'heating', insee };
  if (parts.length === 3 && section === 'historique') return { name: 'history', insee };
  if (parts.length === 3 && section === 'energie') return { name: 'energy', insee };
  if (parts.length === 3 && section === 'recettes') return reportsPage(insee, search);
  if (parts.length === 6 && section === 'passerelles' && gatewayId !== undefined && outputs === 'sorties' && key) {
    return { name: 'output', insee, gatewayId, key };
  }
  return { name: 'not-found' };
}

/** The path of a page. */
export function pathOf(page: Page): string {
  const e = encodeURIComponent;
  switch (page.name) {
    case 'login': {
      const params = new URLSearchParams();
      if (page.retour !== undefined) params.set('retour', page.retour);
      if (page.notice !== undefined) params.set('motif', NOTICES[page.notice]);
      const search = params.toString();
      return search === '' ? '/connexion' : `/connexion?${search}`;
    }
    case 'home':
      return '/';
    case 'commune':
      return `/communes/${e(page.insee)}`;
    case 'alarms':
      return `/communes/${e(page.insee)}/alarmes`;
    case 'bells':
      return `/communes/${e(page.insee)}/cloches`;
    case 'heating':
      return `/communes/${e(page.insee)}/chauffage`;
    case 'history':
      return `/communes/${e(page.insee)}/historique`;
    case 'energy':
      return `/communes/${e(page.insee)}/energie`;
    case 'reports':
      return page.gatewayId === undefined
        ? `/communes/${e(page.insee)}/recettes`
        : `/communes/${e(page.insee)}/recettes?${new URLSearchParams({ passerelle: page.gatewayId }).toString()}`;
    case 'output':
      return `/communes/${e(page.insee)}/passerelles/${e(page.gatewayId)}/sorties/${e(page.key)}`;
    case 'fleet':
      return '/syndicat/parc';
    case 'templates':
      return '/syndicat/modeles';
    case 'pushes':
      return '/syndicat/diffusions';
    case 'push':
      return `/syndicat/diffusions/${e(page.id)}`;
    case 'map':
      return '/syndicat/carte';
    case 'accounts':
      return '/syndicat/comptes';
    case 'enrolment':
      return '/syndicat/enrolement';
    case 'syndicate-energy':
      return '/syndicat/energie';
    case 'planning':
      return `/communes/${e(page.insee)}/planning`;
    case 'schedule':
      return `/communes/${e(page.insee)}/planning/${e(page.gatewayId)}/${e(page.scheduleId)}`;
    case 'not-found':
      return '/';
  }
}

/** The syndicate's pages, under `/syndicat/`: Parc, Carte, Modèles, Diffusions and one push, Comptes, Enrôlement. */
function syndicatePage(parts: readonly string[]): Page {
  const [section, id] = parts;
  if (parts.length === 1 && section === 'parc') return { name: 'fleet' };
  if (parts.length === 1 && section === 'modeles') return { name: 'templates' };
  if (parts.length === 1 && section === 'diffusions') return { name: 'pushes' };
  if (parts.length === 2 && section === 'diffusions' && id !== undefined) return { name: 'push', id };
  if (parts.length === 1 && section === 'carte') return { name: 'map' };
  if (parts.length === 1 && section === 'comptes') return { name: 'accounts' };
  if (parts.length === 1 && section === 'enrolement') return { name: 'enrolment' };
  if (parts.length === 1 && section === 'energie') return { name: 'syndicate-energy' };
  return { name: 'not-found' };
}

/** Recettes, the commune's procès-verbaux: of one gateway with `?passerelle=`, so that the filter survives a reload. */
function reportsPage(insee: string, search: string): Page {
  const gatewayId = new URLSearchParams(search).get('passerelle');
  return gatewayId === null || gatewayId === '' ? { name: 'reports', insee } : { name: 'reports', insee, gatewayId };
}

/** Only a path of this console may be returned to after login (never another site). */
function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/connexion');
}
