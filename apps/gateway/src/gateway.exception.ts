import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type DocumentProblem, problemsFromIssues } from '@beffroi/domain';
import { answerError, type ErrorAnswer, requestIssueMessage } from '@beffroi/runtime';
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
  /** No credential, or one the gateway does not accept (local credential, field token): docs/security.md. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** A valid credential whose role may not do this, or a field token for another gateway. */
  Forbidden = 'FORBIDDEN',
  /** A request sent from a web page of another site (its `Origin` is not the gateway's). */
  ForeignOrigin = 'FOREIGN_ORIGIN',
  /** A body that is not JSON (a form post). */
  NotJson = 'NOT_JSON',
  /** A commissioning scan the gateway does not keep (unknown, or older than the last ten). */
  UnknownScan = 'UNKNOWN_SCAN',
  /** A scan already runs on that serial port or endpoint. */
  ScanRunning = 'SCAN_RUNNING',
  /** The serial port or endpoint is a bus the gateway polls: scanning it would disturb its polling. */
  BusPolled = 'BUS_POLLED',
  /** Commissioning: the live check of the device found points in error or implausible (bind with `force`). */
  LiveCheckFailed = 'LIVE_CHECK_FAILED',
  /** Commissioning: the change would leave the config file invalid (a schedule uses the equipment unbound...). */
  ConfigRefused = 'CONFIG_REFUSED',
  /** Commissioning: the config file could not be written; it is unchanged. */
  ConfigNotWritten = 'CONFIG_NOT_WRITTEN',
  /** A commissioning test run the gateway does not keep (unknown, or older than the last ten). */
  UnknownTest = 'UNKNOWN_TEST',
  /** A commissioning test run already runs on that equipment. */
  TestRunning = 'TEST_RUNNING',
  /** An answer to a test run that awaits none (no step shows a prompt). */
  NoPrompt = 'NO_PROMPT',
  /** A procès-verbal de recette the gateway does not have. */
  UnknownReport = 'UNKNOWN_REPORT',
  /** Enrolment from the commissioning page: central refused the code (unknown, used, expired). */
  EnrolmentCodeRefused = 'ENROLMENT_CODE_REFUSED',
  /** Enrolment from the commissioning page: the gateway (or its id, at central) is enrolled already. */
  AlreadyEnrolled = 'ALREADY_ENROLLED',
  /** Enrolment from the commissioning page: the config has no `central` section to enrol with. */
  NoCentral = 'NO_CENTRAL',
  /** Enrolment from the commissioning page: a code is being exchanged with central already. */
  EnrolmentRunning = 'ENROLMENT_RUNNING',
  /** Central could not be reached, or failed (network, TLS, timeout, 5xx): nothing was changed. */
  CentralUnreachable = 'CENTRAL_UNREACHABLE',
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
    case GatewayExceptionCode.UnknownScan:
    case GatewayExceptionCode.UnknownTest:
    case GatewayExceptionCode.UnknownReport:
      return HttpStatus.NOT_FOUND;
    case GatewayExceptionCode.NotWritable:
    case GatewayExceptionCode.LockedOut:
    case GatewayExceptionCode.ClockNotAdjustable:
    case GatewayExceptionCode.ScanRunning:
    case GatewayExceptionCode.BusPolled:
    case GatewayExceptionCode.ConfigRefused:
    case GatewayExceptionCode.TestRunning:
    case GatewayExceptionCode.NoPrompt:
    case GatewayExceptionCode.AlreadyEnrolled:
    case GatewayExceptionCode.NoCentral:
    case GatewayExceptionCode.EnrolmentRunning:
      return HttpStatus.CONFLICT;
    case GatewayExceptionCode.LiveCheckFailed:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case GatewayExceptionCode.ConfigNotWritten:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case GatewayExceptionCode.InvalidRequest:
    case GatewayExceptionCode.InvalidValue:
    case GatewayExceptionCode.EnrolmentCodeRefused:
      return HttpStatus.BAD_REQUEST;
    case GatewayExceptionCode.CentralUnreachable:
      return HttpStatus.BAD_GATEWAY;
    case GatewayExceptionCode.Unauthenticated:
      return HttpStatus.UNAUTHORIZED;
    case GatewayExceptionCode.Forbidden:
    case GatewayExceptionCode.ForeignOrigin:
      return HttpStatus.FORBIDDEN;
    case GatewayExceptionCode.NotJson:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
  }
}

function answerOf(exception: unknown): ErrorAnswer | undefined {
  if (!(exception instanceof GatewayException)) return undefined;
  return {
    status: statusOf(exception.code),
    code: exception.code,
    message: exception.message,
    problems: exception.problems,
  };
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
    answerError(exception, host, answerOf, this.adapterHost.httpAdapter.getInstance<unknown>(), this.logger);
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
