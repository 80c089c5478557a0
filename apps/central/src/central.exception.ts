import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { type DocumentProblem, problemsFromIssues } from '@beffroi/domain';
import type { Response } from 'express';
import type { z } from 'zod';

export enum CentralExceptionCode {
  InvalidRequest = 'INVALID_REQUEST',
  /** No session, or an expired or ended one. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The caller's role may not do this. */
  Forbidden = 'FORBIDDEN',
  /** The thing exists but belongs to another tenant than the caller's. */
  OutOfScope = 'OUT_OF_SCOPE',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  /** An enrolment code that is unknown, used or expired. */
  BadEnrolmentCode = 'BAD_ENROLMENT_CODE',
  /** Too many failed logins: wait `retryAfter` seconds. */
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
}

export class CentralException extends Error {
  constructor(
    readonly code: CentralExceptionCode,
    message: string,
    readonly problems: readonly DocumentProblem[] = [],
    /** Seconds to wait before trying again (`Retry-After`), for {@link CentralExceptionCode.TooManyAttempts}. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'CentralException';
  }
}

function statusOf(code: CentralExceptionCode): HttpStatus {
  switch (code) {
    case CentralExceptionCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case CentralExceptionCode.Unauthenticated:
    case CentralExceptionCode.BadEnrolmentCode:
      return HttpStatus.UNAUTHORIZED;
    case CentralExceptionCode.Forbidden:
    case CentralExceptionCode.OutOfScope:
      return HttpStatus.FORBIDDEN;
    case CentralExceptionCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case CentralExceptionCode.Conflict:
      return HttpStatus.CONFLICT;
    case CentralExceptionCode.TooManyAttempts:
      return HttpStatus.TOO_MANY_REQUESTS;
  }
}

/** Maps central's errors to HTTP answers that say what is wrong (and, for a bad body, which field). */
@Catch(CentralException)
export class CentralExceptionFilter implements ExceptionFilter<CentralException> {
  catch(exception: CentralException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception.retryAfter !== undefined) response.setHeader('Retry-After', String(exception.retryAfter));
    response
      .status(statusOf(exception.code))
      .json({ code: exception.code, message: exception.message, problems: exception.problems });
  }
}

/** Parses a request part with its schema; a mismatch is a 400 whose problems name each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = problemsFromIssues(result.error.issues, input);
    const first = problems[0];
    const summary = first === undefined ? '' : `: ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
    throw new CentralException(CentralExceptionCode.InvalidRequest, `invalid ${what}${summary}`, problems);
  }
  return result.data;
}
