import { ScheduleExceptionCode } from '../schedule.exception';
import { formatLocalDate, parseLocalDate } from './local-date';
import {
  assertTimeZone,
  type DstAdjustment,
  formatIsoWithOffset,
  isValidTimeZone,
  localDateOf,
  localDaySpan,
  offsetMinutesAt,
  resolveLocalTime,
} from './zoned-time';
import { failureCode } from '../schedule.fixtures';

const MS_PER_HOUR = 3_600_000;

describe('resolveLocalTime', () => {
  // zone, local date, local time, instant it runs at, adjustment
  it.each<[string, string, string, string, DstAdjustment]>([
    ['Europe/Paris', '2027-01-01', '08:44:10', '2027-01-01T07:44:10Z', 'none'],
    ['Europe/Paris', '2026-03-29', '01:59:59', '2026-03-29T00:59:59Z', 'none'],
    ['Europe/Paris', '2026-03-29', '02:00:00', '2026-03-29T01:00:00Z', 'gap'],
    ['Europe/Paris', '2026-03-29', '02:30:00', '2026-03-29T01:00:00Z', 'gap'],
    ['Europe/Paris', '2026-03-29', '02:59:59', '2026-03-29T01:00:00Z', 'gap'],
    ['Europe/Paris', '2026-03-29', '03:00:00', '2026-03-29T01:00:00Z', 'none'],
    ['Europe/Paris', '2026-10-25', '01:59:59', '2026-10-24T23:59:59Z', 'none'],
    ['Europe/Paris', '2026-10-25', '02:00:00', '2026-10-25T00:00:00Z', 'overlap'],
    ['Europe/Paris', '2026-10-25', '02:30:00', '2026-10-25T00:30:00Z', 'overlap'],
    ['Europe/Paris', '2026-10-25', '02:59:59', '2026-10-25T00:59:59Z', 'overlap'],
    ['Europe/Paris', '2026-10-25', '03:00:00', '2026-10-25T02:00:00Z', 'none'],
    ['Europe/Paris', '2027-03-28', '02:30:00', '2027-03-28T01:00:00Z', 'gap'],
    ['Europe/Paris', '2027-03-28', '12:00:00', '2027-03-28T10:00:00Z', 'none'],
    ['Europe/Paris', '2027-10-31', '02:30:00', '2027-10-31T00:30:00Z', 'overlap'],
    ['Europe/Paris', '2027-10-31', '12:00:00', '2027-10-31T11:00:00Z', 'none'],
    ['America/Martinique', '2027-03-28', '02:30:00', '2027-03-28T06:30:00Z', 'none'],
    ['America/Martinique', '2027-03-14', '02:30:00', '2027-03-14T06:30:00Z', 'none'],
    ['America/Martinique', '2027-10-31', '02:30:00', '2027-10-31T06:30:00Z', 'none'],
    ['Indian/Reunion', '2027-03-28', '02:30:00', '2027-03-27T22:30:00Z', 'none'],
    ['Indian/Reunion', '2027-10-31', '00:00:00', '2027-10-30T20:00:00Z', 'none'],
    ['Pacific/Kiritimati', '2027-01-01', '00:00:00', '2026-12-31T10:00:00Z', 'none'],
    ['Pacific/Kiritimati', '2027-01-01', '14:00:00', '2027-01-01T00:00:00Z', 'none'],
    ['Pacific/Kiritimati', '1994-12-31', '12:00:00', '1994-12-31T10:00:00Z', 'gap'],
    ['Australia/Lord_Howe', '2026-04-05', '01:29:59', '2026-04-04T14:29:59Z', 'none'],
    ['Australia/Lord_Howe', '2026-04-05', '01:30:00', '2026-04-04T14:30:00Z', 'overlap'],
    ['Australia/Lord_Howe', '2026-04-05', '01:45:00', '2026-04-04T14:45:00Z', 'overlap'],
    ['Australia/Lord_Howe', '2026-04-05', '02:00:00', '2026-04-04T15:30:00Z', 'none'],
    ['Australia/Lord_Howe', '2026-10-04', '01:59:59', '2026-10-03T15:29:59Z', 'none'],
    ['Australia/Lord_Howe', '2026-10-04', '02:00:00', '2026-10-03T15:30:00Z', 'gap'],
    ['Australia/Lord_Howe', '2026-10-04', '02:15:00', '2026-10-03T15:30:00Z', 'gap'],
    ['Australia/Lord_Howe', '2026-10-04', '02:30:00', '2026-10-03T15:30:00Z', 'none'],
    ['Australia/Lord_Howe', '2027-04-04', '01:45:00', '2027-04-03T14:45:00Z', 'overlap'],
    ['Australia/Lord_Howe', '2027-10-03', '02:15:00', '2027-10-02T15:30:00Z', 'gap'],
    ['America/St_Johns', '2026-03-08', '01:59:59', '2026-03-08T05:29:59Z', 'none'],
    ['America/St_Johns', '2026-03-08', '02:00:00', '2026-03-08T05:30:00Z', 'gap'],
    ['America/St_Johns', '2026-03-08', '02:30:00', '2026-03-08T05:30:00Z', 'gap'],
    ['America/St_Johns', '2026-03-08', '03:00:00', '2026-03-08T05:30:00Z', 'none'],
    ['America/St_Johns', '2026-11-01', '00:59:59', '2026-11-01T03:29:59Z', 'none'],
    ['America/St_Johns', '2026-11-01', '01:00:00', '2026-11-01T03:30:00Z', 'overlap'],
    ['America/St_Johns', '2026-11-01', '01:30:00', '2026-11-01T04:00:00Z', 'overlap'],
    ['America/St_Johns', '2026-11-01', '02:00:00', '2026-11-01T05:30:00Z', 'none'],
    ['America/St_Johns', '2027-03-14', '02:30:00', '2027-03-14T05:30:00Z', 'gap'],
    ['America/St_Johns', '2027-11-07', '01:30:00', '2027-11-07T04:00:00Z', 'overlap'],
  ])('%s %s %s runs at %s (%s)', (zone, date, time, instant, adjustment) => {
    const [hour = NaN, minute = NaN, second = NaN] = time.split(':').map(Number);
    const resolved = resolveLocalTime(parseLocalDate(date), hour, minute, second, zone);
    expect(resolved).toEqual({ instant: new Date(instant), adjustment });
  });

  it.each([
    [24, 0, 0],
    [12, 60, 0],
    [12, 0, 60],
    [-1, 0, 0],
    [1.5, 0, 0],
  ])('rejects the wall time %i:%i:%i', (hour, minute, second) => {
    const resolve = (): unknown => resolveLocalTime(parseLocalDate('2027-01-01'), hour, minute, second, 'UTC');
    expect(resolve).toThrow('invalid local time');
    expect(failureCode(resolve)).toBe(ScheduleExceptionCode.InvalidLocalTime);
  });
});

