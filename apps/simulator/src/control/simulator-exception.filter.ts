import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { SimulatorException, SimulatorExceptionCode } from './simulator.exception';

function statusOf(code: SimulatorExceptionCode): HttpStatus {
  switch (code) {
    case SimulatorExceptionCode.UnknownDevice:
      return HttpStatus.NOT_FOUND;
    case SimulatorExceptionCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case SimulatorExceptionCode.NotSupported:
      return HttpStatus.CONFLICT;
  }
}

/** Maps simulator errors to HTTP answers that say what is wrong. */
@Catch(SimulatorException)
export class SimulatorExceptionFilter implements ExceptionFilter<SimulatorException> {
  catch(exception: SimulatorException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusOf(exception.code))
      .json({ code: exception.code, message: exception.message, problems: exception.problems });
  }
}
