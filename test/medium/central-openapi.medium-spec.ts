import Ajv2020 from 'ajv/dist/2020';
import type { z } from 'zod';
import { loginBody } from '../../apps/central/src/auth/auth.controller';
import { commandRequestSchema } from '../../apps/central/src/commands/command.dto';
import { previewBody } from '../../apps/central/src/schedules/schedules.dto';
import { addCommunesBody } from '../../apps/central/src/tenants/communes.controller';
import { type CentralHarness, startCentral } from '../support/central-harness';

/** A strict JSON Schema 2020-12 validator (formats are left to the patterns zod writes next to them). */
const strictAjv = () => new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false });

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: object }[];
  requestBody?: { content: { 'application/json': { schema: { $ref: string } } } };
  responses: Record<string, unknown>;
}

let central: CentralHarness;
let document: any;

beforeAll(async () => {
  central = await startCentral();
  const answer = await fetch(`${central.url}/api/docs/openapi.json`);
  expect(answer.status).toBe(200);
  document = await answer.json();
});

afterAll(async () => {
  await central.close();
});

/** `METHOD /path/{param}` of every route the HTTP server really serves, from Express's router. */
function servedRoutes(): string[] {
  const express = central.app.getHttpAdapter().getInstance();
  const layers = express.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[];
  return layers.flatMap(({ route }) =>
    route === undefined
      ? []
      : Object.keys(route.methods).map((method) => `${method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
  );
}

function documentedOperations(): { route: string; path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ route: `${method} ${path}`, path, method, operation })),
  );
}

/** A request path with every `{param}` filled in. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'insee' ? '02691' : name === 'id' ? '1' : 'x'));
}

describe('central OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with paths, components and a bearer session scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(Object.keys(document.paths as object).length).toBeGreaterThan(20);
    expect(document.components.securitySchemes.session).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(document.security).toEqual([{ session: [] }]);
    for (const { route, method, operation } of documentedOperations()) {
      expect(METHODS).toContain(method);
      expect({ route, summary: typeof (operation as any).summary }).toEqual({ route, summary: 'string' });
      expect({ route, statuses: Object.keys(operation.responses).length > 0 }).toEqual({ route, statuses: true });
    }
  });

  it('lists every route the server serves, and no other', () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(20);
    const documented = documentedOperations().map(({ route }) => route);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('holds request schemas that are valid JSON Schema (draft 2020-12)', () => {
    const ajv = strictAjv();
    const schemas = Object.entries(document.components.schemas as Record<string, object>);
    expect(schemas.map(([name]) => name)).toEqual(expect.arrayContaining(['LoginBody', 'LintBody', 'PreviewBody']));
    for (const [name, schema] of schemas) {
      expect({ name, valid: ajv.validateSchema(schema) }).toEqual({ name, valid: true });
      ajv.compile(schema);
    }
  });

  it('declares every path parameter, and every $ref resolves', () => {
    for (const { route, path, operation } of documentedOperations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect({ route, declared }).toEqual({ route, declared: inPath });
    }
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [, , section, name] = (JSON.parse(`{${ref}}`) as { $ref: string }).$ref.split('/');
      expect({ ref, found: document.components[section!]?.[name!] !== undefined }).toEqual({ ref, found: true });
    }
  });

  it('says which routes are public, and the others answer 401 without a session', async () => {
    const publicRoutes: string[] = [];
    for (const { route, path, method, operation } of documentedOperations()) {
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (isPublic) publicRoutes.push(route);
      if (!isPublic) expect({ route, has401: '401' in operation.responses }).toEqual({ route, has401: true });
      const answer = await fetch(`${central.url}${concrete(path)}`, {
        method: method.toUpperCase(),
        headers: { 'content-type': 'application/json' },
        ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
      });
      await answer.body?.cancel();
      expect({ route, unauthenticated: answer.status === 401 }).toEqual({ route, unauthenticated: !isPublic });
    }
    expect(publicRoutes.sort()).toEqual([
      'get /api/docs',
      'get /api/docs/openapi.json',
      'get /api/field-keys',
      'get /health',
      'post /api/auth/login',
      'post /api/enrolment',
    ]);
  });

  it("gives a request body the JSON Schema of the route's zod schema: the same samples pass and fail", async () => {
    const ajv = strictAjv();
    const bodySchema = (route: string) => {
      const { operation } = documentedOperations().find((candidate) => candidate.route === route)!;
      const name = operation.requestBody!.content['application/json'].schema.$ref.split('/').pop()!;
      return ajv.compile(document.components.schemas[name]);
    };
    const agree = (route: string, zodSchema: z.ZodType, samples: unknown[]) => {
      const validate = bodySchema(route);
      for (const sample of samples) {
        expect({ sample, accepted: validate(sample) }).toEqual({
          sample,
          accepted: zodSchema.safeParse(sample).success,
        });
      }
    };
    const loginSamples = [
      { login: 'agent@02691', password: 'secret' },
      { login: 'agent@02691' },
      { login: '', password: 'secret' },
      { login: 'agent@02691', password: 42 },
      { login: 'agent@02691', password: 'secret', remember: true },
      'agent@02691',
    ];
    agree('post /api/auth/login', loginBody, loginSamples);
    agree('post /api/gateways/{id}/commands', commandRequestSchema, [
      { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true },
      {
        action: 'override-until',
        pointKey: 'cabinet:circuit.1.command',
        value: true,
        until: '2027-01-01T02:00:00+01:00',
      },
      { action: 'override-until', pointKey: 'cabinet:circuit.1.command', value: true },
      { action: 'release', pointKey: 'cabinet:circuit.1.command', value: true },
      { action: 'explode', pointKey: 'cabinet:circuit.1.command' },
      { action: 'switch', pointKey: 'no-colon', value: true },
    ]);
    const site = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };
    const points = [
      { sun: 'sunset', offsetMinutes: 15, value: true },
      { at: '23:00', value: false },
    ];
    const schedule = { calendar: { defaultProgrammeId: 'nuit', rules: [] }, programmes: { nuit: { points } } };
    const night = { kind: 'lighting', schedule, site, from: '2027-01-04', to: '2027-01-05T12:00:00+01:00' };
    agree('post /api/schedules/preview', previewBody, [
      night,
      { ...night, site: { ...site, latitude: 123 } },
      { ...night, kind: 'sprinklers' },
      { ...night, to: undefined },
      { ...night, from: 'tomorrow' },
      { ...night, schedule: { ...schedule, calendar: { defaultProgrammeId: 'nuit', rules: [{ kind: 'easter' }] } } },
    ]);
    agree('post /api/communes', addCommunesBody, [
      { insee: ['02691', '2A004'] },
      { insee: [] },
      { department: '974' },
      { department: '100' },
      { insee: ['02691'], department: '02' },
    ]);

    // The route itself refuses exactly what the document refuses (a refused body is a 400, a wrong password a 401).
    const validate = bodySchema('post /api/auth/login');
    for (const sample of loginSamples) {
      const { status } = await central.api(undefined, 'POST', '/api/auth/login', sample);
      expect({ sample, status }).toEqual({ sample, status: validate(sample) ? 401 : 400 });
    }
  });

  it('describes the error answers as they are', async () => {
    const validate = strictAjv().compile(document.components.schemas.Error);
    const refused = await central.api(undefined, 'POST', '/api/auth/login', { login: 'x' });
    expect(refused.status).toBe(400);
    expect(validate(refused.body)).toBe(true);
    const unauthenticated = await central.api(undefined, 'GET', '/api/gateways');
    expect(validate(unauthenticated.body)).toBe(true);
    expect(validate({ code: 'OOPS', message: 'x', problems: [] })).toBe(false);
  });

  it('serves a readable page of every route, without a session and without fetching anything', async () => {
    const answer = await fetch(`${central.url}/api/docs`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await answer.text();
    expect(page).not.toMatch(/<script|<link|src=/);
    for (const { path, operation } of documentedOperations()) {
      expect(page).toContain(`<code>${path}</code>`);
      expect(page).toContain(`id="op-${operation.operationId}"`);
    }
    expect(page).toContain('&#34;login&#34;: {');
  });
});
