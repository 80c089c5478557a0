/** Why a holiday look-up was refused. */
export enum HolidayExceptionCode {
  UnknownDepartment = 'UNKNOWN_DEPARTMENT',
  UnsupportedDepartment = 'UNSUPPORTED_DEPARTMENT',
  UnknownHolidayZone = 'UNKNOWN_HOLIDAY_ZONE',
}

/** A holiday question the engine refuses to answer rather than guess; the message names the offending value. */
export class HolidayException extends Error {
  constructor(
    readonly code: HolidayExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'HolidayException';
  }
}
