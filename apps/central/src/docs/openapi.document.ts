import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, SSE_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import { z } from 'zod';
import { isPublic } from '../auth/auth.guard';
import { CentralExceptionCode } from '../central.exception';
import { API_DOC, API_TAGS, type ApiDocOptions, type ApiError, type ApiTag } from './api-doc.decorator';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';
type Reference = { readonly $ref: string };
type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema | Reference }>>;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly tags: readonly ApiTag[];
  readonly summary: string;
  readonly description?: string;
  /** `[]` for a public route; absent for the document's default (a session). */
  readonly security?: readonly SecurityRequirement[];
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required: true;
    readonly content: { readonly 'application/json': { readonly schema: Reference } };
  };
  readonly responses: Readonly<Record<string, OpenApiResponse | Reference>>;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly jsonSchemaDialect: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly tags: readonly { readonly name: ApiTag; readonly description: string }[];
  readonly security: readonly SecurityRequirement[];
  readonly paths: Readonly<Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly responses: Readonly<Record<string, OpenApiResponse>>;
    readonly securitySchemes: Readonly<Record<string, JsonSchema>>;
  };
}

/** The body of every error answer (see central.exception.ts). */
export const errorBody = z.object({
  code: z.enum(CentralExceptionCode),
  message: z.string().describe('What is wrong, for a person; for a bad input, the first problem.'),
  problems: z
    .array(
      z.object({
        path: z.string().describe('The field at fault, e.g. "pointKey" or "schedule.calendar.rules[0].zone".'),
        message: z.string(),
      }),
    )
    .describe('Every problem of a bad input (empty for other errors).'),
});

const SESSION = 'session';
const SESSION_IN_QUERY = 'sessionInQuery';

/** Reusable error answers. */
const ERROR_RESPONSES = {
  invalidRequest: { status: 400, name: 'InvalidRequest', description: 'INVALID_REQUEST: a field is missing or wrong.' },
  unauthenticated: {
    status: 401,
    name: 'Unauthenticated',
    description: 'UNAUTHENTICATED: no session, or an expired or ended one.',
  },
  badEnrolmentCode: {
    status: 401,
    name: 'BadEnrolmentCode',
    description: 'BAD_ENROLMENT_CODE: the enrolment code is unknown, used or expired.',
  },
  forbidden: {
    status: 403,
    name: 'Forbidden',
    description: "FORBIDDEN: the caller's role may not do this.",
  },
  notFound: {
    status: 404,
    name: 'NotFound',
    description: "NOT_FOUND: no such thing, or none within the caller's tenant.",
  },
  conflict: { status: 409, name: 'Conflict', description: 'CONFLICT: it exists already or has changed.' },
  tooManyAttempts: {
    status: 429,
    name: 'TooManyAttempts',
    description: 'TOO_MANY_ATTEMPTS: too many failed logins; the `Retry-After` header says how many seconds to wait.',
  },
} as const satisfies Record<ApiError, unknown>;

const DESCRIPTION =
  'REST API of the Beffroi central server. Every route needs a session (`Authorization: Bearer <token>` from ' +
  '`POST /api/auth/login`) unless it is marked public. Errors answer `{code, message, problems}`; a bad input ' +
  "answers 400 with each problem's field path. Gateways also speak to central over a WebSocket at `/api/sync` " +
  '(the sync protocol of libs/sync), which is not a REST route.';

/**
 * The OpenAPI 3.1 document of the routes of `controllers` that carry {@link ApiDoc}, in controller and method
 * order. Method, path, success status and public access are read from the routes themselves; request schemas are
 * the zod schemas the routes validate with, as JSON Schema (draft 2020-12) of what they accept.
 */
export function openApiDocument(controllers: readonly Type[]): OpenApiDocument {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>> = {};
  const schemas: Record<string, JsonSchema> = { Error: jsonSchemaOf(errorBody) };
  const operationIds = new Set<string>();
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const doc = reflector.get<ApiDocOptions | undefined>(API_DOC, handler);
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (doc === undefined || method === undefined) continue;
      if (operationIds.has(name)) {
        throw new Error(`two documented routes are named ${name}: an OpenAPI operationId must be unique`);
      }
      operationIds.add(name);
      const path = openApiPath(
        Reflect.getMetadata(PATH_METADATA, controller) as string | undefined,
        Reflect.getMetadata(PATH_METADATA, handler) as string | undefined,
      );
      const route: Route = {
        operationId: name,
        method: httpMethodOf(method),
        path,
        doc,
        isPublic: isPublic(reflector, handler, controller),
        status: (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? defaultStatus(method),
        sse: Reflect.getMetadata(SSE_METADATA, handler) === true,
      };
      if (doc.body !== undefined) schemas[bodySchemaName(name)] = jsonSchemaOf(doc.body);
      (paths[path] ??= {})[route.method] = operationOf(route);
    }
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { title: 'Beffroi central', version: '1', description: DESCRIPTION },
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name: name as ApiTag, description })),
    security: [{ [SESSION]: [] }],
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description }) => [
          name,
          { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
      ),
      securitySchemes: {
        [SESSION]: {
          type: 'http',
          scheme: 'bearer',
          description: 'The session token answered by POST /api/auth/login.',
        },
        [SESSION_IN_QUERY]: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'The session token as a query parameter, where a browser cannot set headers (EventSource).',
        },
      },
    },
  };
}

