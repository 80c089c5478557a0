export { ScheduleException, ScheduleExceptionCode } from './schedule.exception';
export {
  addDays,
  assertLocalDate,
  compareLocalDates,
  daysInMonth,
  formatLocalDate,
  type IsoWeekday,
  localDate,
  type LocalDate,
  parseLocalDate,
  weekdayOf,
} from './time/local-date';
export {
  assertTimeZone,
  type DstAdjustment,
  formatIsoWithOffset,
  isValidTimeZone,
  localDateOf,
  localDaySpan,
  type LocalDaySpan,
  localHourOf,
  offsetMinutesAt,
  resolveLocalTime,
  type ResolvedLocalTime,
} from './time/zoned-time';
export {
  computeSunTimes,
  type PreparedSunSite,
  prepareSunSite,
  sunDay,
  type SunDay,
  type SunDayTerms,
  sunDayTerms,
  type SunHorizon,
  type SunSite,
  type SunStatus,
  type SunTimes,
} from './sun/sun';
export * from './holidays/easter';
export * from './holidays/french-holidays';
export * from './holidays/school-holidays';
export * from './calendar/calendar';
export * from './programme/programme';
export * from './programme/schedule';
export * from './programme/lint';
export * from './heating/heating-schedule';
export * from './heating/heating-lint';
export * from './bells/bell-schedule';
export * from './bells/bell-plan';
export * from './bells/bell-lint';
export * from './bells/bell-document';
export * from './programme/night-summary';
export * from './preview/schedule-preview';
export * from './until/until';
export * from './energy/rollup';
export * from './energy/buckets';
export * from './energy/energy-report';
