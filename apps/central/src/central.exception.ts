import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type DocumentProblem, problemsFromIssues } from '@beffroi/domain';
import { answerError, type ErrorAnswer, isSecretPath, requestIssueMessage } from '@beffroi/runtime';
import type { z } from 'zod';

export enum CentralExceptionCode {
  InvalidRequest = 'INVALID_REQUEST',
  /** No session, or an expired or ended one. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The caller's role may not do this. */
  Forbidden = 'FORBIDDEN',
  /** No such thing — or one of another tenant than the caller's, answered exactly alike. */
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
      return HttpStatus.FORBIDDEN;
    case CentralExceptionCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case CentralExceptionCode.Conflict:
      return HttpStatus.CONFLICT;
    case CentralExceptionCode.TooManyAttempts:
      return HttpStatus.TOO_MANY_REQUESTS;
  }
}

function answerOf(exception: unknown): ErrorAnswer | undefined {
  if (!(exception instanceof CentralException)) return undefined;
  return {
    status: statusOf(exception.code),
    code: exception.code,
    message: exception.message,
    problems: exception.problems,
    ...(exception.retryAfter === undefined ? {} : { retryAfter: exception.retryAfter }),
  };
}

/**
 * Central's one exception filter (registered with `APP_FILTER`): every error of the HTTP API — central's own, a
 * route that does not exist, a method a path does not accept, a body that is not JSON or too large, anything
 * unexpected — answers `{code, message, problems}`, in the project's words. Bodies are never quoted back.
 */
@Catch()
@Injectable()
export class CentralExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(CentralExceptionFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    answerError(exception, host, answerOf, this.adapterHost.httpAdapter.getInstance<unknown>(), this.logger);
  }
}

/**
 * Parses a request part with its schema; a mismatch is a 400 whose problems name each field in the project's words.
 * The value of a secret field (a password, a code) is never repeated in a problem.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { error: requestIssueMessage });
  if (!result.success) {
    const issues = result.error.issues;
    const problems = problemsFromIssues(issues, input).map((problem, index) => {
      const issue = issues[index];
      return issue !== undefined && isSecretPath(issue.path) ? { path: problem.path, message: issue.message } : problem;
    });
    const first = problems[0];
    const summary = first === undefined ? '' : `: ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
    throw new CentralException(CentralExceptionCode.InvalidRequest, `invalid ${what}${summary}`, problems);
  }
  return result.data;
}
