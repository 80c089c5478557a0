import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type DocumentProblem, problemsFromIssues } from '@beffroi/domain';
import { type ErrorAnswer, expressRoutes, frameworkErrorAnswer, requestIssueMessage } from '@beffroi/runtime';
import type { Request, Response } from 'express';
import type { z } from 'zod';

export enum GatewayExceptionCode {
  UnknownPoint = 'UNKNOWN_POINT',
  UnknownEquipment = 'UNKNOWN_EQUIPMENT',
  NotWritable = 'NOT_WRITABLE',
  InvalidRequest = 'INVALID_REQUEST',
  /** A value the point can never take (type, range, allowed values of its profile). */
  InvalidValue = 'INVALID_VALUE',
  /** A field engineer holds the maintenance lock-out (consignation): remote commands are refused. */
  LockedOut = 'LOCKED_OUT',
  /** The clock cannot be set (it is the system clock). */
  ClockNotAdjustable = 'CLOCK_NOT_ADJUSTABLE',
}

export class GatewayException extends Error {
  constructor(
    readonly code: GatewayExceptionCode,
    message: string,
    readonly problems: readonly DocumentProblem[] = [],
  ) {
    super(message);
    this.name = 'GatewayException';
  }
}

function statusOf(code: GatewayExceptionCode): HttpStatus {
  switch (code) {
    case GatewayExceptionCode.UnknownPoint:
    case GatewayExceptionCode.UnknownEquipment:
      return HttpStatus.NOT_FOUND;
    case GatewayExceptionCode.NotWritable:
    case GatewayExceptionCode.LockedOut:
    case GatewayExceptionCode.ClockNotAdjustable:
      return HttpStatus.CONFLICT;
    case GatewayExceptionCode.InvalidRequest:
    case GatewayExceptionCode.InvalidValue:
      return HttpStatus.BAD_REQUEST;
  }
}

/**
 * The gateway's one exception filter (registered with `APP_FILTER`): every error of the local API — the gateway's
 * own, a route that does not exist, a method a path does not accept, a body that is not JSON or too large, anything
 * unexpected — answers `{code, message, problems}`, in the project's words. Bodies are never quoted back.
 */
@Catch()
@Injectable()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(GatewayExceptionFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const answer: ErrorAnswer =
      exception instanceof GatewayException
        ? {
            status: statusOf(exception.code),
            code: exception.code,
            message: exception.message,
            problems: exception.problems,
          }
        : frameworkErrorAnswer(exception, request, expressRoutes(this.adapterHost.httpAdapter.getInstance<unknown>()));
    if (answer.status >= 500) {
      this.logger.error(
        `${request.method} ${request.path}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    const response = http.getResponse<Response>();
    if (answer.allow !== undefined) response.setHeader('Allow', answer.allow.join(', '));
    response.status(answer.status).json({ code: answer.code, message: answer.message, problems: answer.problems });
  }
}

/** Parses a request part with its schema; a mismatch is a 400 whose problems name each field in the project's words. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { error: requestIssueMessage });
  if (!result.success) {
    throw new GatewayException(
      GatewayExceptionCode.InvalidRequest,
      `invalid ${what}`,
      problemsFromIssues(result.error.issues, input),
    );
  }
  return result.data;
}
