import { type ArgumentsHost, HttpException, HttpStatus, type Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { z } from 'zod';

/** One problem of a request: where (a field path, empty for the whole part) and what is wrong. */
export interface RequestProblem {
  path: string;
  message: string;
}

/** What every 4xx and 5xx of an app's HTTP API answers, whatever raised it. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  problems: readonly RequestProblem[];
  /** For 405: the methods the path accepts (the `Allow` header). */
  allow?: readonly string[];
  /** For 429: the seconds to wait before trying again (the `Retry-After` header). */
  retryAfter?: number;
}

/**
 * What an app's one exception filter does with any error: its own exceptions answered as `own` maps them (undefined
 * for anything else), the framework's as {@link frameworkErrorAnswer} says; a 5xx is logged with its stack, never
 * answered with it. Every answer is `{code, message, problems}`.
 */
export function answerError(
  exception: unknown,
  host: ArgumentsHost,
  own: (exception: unknown) => ErrorAnswer | undefined,
  app: unknown,
  logger: Logger,
): void {
  const http = host.switchToHttp();
  const request = http.getRequest<Request>();
  const answer = own(exception) ?? frameworkErrorAnswer(exception, request, expressRoutes(app));
  if (answer.status >= 500) {
    logger.error(
      `${request.method} ${request.path}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
  }
  const response = http.getResponse<Response>();
  if (answer.allow !== undefined) response.setHeader('Allow', answer.allow.join(', '));
  if (answer.retryAfter !== undefined) response.setHeader('Retry-After', String(answer.retryAfter));
  response.status(answer.status).json({ code: answer.code, message: answer.message, problems: answer.problems });
}

/** A route the HTTP server serves: its method and its path pattern (`/api/gateways/:id`). */
export interface ServedRoute {
  method: string;
  path: string;
}

/** Fields whose value is never repeated in an answer: a rejected password or code is a secret all the same. */
const SECRET_FIELDS = new Set(['password', 'code', 'credential', 'token']);

/** True when the last segment of an issue path names a secret field. */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  const last = path.at(-1);
  return typeof last === 'string' && SECRET_FIELDS.has(last);
}

/**
 * zod's messages for the checks a schema left without its own, in the project's words (`expected …`), so that a
 * request problem never shows zod's text. Pass it as `schema.safeParse(input, { error: requestIssueMessage })`.
 */
export function requestIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string'
        ? `expected at least ${String(issue.minimum)} character${issue.minimum === 1 ? '' : 's'}`
        : issue.origin === 'array'
          ? `expected at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`
          : `expected a number ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `expected at most ${String(issue.maximum)} characters`
        : issue.origin === 'array'
          ? `expected at most ${String(issue.maximum)} items`
          : `expected a number ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? 'text in the documented form' : `a ${issue.format}`}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'expected one of the documented forms';
    case 'unrecognized_keys':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return undefined;
  }
}

/**
 * The answer for an error the framework raised before any controller ran: no route (404), a route served for other
 * methods (405), a body that is not JSON (400), too large (413) or in an unsupported encoding (415). Anything else is
 * a 500 whose detail goes to the log only. Bodies are never quoted back (they may hold a password).
 */
export function frameworkErrorAnswer(
  exception: unknown,
  request: { method: string; path: string },
  routes: readonly ServedRoute[],
): ErrorAnswer {
  // Nest wraps what Express and body-parser throw in an HttpException whose cause is the original error.
  const cause = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
  const bodyError = bodyParserError(cause);
  if (bodyError !== undefined) return bodyError;
  if (cause instanceof URIError) {
    return {
      status: HttpStatus.BAD_REQUEST,
      code: 'INVALID_REQUEST',
      message: `invalid path ${request.path}: malformed percent-encoding`,
      problems: [],
    };
  }
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    const allow = [
      ...new Set(routes.filter((route) => matches(route.path, request.path)).map((r) => r.method.toUpperCase())),
    ];
    if (allow.length > 0) {
      return {
        status: HttpStatus.METHOD_NOT_ALLOWED,
        code: 'METHOD_NOT_ALLOWED',
        message: `${request.method} is not accepted on ${request.path}; it accepts ${allow.join(', ')}`,
        problems: [],
        allow,
      };
    }
    return {
      status: HttpStatus.NOT_FOUND,
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.path}`,
      problems: [],
    };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    return { status, code: codeOfStatus(status), message: `request refused (HTTP ${status})`, problems: [] };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error', problems: [] };
}

interface BodyParserError {
  type: string;
  status?: number;
  length?: number;
  limit?: number;
  encoding?: string;
  charset?: string;
}

function isBodyParserError(exception: unknown): exception is BodyParserError {
  return (
    typeof exception === 'object' &&
    exception !== null &&
    typeof (exception as { type?: unknown }).type === 'string' &&
    ((exception as { type: string }).type.startsWith('entity.') ||
      (exception as { type: string }).type.endsWith('.unsupported') ||
      (exception as { type: string }).type === 'request.aborted')
  );
}

function bodyParserError(exception: unknown): ErrorAnswer | undefined {
  if (!isBodyParserError(exception)) return undefined;
  switch (exception.type) {
    case 'entity.parse.failed':
      return {
        status: HttpStatus.BAD_REQUEST,
        code: 'INVALID_REQUEST',
        message: 'invalid body: not valid JSON',
        problems: [{ path: '', message: 'expected a JSON document (check quotes, commas and brackets)' }],
      };
    case 'entity.too.large':
      return {
        status: HttpStatus.PAYLOAD_TOO_LARGE,
        code: 'PAYLOAD_TOO_LARGE',
        message: `body of ${String(exception.length ?? '?')} bytes exceeds the limit of ${String(exception.limit ?? '?')} bytes`,
        problems: [],
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `unsupported body ${exception.type === 'charset.unsupported' ? `charset ${exception.charset ?? ''}` : `encoding ${exception.encoding ?? ''}`}: send UTF-8 JSON`,
        problems: [],
      };
    default:
      return {
        status: exception.status ?? HttpStatus.BAD_REQUEST,
        code: 'INVALID_REQUEST',
        message: 'invalid body: it could not be read',
        problems: [],
      };
  }
}

function codeOfStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 409:
      return 'CONFLICT';
    default:
      return 'REQUEST_REFUSED';
  }
}

/** Whether a concrete path matches an Express route pattern (`:name` segments match any one segment). */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((segment, i) => segment.startsWith(':') || segment === got[i]);
}

/** The routes an Express app serves, from its router (for 405 answers). */
export function expressRoutes(app: unknown): ServedRoute[] {
  const router = (app as { router?: { stack?: { route?: { path: string; methods: Record<string, boolean> } }[] } })
    .router;
  return (router?.stack ?? []).flatMap(({ route }) =>
    route === undefined ? [] : Object.keys(route.methods).map((method) => ({ method, path: route.path })),
  );
}
