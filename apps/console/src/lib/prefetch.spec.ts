import { runInNewContext } from 'node:vm';
import { API_ROUTES } from '@beffroi/api';
import { fetchWithPrefetch, prefetchScript, requestToPrefetch, takePrefetch, type PrefetchedRequest } from './prefetch';
import { SESSION_KEY } from './session';

const ROUTES = {
  overview: API_ROUTES.communeOverview.path,
  fleet: API_ROUTES.fleet.path,
  fleetPage: ['/assets/Fleet-123.js', '/assets/index-abc.js', '/assets/Fleet-789.css'],
};
const decide = (pathname: string, session: string | null) => requestToPrefetch(pathname, session, ROUTES);
const stored = (communeInsee: string | null) =>
  JSON.stringify({
    token: 'jeton',
    account: { login: 'agent@02691', role: 'commune-staff', communeInsee, syndicateId: 'useda' },
  });
/** A syndicate's account: no commune of its own. */
const syndicate = JSON.stringify({
  token: 'jeton',
  account: { login: 'admin@useda', role: 'syndicate-admin', communeInsee: null, syndicateId: 'useda' },
});

describe("the inline script's decision: which request to ask for before the console's script arrives", () => {
  it("asks for the commune's overview on its page, with the stored token", () => {
    expect(decide('/communes/02691', stored('02691'))).toEqual({
      url: '/api/communes/02691/overview',
      token: 'jeton',
    });
    expect(decide('/communes/02691/', stored('02691'))?.url).toBe('/api/communes/02691/overview');
  });

  it('asks for the overview of the commune the address names, even another one (central decides who may see it)', () => {
    expect(decide('/communes/80021', stored('02691'))?.url).toBe('/api/communes/80021/overview');
    expect(decide('/communes/a%20b', stored('02691'))?.url).toBe('/api/communes/a%20b/overview');
  });

  it("at / asks for the account's own commune, where the console lands", () => {
    expect(decide('/', stored('02691'))?.url).toBe('/api/communes/02691/overview');
  });

  it("at / asks for nothing for an account without a commune of its own (the syndicate's)", () => {
    expect(decide('/', stored(null))).toBeUndefined();
  });

  it("asks for the syndicate's fleet on the Parc, for a syndicate's account only", () => {
    expect(decide('/syndicat/parc', syndicate)).toEqual({ url: '/api/fleet', token: 'jeton' });
    expect(decide('/syndicat/parc/', syndicate)?.url).toBe('/api/fleet');
    expect(decide('/syndicat/parc', stored('02691'))).toBeUndefined();
    const withoutSyndicate = JSON.stringify({ token: 'jeton', account: { communeInsee: null, syndicateId: null } });
    expect(decide('/syndicat/parc', withoutSyndicate)).toBeUndefined();
  });

  it('asks for nothing on any other page', () => {
    for (const path of ['/connexion', '/communes/02691/alarmes', '/communes/02691/planning', '/syndicat/parc', '/x']) {
      expect(decide(path, stored('02691'))).toBeUndefined();
    }
    for (const path of ['/syndicat/carte', '/syndicat/modeles', '/syndicat', '/syndicat/parc/x', '/parc']) {
      expect(decide(path, syndicate)).toBeUndefined();
    }
  });

  it('asks for nothing without a usable stored session', () => {
    for (const text of [null, '', 'not json', 'null', '{"account":{}}', '{"token":3,"account":{}}', '{"token":"t"}']) {
      expect(decide('/communes/02691', text)).toBeUndefined();
    }
    expect(decide('/communes/%E0%A4%A', stored('02691'))).toBeUndefined();
  });
});

