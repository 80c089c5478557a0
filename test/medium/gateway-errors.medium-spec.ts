import { expressRoutes } from '@beffroi/runtime';
import { SystemClock } from '@beffroi/runtime';
import { type GatewayHarness, localAuthorization, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Text of zod, Nest, Express or V8 that must never reach an answer. */
const RAW_TEXT =
  /Invalid input|Too (small|big)|Cannot (GET|PUT|POST|DELETE|PATCH)|Unexpected token|Unexpected end|JSON at position|statusCode|Bad Request|Internal server error|expected (string|number) to/;

let sim: SimulatorHarness;
let gw: GatewayHarness;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1 }],
        },
      ],
    },
    new SystemClock(),
  );
  gw = await startGateway([
    {
      id: 'street',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: sim.ports.street,
      equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
    },
  ]);
  routes = expressRoutes(gw.app.getHttpAdapter().getInstance());
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

/** A request path with every `:param` filled in with a real point of the cabinet. */
function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? 'cabinet' : 'cabinet:circuit.1.command'));
}

async function send(method: string, path: string, body?: string) {
  const response = await fetch(`${gw.url}${path}`, {
    method: method.toUpperCase(),
    headers: { 'content-type': 'application/json', authorization: localAuthorization() },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { route: `${method} ${path}`, status: response.status, text, allow: response.headers.get('allow') };
}

function expectErrorShape(answer: { route: string; status: number; text: string }, status: number, code: string) {
  const { route, text } = answer;
  expect({ route, status: answer.status }).toEqual({ route, status });
  const body = JSON.parse(text) as { code: string; message: unknown; problems: unknown };
  expect({ route, keys: Object.keys(body).sort() }).toEqual({ route, keys: ['code', 'message', 'problems'] });
  expect({ route, code: body.code, message: typeof body.message, problems: Array.isArray(body.problems) }).toEqual({
    route,
    code,
    message: 'string',
    problems: true,
  });
  expect({ route, raw: RAW_TEXT.exec(text)?.[0] }).toEqual({ route, raw: undefined });
}

describe("every 4xx of the gateway's local API answers {code, message, problems}", () => {
  it('answers 405 naming the accepted methods for a method a served path does not accept', async () => {
    expect(routes.length).toBeGreaterThan(10);
    const byPath = new Map<string, string[]>();
    for (const { path, method } of routes) byPath.set(path, [...(byPath.get(path) ?? []), method]);
    for (const [path, methods] of byPath) {
      for (const method of METHODS.filter((m) => !methods.includes(m))) {
        const answer = await send(method, concrete(path), method === 'get' ? undefined : '{}');
        expectErrorShape(answer, 405, 'METHOD_NOT_ALLOWED');
        expect({ route: answer.route, allow: answer.allow?.split(', ').sort() }).toEqual({
          route: answer.route,
          allow: methods.map((m) => m.toUpperCase()).sort(),
        });
      }
    }
  });

  it('answers 400 for a body that is not JSON and 413 for one over the size limit, on every route taking a body', async () => {
    for (const { path, method } of routes.filter((r) => r.method === 'post' || r.method === 'put')) {
      expectErrorShape(await send(method, concrete(path), '{"value": tru'), 400, 'INVALID_REQUEST');
      const large = JSON.stringify({ padding: 'x'.repeat(2_000_000) });
      expectErrorShape(await send(method, concrete(path), large), 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('answers 404 for a route that does not exist, and 400 naming a field in its own words', async () => {
    expectErrorShape(await send('get', '/nothing-here'), 404, 'NOT_FOUND');
    const unknownKey = await send('post', '/points/cabinet:circuit.1.command/write', '{"value":true,"bogusKey":1}');
    expectErrorShape(unknownKey, 400, 'INVALID_REQUEST');
    expect(unknownKey.text).toContain('bogusKey');
    const limit = await send('get', '/switchings?limit=0');
    expectErrorShape(limit, 400, 'INVALID_REQUEST');
    expect(JSON.parse(limit.text)).toMatchObject({ problems: [{ path: 'limit' }] });
  });
});
