import { ApiClient, ApiFailure } from './api-client';

/** Central's answers as a fetch would give them, and the requests it got. */
function central(answers: Record<string, { status: number; body?: unknown }>) {
  const requests: { url: string; method: string; authorization: string | undefined; body: unknown }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = (init?.headers ?? {}) as Record<string, string>;
    requests.push({
      url,
      method: init?.method ?? 'GET',
      authorization: headers.authorization,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    });
    const answer = answers[`${init?.method ?? 'GET'} ${url}`] ?? {
      status: 404,
      body: { code: 'NOT_FOUND', message: url },
    };
    return Promise.resolve(
      new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status }),
    );
  };
  return { fetch, requests };
}

describe("the console's client of central", () => {
  it('sends the bearer token and the body the contract says, and parses the answer', async () => {
    const command = {
      id: 'c1',
      gatewayId: 'gw-1',
      pointKey: 'cabinet-a:circuit.4.command',
      action: 'override-until',
      value: true,
      until: '2026-12-03T22:00:00.000Z',
      notAfter: '2026-12-03T20:05:00.000Z',
      issuedBy: 'agent@02691',
      status: 'queued',
      attempts: 0,
      reason: null,
      createdAt: '2026-12-03T20:00:00.000Z',
      updatedAt: '2026-12-03T20:00:00.000Z',
    };
    const server = central({ 'POST /api/gateways/gw-1/commands': { status: 202, body: command } });
    const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
    const request = {
      action: 'override-until' as const,
      pointKey: 'cabinet-a:circuit.4.command',
      value: true,
      until: '2026-12-03T22:00:00.000Z',
    };
    expect(await client.command('gw-1', request)).toEqual(command);
    expect(server.requests).toEqual([
      { url: '/api/gateways/gw-1/commands', method: 'POST', authorization: 'Bearer tok', body: request },
    ]);
    expect(client.eventsUrl()).toBe('/api/events?access_token=tok');
  });

  it('says when the session is over (401), and when access is refused (403) or the thing is out of reach (404)', async () => {
    let expired = 0;
    const server = central({
      'GET /api/communes/02691': { status: 401, body: { code: 'UNAUTHENTICATED', message: 'session expired' } },
      'GET /api/communes/02408': { status: 404, body: { code: 'NOT_FOUND', message: 'no commune 02408' } },
      'GET /api/communes/02408/history?kind=audit&offset=0&limit=50': {
        status: 403,
        body: { code: 'FORBIDDEN', message: 'read-only' },
      },
    });
    const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => expired++, fetch: server.fetch });
    await expect(client.commune('02691')).rejects.toEqual(new ApiFailure(401, 'UNAUTHENTICATED', 'session expired'));
    expect(expired).toBe(1);
    const unknown = await client.commune('02408').catch((error: unknown) => error);
    const refused = await client.history('02408', 'audit', 0, 50).catch((error: unknown) => error);
    expect([unknown instanceof ApiFailure && unknown.denied, refused instanceof ApiFailure && refused.denied]).toEqual([
      true,
      true,
    ]);
    expect(expired).toBe(1);
  });

  it('refuses an answer that breaks the contract', async () => {
    const server = central({ 'GET /api/communes': { status: 200, body: [{ insee: '02691' }] } });
    const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
    await expect(client.communes()).rejects.toThrow(/name/);
  });

  describe("the first screen's overview, shown before the contract's schemas have arrived", () => {
    const overview = {
      commune: { insee: '02691', name: 'Saint-Quentin', department: '02', syndicateId: 'useda', gateways: [] },
      catalogues: {},
      alarms: [],
    };

    it("gives central's JSON at once and the same answer checked by the contract", async () => {
      const server = central({ 'GET /api/communes/02691/overview': { status: 200, body: overview } });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
      const answer = await client.communeOverviewEarly('02691');
      expect(answer.unchecked).toEqual(overview);
      await expect(answer.checked).resolves.toEqual(overview);
      expect(server.requests).toEqual([
        { url: '/api/communes/02691/overview', method: 'GET', authorization: 'Bearer tok', body: undefined },
      ]);
    });

    it('still catches an answer that breaks the contract, and says which field', async () => {
      const broken = { ...overview, commune: { ...overview.commune, name: 42 } };
      const server = central({ 'GET /api/communes/02691/overview': { status: 200, body: broken } });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
      const answer = await client.communeOverviewEarly('02691');
      await expect(answer.checked).rejects.toThrow(/"name"/);
    });

    it('rejects an error answer as every route does', async () => {
      let expired = 0;
      const server = central({
        'GET /api/communes/02691/overview': {
          status: 401,
          body: { code: 'UNAUTHENTICATED', message: 'session expired' },
        },
      });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => expired++, fetch: server.fetch });
      await expect(client.communeOverviewEarly('02691')).rejects.toEqual(
        new ApiFailure(401, 'UNAUTHENTICATED', 'session expired'),
      );
      await expect(client.communeOverviewEarly('80021')).rejects.toMatchObject({ status: 404, denied: true });
      expect(expired).toBe(1);
    });
  });

  describe("the Parc's fleet, shown before the contract's schemas have checked it", () => {
    const gateway = (id: string) => ({
      id,
      online: true,
      since: '2026-12-03T20:00:00.000Z',
      lastSeenAt: '2026-12-03T20:00:00.000Z',
      desiredVersion: 2,
      appliedVersion: 2,
      upToDate: true,
      clockOffsetMs: 12,
      softwareVersion: 'beffroi-gateway 0.1.0',
      alarms: { info: 0, warning: 0, critical: 0 },
    });
    /** More communes than one slice of the check holds, so that the check runs over several tasks. */
    const fleet = Array.from({ length: 250 }, (_, i) => {
      const insee = String(2001 + i).padStart(5, '0');
      return {
        insee,
        name: `Commune ${insee}`,
        department: '02',
        gateways: [gateway(`gw-${insee}`)],
        alarms: { info: 0, warning: 0, critical: 0 },
      };
    });

    it("asks for it without waiting for the contract, gives central's JSON at once and checks every commune", async () => {
      const server = central({ 'GET /api/fleet': { status: 200, body: fleet } });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
      const answer = await client.fleetEarly();
      expect(answer.unchecked).toEqual(fleet);
      await expect(answer.checked).resolves.toEqual(fleet);
      expect(server.requests).toEqual([
        { url: '/api/fleet', method: 'GET', authorization: 'Bearer tok', body: undefined },
      ]);
    });

    it('checks it in tasks of their own, the first after the one that got the answer', async () => {
      const server = central({ 'GET /api/fleet': { status: 200, body: fleet } });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
      await client.communes().catch(() => undefined);
      const answer = await client.fleetEarly();
      let checked = false;
      void answer.checked.then(() => (checked = true));
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(checked).toBe(false);
      await answer.checked;
      expect(checked).toBe(true);
    });

    it('still catches a commune that breaks the contract, and says which one and which field', async () => {
      const broken = fleet.map((commune, i) =>
        i === 180 ? { ...commune, gateways: [{ ...gateway('gw-x'), online: 'oui' }] } : commune,
      );
      const server = central({ 'GET /api/fleet': { status: 200, body: broken } });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: server.fetch });
      const answer = await client.fleetEarly();
      await expect(answer.checked).rejects.toThrow(/180,\s*"gateways",\s*0,\s*"online"/);
    });

    it('rejects an answer that is no list, and an error answer as every route does', async () => {
      let expired = 0;
      const notAList = central({ 'GET /api/fleet': { status: 200, body: { communes: fleet } } });
      const client = new ApiClient({ token: () => 'tok', onUnauthenticated: () => undefined, fetch: notAList.fetch });
      await expect((await client.fleetEarly()).checked).rejects.toThrow(/expected array/);
      const expiredServer = central({
        'GET /api/fleet': { status: 401, body: { code: 'UNAUTHENTICATED', message: 'session expired' } },
      });
      const other = new ApiClient({
        token: () => 'tok',
        onUnauthenticated: () => expired++,
        fetch: expiredServer.fetch,
      });
      await expect(other.fleetEarly()).rejects.toEqual(new ApiFailure(401, 'UNAUTHENTICATED', 'session expired'));
      expect(expired).toBe(1);
    });
  });

  describe("the demonstration banner's health, without loading the contract for it", () => {
    /** The client of a fresh module: the contract not loaded yet by any call, as when the console starts. */
    async function freshClient(answers: Parameters<typeof central>[0]) {
      let module: typeof import('./api-client') | undefined;
      await jest.isolateModulesAsync(async () => {
        module = await import('./api-client');
      });
      if (module === undefined) throw new Error('api-client did not load');
      const server = central(answers);
      const client = new module.ApiClient({
        token: () => 'tok',
        onUnauthenticated: () => undefined,
        fetch: server.fetch,
      });
      return { client, server, loadContract: module.loadContract, ApiFailure: module.ApiFailure };
    }

    /** Lets the promises and timers of the moment run. */
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    };

    it("gives central's JSON at once, and checks it only once a call of the page has loaded the contract", async () => {
      const health = { status: 'ok', demo: true };
      const { client, server } = await freshClient({
        'GET /health': { status: 200, body: health },
        'GET /api/communes': { status: 200, body: [] },
      });
      const answer = await client.healthEarly();
      expect(answer.unchecked).toEqual(health);
      let checked: unknown;
      void answer.checked.then((value) => (checked = value));
      await settle();
      expect(checked).toBeUndefined();
      await client.communes();
      await settle();
      expect(checked).toEqual(health);
      expect(server.requests.map((r) => r.url)).toEqual(['/health', '/api/communes']);
    });

    it("lets the page show the overview before the contract is asked for (asking costs the page's thread)", async () => {
      const commune = { insee: '02691', name: 'Saint-Quentin', department: '02', syndicateId: 'useda', gateways: [] };
      const overview = { commune, catalogues: {}, alarms: [] };
      const { client } = await freshClient({
        'GET /health': { status: 200, body: { status: 'ok', demo: false } },
        'GET /api/communes/02691/overview': { status: 200, body: overview },
      });
      const health = await client.healthEarly();
      let contractAsked = false;
      void health.checked.then(() => (contractAsked = true));
      const answer = await client.communeOverviewEarly('02691');
      expect(answer.unchecked).toEqual(overview);
      // What the page does with the answer runs in promise reactions: none of them sees the contract asked for.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(contractAsked).toBe(false);
      await settle();
      expect(contractAsked).toBe(true);
      await expect(answer.checked).resolves.toEqual(overview);
    });

    it('still catches an answer that breaks the contract, and rejects an error answer', async () => {
      const broken = await freshClient({ 'GET /health': { status: 200, body: { status: 'ok', demo: 'oui' } } });
      const answer = await broken.client.healthEarly();
      await broken.loadContract();
      await expect(answer.checked).rejects.toThrow(/"demo"/);
      const failing = await freshClient({
        'GET /health': { status: 503, body: { code: 'UNAVAILABLE', message: 'arrêt en cours' } },
      });
      await expect(failing.client.healthEarly()).rejects.toEqual(
        new failing.ApiFailure(503, 'UNAVAILABLE', 'arrêt en cours'),
      );
    });
  });
});