describe('the inline script', () => {
  /** Runs the script's text on its own, as the browser does, against a window of the test's making. */
  function run(pathname: string, session: string | null) {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const answer = Promise.resolve(new Response('{}'));
    /** The requests and the links the script made, in order. */
    const events: string[] = [];
    const document = {
      createElement: (name: string) => ({ name, rel: '', as: '', href: '' }),
      head: {
        appendChild: (element: { name: string; rel: string; as: string; href: string }) =>
          events.push(`<${element.name} rel=${element.rel} as=${element.as} href=${element.href}>`),
      },
    };
    const window = {
      document,
      location: { pathname },
      sessionStorage: { getItem: (key: string) => (key === SESSION_KEY ? session : null) },
      fetch: (url: string, init?: RequestInit) => {
        requests.push({ url, init });
        events.push(`fetch ${url}`);
        return answer;
      },
    };
    runInNewContext(prefetchScript(ROUTES, SESSION_KEY), { window });
    return { window, requests, answer, events };
  }

  it("fires the overview request at once with the console's headers and leaves it for the console, once", () => {
    const { window, requests, answer } = run('/communes/02691', stored('02691'));
    expect(requests).toEqual([
      {
        url: '/api/communes/02691/overview',
        init: { method: 'GET', headers: { accept: 'application/json', authorization: 'Bearer jeton' } },
      },
    ]);
    const left = takePrefetch(window);
    expect(left).toEqual({ url: '/api/communes/02691/overview', authorization: 'Bearer jeton', response: answer });
    expect(takePrefetch(window)).toBeUndefined();
  });

  it("fires the fleet request on the Parc with the console's headers and leaves it for the console", () => {
    const { window, requests, answer } = run('/syndicat/parc', syndicate);
    expect(requests).toEqual([
      {
        url: '/api/fleet',
        init: { method: 'GET', headers: { accept: 'application/json', authorization: 'Bearer jeton' } },
      },
    ]);
    expect(takePrefetch(window)).toEqual({ url: '/api/fleet', authorization: 'Bearer jeton', response: answer });
  });

  it("has the browser load the Parc's scripts and stylesheet, without running them, before asking for the fleet", () => {
    expect(run('/syndicat/parc', syndicate).events).toEqual([
      '<link rel=modulepreload as= href=/assets/Fleet-123.js>',
      '<link rel=modulepreload as= href=/assets/index-abc.js>',
      '<link rel=preload as=style href=/assets/Fleet-789.css>',
      'fetch /api/fleet',
    ]);
  });

  it("loads none of the Parc's files on another page, nor on the Parc for an account that is not the syndicate's", () => {
    expect(run('/communes/02691', stored('02691')).events).toEqual(['fetch /api/communes/02691/overview']);
    expect(run('/syndicat/parc', stored('02691')).events).toEqual([]);
  });

  it('fires nothing and leaves nothing on the login page', () => {
    const { window, requests } = run('/connexion', stored('02691'));
    expect(requests).toEqual([]);
    expect(takePrefetch(window)).toBeUndefined();
  });
});

describe("the console's fetch with the prefetched overview", () => {
  const answer = Promise.resolve(new Response('{"prefetched":true}'));
  const waiting: PrefetchedRequest = {
    url: '/api/communes/02691/overview',
    authorization: 'Bearer jeton',
    response: answer,
  };

  function client() {
    const network: string[] = [];
    let left: PrefetchedRequest | undefined = waiting;
    const fetch = fetchWithPrefetch(
      (input) => {
        network.push(typeof input === 'string' ? input : 'not a path');
        return Promise.resolve(new Response('{"network":true}'));
      },
      () => left,
      () => (left = undefined),
    );
    return { fetch, network };
  }

  it('answers the same request from the prefetch once, then from the network', async () => {
    const { fetch, network } = client();
    const init = { method: 'GET', headers: { authorization: 'Bearer jeton' } };
    await expect(fetch('/api/health', { method: 'GET' }).then((r) => r.json())).resolves.toEqual({ network: true });
    await expect(fetch(waiting.url, init).then((r) => r.json())).resolves.toEqual({ prefetched: true });
    await expect(fetch(waiting.url, init).then((r) => r.json())).resolves.toEqual({ network: true });
    expect(network).toEqual(['/api/health', waiting.url]);
  });

  it('does not serve it to another session or another address', async () => {
    const { fetch, network } = client();
    await fetch(waiting.url, { method: 'GET', headers: { authorization: 'Bearer autre' } });
    await fetch('/api/communes/80021/overview', { method: 'GET', headers: { authorization: 'Bearer jeton' } });
    expect(network).toEqual([waiting.url, '/api/communes/80021/overview']);
  });
});
