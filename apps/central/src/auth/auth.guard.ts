import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { AuthService } from './auth.service';
import type { Caller } from './caller';

const PUBLIC = 'beffroi:public';

/** A route anyone may call (health, login, enrolment, API docs). Every other route needs a session. */
export const Public = () => SetMetadata(PUBLIC, true);

type RouteTarget = Parameters<Reflector['get']>[1];

/** Whether a route handler, or its whole controller, is @Public(). */
export function isPublic(reflector: Reflector, handler: RouteTarget, controller: RouteTarget): boolean {
  return reflector.getAllAndOverride<boolean | undefined>(PUBLIC, [handler, controller]) === true;
}

interface AuthenticatedRequest extends Request {
  caller?: Caller;
  token?: string;
}

/**
 * The bearer token of a request: the `Authorization` header, or the `access_token` query parameter for the one
 * place a browser cannot set headers (EventSource, for live updates).
 */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const query = request.query.access_token;
  return typeof query === 'string' && request.path === '/api/events' ? query : undefined;
}

/** Every route checks its caller's session, unless it is @Public(). Scope checks are the services' job. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context.getHandler(), context.getClass())) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (token === undefined) {
      throw new CentralException(
        CentralExceptionCode.Unauthenticated,
        'missing "Authorization: Bearer <token>" header: log in with POST /api/auth/login',
      );
    }
    request.caller = await this.auth.authenticate(token);
    request.token = token;
    return true;
  }
}

/** The authenticated caller of the request (set by {@link AuthGuard}). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (caller === undefined) throw new CentralException(CentralExceptionCode.Unauthenticated, 'not logged in');
  return caller;
});

/** The session token of the request (for logout). */
export const CurrentToken = createParamDecorator(
  (_: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().token ?? '',
);
