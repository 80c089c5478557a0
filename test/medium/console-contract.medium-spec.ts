import {
  account,
  alarm,
  API_ROUTES,
  type ApiRoute,
  commune,
  communeSummary,
  health,
  loginResponse,
} from '@beffroi/api';
import { z } from 'zod';
import { type CentralHarness, PASSWORD, startCentral } from '../support/central-harness';

interface Operation {
  requestBody?: { content: { 'application/json': { schema: { $ref: string } } } };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

let central: CentralHarness;
let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

beforeAll(async () => {
  central = await startCentral();
  document = (await (await fetch(`${central.url}/api/docs/openapi.json`)).json()) as typeof document;
});

afterAll(async () => {
  await central.close();
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): object {
  const json: Record<string, unknown> = { ...z.toJSONSchema(schema, { io }) };
  delete json.$schema;
  return json;
}

const routes = Object.entries(API_ROUTES) as [string, ApiRoute][];

/** The console's contract (libs/api) against central's OpenAPI document: a route central does not serve fails. */
describe('the console contract and central', () => {
  it.each(routes)('central serves %s', (_, route) => {
    expect({
      route: `${route.method} ${route.path}`,
      served: document.paths[route.path]?.[route.method] !== undefined,
    }).toEqual({ route: `${route.method} ${route.path}`, served: true });
  });

  it.each(routes.filter(([, route]) => route.response !== undefined))(
    "documents %s's answer with the contract's response schema",
    (_, route) => {
      const operation = document.paths[route.path]?.[route.method];
      const success = Object.entries(operation?.responses ?? {}).find(([status]) => status.startsWith('2'))?.[1];
      expect(success?.content?.['application/json']?.schema).toEqual(jsonSchema(route.response!, 'output'));
    },
  );

  it.each(routes.filter(([, route]) => route.body !== undefined))(
    'validates the body of %s with the same schema as the contract',
    (_, route) => {
      const ref = document.paths[route.path]?.[route.method]?.requestBody?.content['application/json'].schema.$ref;
      const name = ref?.split('/').pop() ?? '';
      expect(document.components.schemas[name]).toEqual(jsonSchema(route.body!, 'input'));
    },
  );

  it("answers as the contract's response schemas say", async () => {
    const { status, body } = await central.api(undefined, 'POST', '/api/auth/login', {
      login: 'agent@02691',
      password: PASSWORD,
    });
    expect(status).toBe(200);
    const { token } = loginResponse.parse(body);
    const get = async (path: string) => (await central.api(token, 'GET', path)).body as unknown;
    expect(account.safeParse(await get('/api/auth/me')).error).toBeUndefined();
    expect(z.array(communeSummary).safeParse(await get('/api/communes')).error).toBeUndefined();
    expect(commune.safeParse(await get('/api/communes/02691')).error).toBeUndefined();
    expect(z.array(alarm).safeParse(await get('/api/alarms?all=true')).error).toBeUndefined();
    expect(health.safeParse(await get('/health')).error).toBeUndefined();
  });
});
