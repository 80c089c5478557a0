/** Why the schedule engine refused an input. */
export enum ScheduleExceptionCode {
  InvalidLocalDate = 'INVALID_LOCAL_DATE',
  InvalidLocalTime = 'INVALID_LOCAL_TIME',
  InvalidInstant = 'INVALID_INSTANT',
  InvalidTimeZone = 'INVALID_TIME_ZONE',
  InvalidSite = 'INVALID_SITE',
  MismatchedInputs = 'MISMATCHED_INPUTS',
}

/** An input the schedule engine cannot work with; the message names the offending value. */
export class ScheduleException extends Error {
  constructor(
    readonly code: ScheduleExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleException';
  }
}