describe('instants seen in a zone', () => {
  // instant, zone, local rendering, UTC offset in minutes
  it.each<[string, string, string, number]>([
    ['2027-01-01T07:44:10Z', 'Europe/Paris', '2027-01-01T08:44:10+01:00', 60],
    ['2027-01-01T07:44:10.999Z', 'Europe/Paris', '2027-01-01T08:44:10+01:00', 60],
    ['2027-07-01T12:00:00Z', 'Europe/Paris', '2027-07-01T14:00:00+02:00', 120],
    ['2026-03-29T00:59:59Z', 'Europe/Paris', '2026-03-29T01:59:59+01:00', 60],
    ['2026-03-29T01:00:00Z', 'Europe/Paris', '2026-03-29T03:00:00+02:00', 120],
    ['2026-10-25T00:30:00Z', 'Europe/Paris', '2026-10-25T02:30:00+02:00', 120],
    ['2026-10-25T01:30:00Z', 'Europe/Paris', '2026-10-25T02:30:00+01:00', 60],
    ['2027-10-31T00:59:59Z', 'Europe/Paris', '2027-10-31T02:59:59+02:00', 120],
    ['2027-10-31T01:00:00Z', 'Europe/Paris', '2027-10-31T02:00:00+01:00', 60],
    ['2027-01-01T00:00:00Z', 'UTC', '2027-01-01T00:00:00+00:00', 0],
    ['2027-01-01T03:59:59Z', 'America/Martinique', '2026-12-31T23:59:59-04:00', -240],
    ['2027-07-01T03:59:59Z', 'America/Martinique', '2027-06-30T23:59:59-04:00', -240],
    ['2027-01-01T00:00:00Z', 'Indian/Reunion', '2027-01-01T04:00:00+04:00', 240],
    ['2027-07-01T20:00:00Z', 'Indian/Reunion', '2027-07-02T00:00:00+04:00', 240],
    ['2026-12-31T09:59:59Z', 'Pacific/Kiritimati', '2026-12-31T23:59:59+14:00', 840],
    ['2026-12-31T10:00:00Z', 'Pacific/Kiritimati', '2027-01-01T00:00:00+14:00', 840],
    ['2027-01-01T00:00:00Z', 'Australia/Lord_Howe', '2027-01-01T11:00:00+11:00', 660],
    ['2027-07-01T00:00:00Z', 'Australia/Lord_Howe', '2027-07-01T10:30:00+10:30', 630],
    ['2027-01-01T00:00:00Z', 'America/St_Johns', '2026-12-31T20:30:00-03:30', -210],
    ['2027-07-01T00:00:00Z', 'America/St_Johns', '2027-06-30T21:30:00-02:30', -150],
    ['1900-01-01T00:00:00Z', 'Europe/Paris', '1900-01-01T00:09:21+00:09:21', 9.35],
  ])('%s in %s is %s', (instant, zone, local, offsetMinutes) => {
    const date = new Date(instant);
    expect(formatIsoWithOffset(date, zone)).toBe(local);
    expect(offsetMinutesAt(date, zone)).toBe(offsetMinutes);
    expect(formatLocalDate(localDateOf(date, zone))).toBe(local.slice(0, 10));
  });

  it('rejects an Invalid Date', () => {
    const format = (): unknown => formatIsoWithOffset(new Date(NaN), 'Europe/Paris');
    expect(format).toThrow('Invalid Date');
    expect(failureCode(format)).toBe(ScheduleExceptionCode.InvalidInstant);
  });
});

