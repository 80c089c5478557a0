import type { ScheduleProblem } from '@beffroi/api';
import { pointPath, problemsAt, problemWords, rulePath } from './planning-lint';

const problem = (path: string, code = 'invalid', message = 'expected a time "HH:MM"'): ScheduleProblem => ({
  path,
  message,
  severity: code === 'invalid' ? 'error' : 'warning',
  code,
});

describe("the lint's problems next to what they are about", () => {
  it('finds the problems of a switch point and of a rule, not those of their neighbours', () => {
    const problems = [
      problem('schedule.programmes.nuit.points[2]', 'onAfterSunrise', 'nuit point 2 (06:30) …'),
      problem('schedule.programmes.nuit.points[20].at'),
      problem('schedule.programmes.nuit.points[2].at'),
      problem('schedule.calendar.rules[0].programmeId', 'invalid', 'no programme "fete" in "programmes"'),
    ];
    expect(problemsAt(problems, pointPath('nuit', 2)).map((p) => p.path)).toEqual([
      'schedule.programmes.nuit.points[2]',
      'schedule.programmes.nuit.points[2].at',
    ]);
    expect(problemsAt(problems, rulePath(0)).map(problemWords)).toEqual(['no programme "fete" in "programmes"']);
    expect(problemWords(problems[0] ?? problem(''))).toBe('Allumé après le lever du soleil (en plein jour)');
  });
});
