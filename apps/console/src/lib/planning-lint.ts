import type { ScheduleProblem } from '@beffroi/api';
import { fr } from '../i18n/fr';

/** Where in a document the lint's problems point, so the editor shows each next to what it is about. */

/** The path of switch point `index` of programme `programmeId` (`schedule.programmes.nuit.points[2]`). */
export function pointPath(programmeId: string, index: number): string {
  return `schedule.programmes.${programmeId}.points[${index}]`;
}

/** The path of calendar rule `index` (`schedule.calendar.rules[0]`). */
export function rulePath(index: number): string {
  return `schedule.calendar.rules[${index}]`;
}

/** The problems about `path` or anything within it (`…points[2]` covers `…points[2].at`, not `…points[20]`). */
export function problemsAt(problems: readonly ScheduleProblem[], path: string): ScheduleProblem[] {
  return problems.filter(
    (problem) => problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`),
  );
}

/** A problem in words: the lint's code in French when the screen knows it, else central's message. */
export function problemWords(problem: ScheduleProblem): string {
  return fr.planning.codes[problem.code] ?? problem.message;
}

/** The path of ring `index` of bell programme `programmeId` (`schedule.programmes.ordinaire.rings[1]`). */
export function ringPath(programmeId: string, index: number): string {
  return `schedule.programmes.${programmeId}.rings[${index}]`;
}