interface Route {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly doc: ApiDocOptions;
  readonly isPublic: boolean;
  readonly status: number;
  readonly sse: boolean;
}

function operationOf(route: Route): OpenApiOperation {
  const { doc } = route;
  const parameters = [...pathParameters(route), ...queryParameters(doc.query)];
  const validates =
    doc.body !== undefined ||
    doc.query !== undefined ||
    parameters.some((p) => p.in === 'path' && hasSchema(doc, p.name));
  const errors: ApiError[] = [
    ...(validates ? (['invalidRequest'] as const) : []),
    ...(route.isPublic ? [] : (['unauthenticated'] as const)),
    ...(doc.errors ?? []),
  ];
  const security: readonly SecurityRequirement[] | undefined = route.isPublic
    ? []
    : doc.tokenInQuery === true
      ? [{ [SESSION]: [] }, { [SESSION_IN_QUERY]: [] }]
      : undefined;
  return {
    operationId: route.operationId,
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    ...(security === undefined ? {} : { security }),
    parameters,
    ...(doc.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: `#/components/schemas/${bodySchemaName(route.operationId)}` } },
            },
          },
        }),
    responses: {
      [String(route.status)]: successResponse(route),
      ...Object.fromEntries(
        errors.map((error) => {
          const { status, name } = ERROR_RESPONSES[error];
          return [String(status), { $ref: `#/components/responses/${name}` }];
        }),
      ),
    },
  };
}

function successResponse(route: Route): OpenApiResponse {
  const { doc } = route;
  if (route.status === 204) return { description: doc.returns };
  const mediaType = route.sse ? 'text/event-stream' : (doc.produces ?? 'application/json');
  const schema = doc.response === undefined ? {} : { schema: jsonSchemaOf(doc.response, 'output') };
  return { description: doc.returns, content: { [mediaType]: schema } };
}

function hasSchema(doc: ApiDocOptions, name: string): boolean {
  return doc.params?.[name]?.schema !== undefined;
}

function pathParameters(route: Route): OpenApiParameter[] {
  return [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name = '']) => {
    const param = route.doc.params?.[name];
    return {
      name,
      in: 'path',
      required: true,
      ...(param === undefined ? {} : { description: param.description }),
      schema: param?.schema === undefined ? { type: 'string' } : jsonSchemaOf(param.schema),
    };
  });
}

function queryParameters(query: z.ZodObject | undefined): OpenApiParameter[] {
  if (query === undefined) return [];
  const schema = jsonSchemaOf(query);
  const required = (schema.required ?? []) as string[];
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: property,
  }));
}

/**
 * What a request may carry to pass `schema` (or, with `output`, what an answer holds), without the `$schema` line
 * (the document names its dialect).
 */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const json: JsonSchema = { ...z.toJSONSchema(schema, { io }) };
  delete json.$schema;
  return json;
}

function bodySchemaName(operationId: string): string {
  return `${operationId.charAt(0).toUpperCase()}${operationId.slice(1)}Body`;
}

/** `/api/gateways/{id}` from a controller path `api` and a route path `gateways/:id`. */
function openApiPath(...parts: (string | undefined)[]): string {
  const segments = parts.flatMap((part) => (part ?? '').split('/')).filter((segment) => segment !== '');
  return `/${segments.map((segment) => segment.replace(/^:(\w+)$/, '{$1}')).join('/')}`;
}

function defaultStatus(method: RequestMethod): number {
  return method === RequestMethod.POST ? 201 : 200;
}

const HTTP_METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.HEAD]: 'head',
  [RequestMethod.OPTIONS]: 'options',
};

function httpMethodOf(method: RequestMethod): HttpMethod {
  const httpMethod = HTTP_METHODS[method];
  if (httpMethod === undefined) throw new Error(`a ${RequestMethod[method]} route cannot be described in OpenAPI`);
  return httpMethod;
}
