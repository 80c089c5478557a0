import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { DocumentProblem } from '@beffroi/domain';
import type { Response } from 'express';

export enum GatewayExceptionCode {
  UnknownPoint = 'UNKNOWN_POINT',
  UnknownEquipment = 'UNKNOWN_EQUIPMENT',
  NotWritable = 'NOT_WRITABLE',
  InvalidRequest = 'INVALID_REQUEST',
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
      return HttpStatus.CONFLICT;
    case GatewayExceptionCode.InvalidRequest:
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
