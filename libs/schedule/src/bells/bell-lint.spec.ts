import { parseLocalDate } from '../time/local-date';
import { lintBellSchedule } from './bell-lint';
import { belfry } from './bell-schedule.fixtures';

const PARIS = 'Europe/Paris';

function lint(rings: readonly Record<string, unknown>[], first: string, last: string, maxSwinging?: number) {
  return lintBellSchedule(belfry(rings), PARIS, parseLocalDate(first), parseLocalDate(last), {}, { maxSwinging });
}

describe('lintBellSchedule', () => {
  it('finds nothing wrong with the angélus and hour strikes that keep out of its way', () => {
    const findings = lint(
      [
        { at: '07:00', sequence: 'angelus' },
        { at: '12:05', sequence: 'angelus' },
        { every: 60, from: '08:00', to: '21:00', sequence: 'heures' },
      ],
      '2027-01-04',
      '2027-01-10',
    );
    expect(findings).toEqual([]);
  });

  it('flags a ring that starts before the previous one has finished, on every day it happens', () => {
    const findings = lint(
      [
        { at: '12:00', sequence: 'angelus' },
        { every: 60, from: '08:00', to: '21:00', sequence: 'heures' },
      ],
      '2027-01-04',
      '2027-01-05',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'bellOverlap',
      severity: 'warning',
      programmeId: 'ordinaire',
      pointIndex: 1,
    });
    expect(findings[0]?.message).toContain(
      'heures from ordinaire ring 1 at 2027-01-04T12:00:00+01:00 starts before angelus from ordinaire ring 0 has finished',
    );
    expect(findings[0]?.nights).toHaveLength(2);
  });

  it('flags a sequence swinging more bells at once than the belfry allows', () => {
    const findings = lint([], '2027-01-04', '2027-01-04', 1);
    expect(findings.map((finding) => [finding.code, finding.programmeId, finding.pointIndex])).toEqual([
      ['bellInterlock', 'volee', 0],
    ]);
  });

  it('flags ring times in the DST gap (warning) and overlap (info)', () => {
    const findings = lint([{ at: '02:30', sequence: 'quart' }], '2027-03-27', '2027-11-01');
    expect(findings.map((finding) => [finding.code, finding.severity, finding.nights.length])).toEqual([
      ['dstGap', 'warning', 1],
      ['dstOverlap', 'info', 1],
    ]);
    expect(findings[0]?.message).toContain('rings at 2027-03-28T03:00:00+02:00');
  });
});
