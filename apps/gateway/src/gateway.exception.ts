import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { DocumentProblem } from '@beffroi/domain';
import type { Response } from 'express';

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

/** Maps gateway errors to HTTP answers that say what is wrong. */
@Catch(GatewayException)
export class GatewayExceptionFilter implements ExceptionFilter<GatewayException> {
  catch(exception: GatewayException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusOf(exception.code))
      .json({ code: exception.code, message: exception.message, problems: exception.problems });
  }
}
