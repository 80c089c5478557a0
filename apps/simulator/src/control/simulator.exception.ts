import type { DocumentProblem } from '@beffroi/domain';

export enum SimulatorExceptionCode {
  UnknownDevice = 'UNKNOWN_DEVICE',
  InvalidRequest = 'INVALID_REQUEST',
  NotSupported = 'NOT_SUPPORTED',
}

export class SimulatorException extends Error {
  constructor(
    readonly code: SimulatorExceptionCode,
    message: string,
    readonly problems: readonly DocumentProblem[] = [],
  ) {
    super(message);
    this.name = 'SimulatorException';
  }
}
