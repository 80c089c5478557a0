import { type CanActivate, type ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FieldTokenClaims, FieldTokenRefusal, verifyFieldToken } from '@beffroi/runtime';
import type { Request } from 'express';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { FieldKeyStore } from './field-key.store';
import { LocalCredential } from './local-credential';

const PUBLIC = 'beffroi:public';
const OWNER_IS_CALLER = 'beffroi:owner-is-caller';

/** A route anyone may call (`GET /health`). Every other route of the local API needs a credential. */
export const Public = () => SetMetadata(PUBLIC, true);

/**
 * A route whose body or query names who acts (`owner` of an override or lock-out, `by` of a forced lift): for a person
 * with a field token that is their login — filled in when a body leaves `owner` out, refused when it names someone
 * else.
 */
export const OwnerIsCaller = () => SetMetadata(OWNER_IS_CALLER, true);

/** The central roles a field token may carry that act on the local API; `read-only` only reads it. */
const ACTING_ROLES: readonly string[] = ['syndicate-admin', 'commune-staff', 'field-engineer'];
const READING_ROLES: readonly string[] = [...ACTING_ROLES, 'read-only'];
const READ_METHODS: readonly string[] = ['GET', 'HEAD'];

/** Who calls the local API: the local credential, or a person by a field token. */
export interface LocalCaller {
  readonly login: string;
  readonly role: string;
  readonly via: 'local-credential' | 'field-token';
}

type RouteTarget = Parameters<Reflector['get']>[1];

const CALLERS = new WeakMap<Request, LocalCaller>();

/** Who made this request, as the guard authenticated it (undefined on a @Public() route). */
export function callerOf(request: Request): LocalCaller | undefined {
  return CALLERS.get(request);
}

/**
 * Every request to the local API, in this order: a foreign `Origin` is refused (a page of another site), a body that
 * is not JSON is refused (a form post), then — unless the route is @Public() — the caller must give the local
 * credential (`Authorization: Basic`, user `local`) or a field token (`Authorization: Bearer`) that central signed
 * for this gateway, still valid, whose role may do this (read-only: GET only). Field tokens are checked offline with
 * the key received at enrolment. Every action is logged with the caller's login.
 */
@Injectable()
export class LocalAccessGuard implements CanActivate {
  private readonly logger = new Logger('LocalAccess');

  constructor(
    private readonly reflector: Reflector,
    private readonly loaded: LoadedGatewayConfig,
    private readonly credential: LocalCredential,
    private readonly keys: FieldKeyStore,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    refuseForeignOrigin(request);
    refuseNonJsonBody(request);
    const targets: RouteTarget[] = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC, targets) === true) return true;
    const caller = this.authenticate(request);
    CALLERS.set(request, caller);
    const acts = caller.via === 'local-credential' || ACTING_ROLES.includes(caller.role);
    if (!acts && !READ_METHODS.includes(request.method)) {
      throw new GatewayException(
        GatewayExceptionCode.Forbidden,
        `${caller.login} (${caller.role}) may read the local API, not act on it`,
      );
    }
    if (this.reflector.getAllAndOverride<boolean | undefined>(OWNER_IS_CALLER, targets) === true) {
      ownerIsCaller(request, caller);
    }
    if (!READ_METHODS.includes(request.method)) {
      this.logger.log(`${request.method} ${request.path} by ${caller.login} (${caller.role}, ${caller.via})`);
    }
    return true;
  }

  private authenticate(request: Request): LocalCaller {
    const header = request.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ', 2);
    if (scheme === 'Basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0 && decoded.slice(0, colon) === 'local' && this.credential.accepts(decoded.slice(colon + 1))) {
        return { login: 'local', role: 'local', via: 'local-credential' };
      }
      throw new GatewayException(GatewayExceptionCode.Unauthenticated, 'wrong local credential (user local)');
    }
    if (scheme === 'Bearer') return this.fieldCaller(value.trim());
    throw new GatewayException(
      GatewayExceptionCode.Unauthenticated,
      'missing credential: send a field token from central ("Authorization: Bearer <token>") ' +
        'or the local credential ("Authorization: Basic", user local)',
    );
  }

  private fieldCaller(token: string): LocalCaller {
    let claims: FieldTokenClaims;
    try {
      claims = verifyFieldToken(token, this.keys.keys(), Math.floor(Date.now() / 1000));
    } catch (error) {
      if (!(error instanceof FieldTokenRefusal)) throw error;
      throw new GatewayException(GatewayExceptionCode.Unauthenticated, error.message);
    }
    const { gateway, commune } = this.loaded.config;
    if (claims.gatewayId !== gateway.id || claims.communeInsee !== commune.insee) {
      throw new GatewayException(
        GatewayExceptionCode.Forbidden,
        `token for gateway ${claims.gatewayId} of commune ${claims.communeInsee}; ` +
          `this is gateway ${gateway.id} of commune ${commune.insee}`,
      );
    }
    if (!READING_ROLES.includes(claims.role)) {
      throw new GatewayException(GatewayExceptionCode.Forbidden, `role ${claims.role} has no access to the local API`);
    }
    return { login: claims.login, role: claims.role, via: 'field-token' };
  }
}

function refuseForeignOrigin(request: Request): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = `${request.protocol}://${request.headers.host ?? ''}`;
  if (origin !== own) {
    throw new GatewayException(
      GatewayExceptionCode.ForeignOrigin,
      `requests from web pages of other sites (Origin ${origin}) are refused`,
    );
  }
}

function refuseNonJsonBody(request: Request): void {
  const length = request.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (hasBody && type !== 'application/json') {
    throw new GatewayException(
      GatewayExceptionCode.NotJson,
      `expected a JSON body (content-type: application/json), not ${type === '' ? 'no content type' : type}`,
    );
  }
}

function ownerIsCaller(request: Request, caller: LocalCaller): void {
  if (caller.via !== 'field-token') return;
  const refuse = (path: string) =>
    new GatewayException(GatewayExceptionCode.InvalidRequest, `invalid ${path}`, [
      { path, message: `a field token acts as ${caller.login}: leave ${path} out or give ${caller.login}` },
    ]);
  const query = request.query as Record<string, unknown>;
  for (const name of ['owner', 'by']) {
    if (query[name] !== undefined && query[name] !== caller.login) throw refuse(name);
  }
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const fields = body as Record<string, unknown>;
  if (fields.owner === undefined) fields.owner = caller.login;
  else if (fields.owner !== caller.login) throw refuse('owner');
}
