/**
 * The first screen's data asked for before the console's script has arrived. On a slow mobile network every request
 * costs half a second of latency; "Ma commune" would otherwise wait for the HTML, then the script, then its overview,
 * one after the other; and the Parc, for the HTML, the script, then its page's chunk, then the fleet. A tiny script
 * inlined in index.html (built from {@link startPrefetch} and {@link requestToPrefetch}, no framework) fires that
 * request as soon as the HTML is read, and leaves the pending answer on `window` for the console to take, once
 * ({@link takePrefetch}); the console then reads it exactly as it reads any answer of central (errors, expired session
 * and all).
 *
 * Both functions are inlined by their source text: they use nothing but their parameters and the browser's globals.
 */

/** What the inline script leaves for the console: the request it made and its pending answer. */
export interface PrefetchedRequest {
  readonly url: string;
  readonly authorization: string;
  readonly response: Promise<Response>;
}

/** The global the inline script writes and {@link takePrefetch} removes. */
export const PREFETCH_GLOBAL = 'beffroiPrefetch';

/** The paths of the requests the inline script may anticipate (the contract's, without zod). */
export interface PrefetchRoutes {
  /** "Ma commune"'s overview, a template (`/api/communes/{insee}/overview`). */
  readonly overview: string;
  /** The syndicate's fleet, which the Parc asks for first (`/api/fleet`). */
  readonly fleet: string;
  /**
   * The Parc's own files (`/assets/…`: its page's chunk, the chunks that one imports, its stylesheets), which the
   * console's router would ask for only once the console's script has run; named by the build, empty without one.
   */
  readonly fleetPage: readonly string[];
}

/**
 * The request the page at `pathname` will make first, or undefined when there is none to anticipate: no stored session
 * (the login comes first), a page other than "Ma commune" and the Parc, `/` for an account without a commune of its
 * own (the console must ask central which commune is its home), or the Parc for an account that is not the
 * syndicate's (the console says "accès refusé" without asking). `stored` is the session as sessionStorage keeps it.
 */
export function requestToPrefetch(
  pathname: string,
  stored: string | null,
  routes: PrefetchRoutes,
): { readonly url: string; readonly token: string } | undefined {
  if (stored === null) return undefined;
  let session: unknown;
  try {
    session = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (typeof session !== 'object' || session === null || !('token' in session) || !('account' in session)) {
    return undefined;
  }
  const token = session.token;
  const account = session.account;
  if (typeof token !== 'string' || typeof account !== 'object' || account === null) return undefined;
  const home = 'communeInsee' in account ? account.communeInsee : undefined;
  const parts = pathname.split('/').filter((part) => part !== '');
  if (parts.length === 2 && parts[0] === 'syndicat' && parts[1] === 'parc') {
    // The syndicate's accounts only (isSyndicateAccount): no commune of their own, a syndicate.
    const syndicate = 'syndicateId' in account ? account.syndicateId : null;
    return home === null && typeof syndicate === 'string' ? { url: routes.fleet, token } : undefined;
  }
  let insee: string | undefined;
  if (parts.length === 0) {
    insee = typeof home === 'string' ? home : undefined;
  } else if (parts.length === 2 && parts[0] === 'communes') {
    try {
      insee = decodeURIComponent(parts[1] ?? '');
    } catch {
      insee = undefined;
    }
  }
  if (insee === undefined || insee === '') return undefined;
  return { url: routes.overview.replace('{insee}', encodeURIComponent(insee)), token };
}

/**
 * The inline script's body: decides with `decide` (that is {@link requestToPrefetch}) and fires the request with the
 * headers the console's client sends, so that central's answer is the one the console would have had. Before the
 * fleet, it has the browser load the Parc's files (`modulepreload` for its scripts, `preload` for its stylesheets:
 * loaded, not run nor applied), so that the router's `import()` finds them in; asked for first, they are not served
 * after central's answer to the fleet.
 */
export function startPrefetch(
  decide: typeof requestToPrefetch,
  routes: PrefetchRoutes,
  sessionKey: string,
  global: string,
): void {
  let stored: string | null;
  try {
    stored = window.sessionStorage.getItem(sessionKey);
  } catch {
    return;
  }
  const target = decide(window.location.pathname, stored, routes);
  if (target === undefined) return;
  if (target.url === routes.fleet) {
    for (const file of routes.fleetPage) {
      const link = window.document.createElement('link');
      if (file.endsWith('.css')) {
        link.rel = 'preload';
        link.as = 'style';
      } else {
        link.rel = 'modulepreload';
      }
      link.href = file;
      window.document.head.appendChild(link);
    }
  }
  const authorization = 'Bearer ' + target.token;
  const response = window.fetch(target.url, { method: 'GET', headers: { accept: 'application/json', authorization } });
  response.catch(() => undefined);
  Object.defineProperty(window, global, { value: { url: target.url, authorization, response }, configurable: true });
}

/** The inline script's source: {@link startPrefetch} called with its decision and the routes' paths. */
export function prefetchScript(routes: PrefetchRoutes, sessionKey: string): string {
  const args = [
    requestToPrefetch.toString(),
    JSON.stringify(routes),
    JSON.stringify(sessionKey),
    JSON.stringify(PREFETCH_GLOBAL),
  ];
  return `(${startPrefetch.toString()})(${args.join(', ')});`;
}

/** Takes what the inline script left (once: it is forgotten on `window`), or undefined if it asked for nothing. */
export function takePrefetch(holder: object): PrefetchedRequest | undefined {
  const left: unknown = Reflect.get(holder, PREFETCH_GLOBAL);
  Reflect.deleteProperty(holder, PREFETCH_GLOBAL);
  if (typeof left !== 'object' || left === null) return undefined;
  return left as PrefetchedRequest;
}

/**
 * A `fetch` that answers the one request the inline script already made with its pending answer (same address, GET,
 * same session), once, and asks the network for everything else.
 */
export function fetchWithPrefetch(
  next: typeof fetch,
  prefetched: () => PrefetchedRequest | undefined,
  used: () => void,
): typeof fetch {
  return (input, init) => {
    const waiting = prefetched();
    const headers = new Headers(init?.headers);
    if (
      waiting?.url === input &&
      (init?.method ?? 'GET') === 'GET' &&
      headers.get('authorization') === waiting.authorization
    ) {
      used();
      return waiting.response;
    }
    return next(input, init);
  };
}
