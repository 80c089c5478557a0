/** Why the schedule engine refused an input. */
export enum ScheduleExceptionCode {
  InvalidLocalDate = 'INVALID_LOCAL_DATE',
  InvalidLocalTime = 'INVALID_LOCAL_TIME',
  InvalidInstant = 'INVALID_INSTANT',
  InvalidTimeZone = 'INVALID_TIME_ZONE',
  InvalidSite = 'INVALID_SITE',
  MismatchedInputs = 'MISMATCHED_INPUTS',
  /** A department code that is not a French department. */
  UnknownDepartment = 'UNKNOWN_DEPARTMENT',
  /** An overseas collectivity whose holidays the engine does not know (975, 977, 978): refused, never guessed. */
  UnsupportedDepartment = 'UNSUPPORTED_DEPARTMENT',
  UnknownHolidayZone = 'UNKNOWN_HOLIDAY_ZONE',
  /** An `until` of a manual switching that is no form the engine knows, or a time that is not HH:MM. */
  InvalidUntil = 'INVALID_UNTIL',
  /** An `until` that resolves to the past, beyond the horizon, or to nothing (no programme change, no sunrise). */
  UnresolvableUntil = 'UNRESOLVABLE_UNTIL',
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
