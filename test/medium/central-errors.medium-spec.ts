import { type CentralHarness, startCentral } from '../support/central-harness';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Text of zod, Nest, Express or V8 that must never reach an answer. */
const RAW_TEXT =
  /Invalid input|Too (small|big)|Cannot (GET|PUT|POST|DELETE|PATCH)|Unexpected token|Unexpected end|JSON at position|statusCode|Bad Request|Internal server error|expected (string|number) to/;
const SECRET = 'hunter2-never-echoed';

interface Operation {
  parameters: { name: string; in: string }[];
  requestBody?: unknown;
}

let central: CentralHarness;
let admin: string;
let operations: { route: string; path: string; method: string; operation: Operation }[];

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  const document = (await (await fetch(`${central.url}/api/docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ route: `${method} ${path}`, path, method, operation })),
  );
});

afterAll(async () => {
  await central.close();
});

/** A request path with every `{param}` filled in. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'insee' ? '02691' : name === 'id' ? '1' : 'x'));
}

interface Answer {
  route: string;
  status: number;
  text: string;
  body: unknown;
  allow: string | null;
}

async function send(route: string, method: string, path: string, body?: string): Promise<Answer> {
  const response = await fetch(`${central.url}${path}`, {
    method: method.toUpperCase(),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { route, status: response.status, text, body: parsed, allow: response.headers.get('allow') };
}

/** The one error shape: `{code, message, problems}`, in the project's words, never a secret sent with the request. */
function expectErrorShape(answer: Answer, status: number, code: string): void {
  const { route, body, text } = answer;
  expect({ route, status: answer.status }).toEqual({ route, status });
  expect({ route, keys: Object.keys(body as object).sort() }).toEqual({ route, keys: ['code', 'message', 'problems'] });
  const { code: got, message, problems } = body as { code: string; message: unknown; problems: unknown[] };
  expect({ route, code: got, message: typeof message }).toEqual({ route, code, message: 'string' });
  for (const problem of problems) {
    expect({ route, problem }).toEqual({ route, problem: { path: expect.any(String), message: expect.any(String) } });
  }
  expect({ route, raw: RAW_TEXT.exec(text)?.[0] }).toEqual({ route, raw: undefined });
  expect({ route, echoed: text.includes(SECRET) }).toEqual({ route, echoed: false });
}

describe("every 4xx of central answers {code, message, problems} in the project's words", () => {
  it('answers 405 naming the accepted methods for a method a documented path does not serve', async () => {
    const byPath = new Map<string, string[]>();
    for (const { path, method } of operations) byPath.set(path, [...(byPath.get(path) ?? []), method]);
    for (const [path, methods] of byPath) {
      for (const method of METHODS.filter((m) => !methods.includes(m))) {
        const answer = await send(`${method} ${path}`, method, concrete(path), method === 'get' ? undefined : '{}');
        expectErrorShape(answer, 405, 'METHOD_NOT_ALLOWED');
        expect({ route: answer.route, allow: answer.allow?.split(', ').sort() }).toEqual({
          route: answer.route,
          allow: methods.map((m) => m.toUpperCase()).sort(),
        });
      }
    }
  });

  it('answers 400 for a body that is not JSON, without quoting it', async () => {
    for (const { route, path, method } of operations.filter((o) => o.operation.requestBody !== undefined)) {
      const answer = await send(route, method, concrete(path), `{"password": "${SECRET}", `);
      expectErrorShape(answer, 400, 'INVALID_REQUEST');
    }
  });

  it('answers 400 naming an unknown key of a body, or the 404/403 of the thing addressed', async () => {
    for (const { route, path, method } of operations.filter((o) => o.operation.requestBody !== undefined)) {
      const answer = await send(route, method, concrete(path), JSON.stringify({ bogusKey: SECRET }));
      if (answer.status === 400) {
        expectErrorShape(answer, 400, 'INVALID_REQUEST');
        const { problems } = answer.body as { problems: { path: string; message: string }[] };
        // The unknown key by name, a field it lacks (the action of a command), or the forms a body may take.
        const named = problems.some(
          (p) => p.path !== '' || p.message.includes('bogusKey') || p.message.includes(' or '),
        );
        expect({ route, named }).toEqual({
          route,
          named: true,
        });
      } else {
        const { code } = answer.body as { code: string };
        expectErrorShape(answer, answer.status, code);
        expect({ route, status: answer.status }).toEqual({ route, status: expect.any(Number) });
        expect([403, 404, 409]).toContain(answer.status);
      }
    }
  });

  it('answers 400 naming an unknown query parameter of a route that takes a query', async () => {
    const withQuery = operations.filter((o) => o.operation.parameters.some((p) => p.in === 'query'));
    expect(withQuery.length).toBeGreaterThan(0);
    for (const { route, path, method } of withQuery) {
      const answer = await send(route, method, `${concrete(path)}?bogusKey=1`, method === 'get' ? undefined : '{}');
      if (answer.status === 404) {
        expectErrorShape(answer, 404, 'NOT_FOUND');
        continue;
      }
      expectErrorShape(answer, 400, 'INVALID_REQUEST');
      expect(answer.text).toContain('bogusKey');
    }
  });

  it('answers 413 for a body over the size limit', async () => {
    for (const { route, path, method } of operations.filter((o) => o.operation.requestBody !== undefined)) {
      const answer = await send(route, method, concrete(path), JSON.stringify({ padding: 'x'.repeat(2_000_000) }));
      expectErrorShape(answer, 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('answers 404 for a route that does not exist', async () => {
    for (const path of ['/api/nothing-here', '/nothing', '/api/gateways/x/nothing']) {
      expectErrorShape(await send(`get ${path}`, 'get', path), 404, 'NOT_FOUND');
    }
  });

  it('never echoes a rejected password, and names the field in its own words', async () => {
    const tooLong = await send(
      'post /api/auth/login',
      'post',
      '/api/auth/login',
      JSON.stringify({ login: 'agent@02691', password: `${SECRET}${'x'.repeat(300)}` }),
    );
    expectErrorShape(tooLong, 400, 'INVALID_REQUEST');
    expect((tooLong.body as { problems: { path: string }[] }).problems).toEqual([
      { path: 'password', message: expect.stringMatching(/^expected/) },
    ]);
    const wrong = await send(
      'post /api/auth/login',
      'post',
      '/api/auth/login',
      JSON.stringify({ login: 'agent@02691', password: SECRET }),
    );
    expectErrorShape(wrong, 401, 'UNAUTHENTICATED');
    const account = await send(
      'post /api/accounts',
      'post',
      '/api/accounts',
      JSON.stringify({ login: 'new@02691', name: 'New', role: 'read-only', tenant: '02691', password: 'hunter2' }),
    );
    expectErrorShape(account, 400, 'INVALID_REQUEST');
    expect((account.body as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(['password']);
    expect(account.text).not.toContain('hunter2');
  });
});