describe('localDaySpan', () => {
  // zone, date, first instant of the day, length in hours
  it.each<[string, string, string, number]>([
    ['Europe/Paris', '2027-06-01', '2027-05-31T22:00:00Z', 24],
    ['Europe/Paris', '2026-03-29', '2026-03-28T23:00:00Z', 23],
    ['Europe/Paris', '2026-10-25', '2026-10-24T22:00:00Z', 25],
    ['Europe/Paris', '2027-03-28', '2027-03-27T23:00:00Z', 23],
    ['Europe/Paris', '2027-10-31', '2027-10-30T22:00:00Z', 25],
    ['America/Martinique', '2027-03-28', '2027-03-28T04:00:00Z', 24],
    ['Indian/Reunion', '2027-10-31', '2027-10-30T20:00:00Z', 24],
    ['Pacific/Kiritimati', '2027-01-01', '2026-12-31T10:00:00Z', 24],
    ['Australia/Lord_Howe', '2026-04-05', '2026-04-04T13:00:00Z', 24.5],
    ['Australia/Lord_Howe', '2026-10-04', '2026-10-03T13:30:00Z', 23.5],
    ['America/St_Johns', '2026-03-08', '2026-03-08T03:30:00Z', 23],
    ['America/St_Johns', '2026-11-01', '2026-11-01T02:30:00Z', 25],
  ])('%s %s starts at %s and lasts %f h', (zone, date, start, hours) => {
    const span = localDaySpan(parseLocalDate(date), zone);
    expect(span.start).toEqual(new Date(start));
    expect((span.end.getTime() - span.start.getTime()) / MS_PER_HOUR).toBe(hours);
  });
});

describe('time zone names', () => {
  it.each(['Europe/Paris', 'America/Martinique', 'Indian/Mayotte', 'Pacific/Kiritimati', 'UTC'])(
    'accepts %s',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
      expect(() => {
        assertTimeZone(zone);
      }).not.toThrow();
    },
  );

  it.each(['Europe/Pariss', 'Mars/Olympus_Mons', '+01:00', ''])('rejects "%s", naming it', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
    const check = (): unknown => resolveLocalTime(parseLocalDate('2027-01-01'), 0, 0, 0, zone);
    expect(check).toThrow(`unknown IANA time zone "${zone}"`);
    expect(failureCode(check)).toBe(ScheduleExceptionCode.InvalidTimeZone);
  });
});
