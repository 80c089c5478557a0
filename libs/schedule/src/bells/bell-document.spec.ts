import { bellScheduleDocument } from './bell-document';
import { parseBellSchedule } from './bell-schedule';
import { ANGELUS_STEPS, belfry } from './bell-schedule.fixtures';

describe('a bell schedule written back as its document', () => {
  it('writes times, dates, durations and calendar rules the way a schedule file does', () => {
    const schedule = belfry(
      [
        { at: '07:00', sequence: 'angelus' },
        { every: 60, from: '08:00', to: '21:00', sequence: 'heures' },
      ],
      {
        calendar: {
          defaultProgrammeId: 'ordinaire',
          rules: [
            { kind: 'dateRange', programmeId: 'ordinaire', from: '2027-07-01', to: '2027-08-31' },
            { kind: 'dates', programmeId: 'ordinaire', dates: ['2027-12-25'] },
            { kind: 'weekdays', programmeId: 'ordinaire', weekdays: [7] },
          ],
        },
        events: [{ date: '2027-06-12', at: '15:30', sequence: 'volee', name: 'Mariage' }],
      },
    );
    const document = bellScheduleDocument(schedule);
    expect(document.sequences.angelus?.steps[0]).toEqual({ strike: 1, count: 3, interval: 4000 });
    expect(document.sequences.angelus?.steps).toHaveLength(ANGELUS_STEPS.length);
    expect(document.programmes.ordinaire?.rings).toEqual([
      { at: '07:00', sequence: 'angelus' },
      { every: 60, from: '08:00', to: '21:00', sequence: 'heures' },
    ]);
    expect(document.calendar.rules).toEqual([
      { kind: 'dateRange', programmeId: 'ordinaire', from: '2027-07-01', to: '2027-08-31' },
      { kind: 'dates', programmeId: 'ordinaire', dates: ['2027-12-25'] },
      { kind: 'weekdays', programmeId: 'ordinaire', weekdays: [7] },
    ]);
    expect(document.events).toEqual([{ date: '2027-06-12', at: '15:30', sequence: 'volee', name: 'Mariage' }]);
    expect(parseBellSchedule(document, 'document')).toEqual(schedule);
  });
});
