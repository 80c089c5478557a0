import { HEATING_LEVELS, type HeatingLevel } from './heating-view';
import { type CalendarDocument, isObject, lightingDocument, type SunPoint } from './planning-document';

/**
 * A heating schedule document as the Planning screen edits it: the setpoints of the three levels and a calendar of
 * programmes whose points set a level, in a file's form (times `HH:MM`, dates `YYYY-MM-DD`). The edits check what
 * the engine's schema would refuse (a setpoint outside 5..30 °C, eco above comfort, frost above eco, a time that is
 * not one) and say it in the screen's words; the French limits (19/16/8 °C) are warnings, left to central's lint and
 * to `limitWarnings`, never refused.
 */

export type HeatingPoint =
  { readonly at: string; readonly value: HeatingLevel } | (Omit<SunPoint, 'value'> & { readonly value: HeatingLevel });

export interface HeatingProgramme {
  readonly points: readonly HeatingPoint[];
}

export interface HeatingDocument extends CalendarDocument {
  readonly setpoints: Readonly<Record<HeatingLevel, number>>;
  readonly programmes: Readonly<Record<string, HeatingProgramme>>;
}

/** The bounds of a setpoint the engine takes, °C. */
export const SETPOINT_MIN = 5;
export const SETPOINT_MAX = 30;

export type HeatingProblem = 'badSetpoint' | 'setpointOrder' | 'badTime' | 'noProgramme';
export type HeatingEdit = { readonly document: HeatingDocument } | { readonly problem: HeatingProblem };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const isLevel = (value: unknown): value is HeatingLevel => HEATING_LEVELS.some((level) => level === value);

/**
 * The document in a file's form, whichever form it came in (central's desired document, or the parsed form a gateway
 * reports for its config); undefined when it is not a heating schedule.
 */
export function heatingDocument(document: unknown): HeatingDocument | undefined {
  if (!isObject(document) || !isObject(document.setpoints)) return undefined;
  const { comfort, eco, frost } = document.setpoints;
  if (typeof comfort !== 'number' || typeof eco !== 'number' || typeof frost !== 'number') return undefined;
  const parsed = lightingDocument(document);
  if (parsed === undefined) return undefined;
  const programmes: Record<string, HeatingProgramme> = {};
  for (const [id, programme] of Object.entries(parsed.programmes)) {
    const points: HeatingPoint[] = [];
    for (const point of programme.points) {
      const { value } = point;
      if (!isLevel(value)) return undefined;
      points.push('at' in point ? { at: point.at, value } : { ...point, value });
    }
    programmes[id] = { points };
  }
  return { setpoints: { comfort, eco, frost }, calendar: parsed.calendar, programmes };
}

/**
 * The document with `level`'s setpoint at `celsius`: refused outside 5..30 °C or when the levels would no longer go
 * down from comfort to eco to frost (the engine's schema refuses both).
 */
export function withSetpoint(document: HeatingDocument, level: HeatingLevel, celsius: number): HeatingEdit {
  if (!Number.isFinite(celsius) || celsius < SETPOINT_MIN || celsius > SETPOINT_MAX) return { problem: 'badSetpoint' };
  const setpoints = { ...document.setpoints, [level]: celsius };
  if (setpoints.eco > setpoints.comfort || setpoints.frost > setpoints.eco) return { problem: 'setpointOrder' };
  return { document: { ...document, setpoints } };
}

/** The document with programme `programmeId`'s points replaced; refused when a fixed time is not `HH:MM`. */
export function withHeatingPoints(
  document: HeatingDocument,
  programmeId: string,
  points: readonly HeatingPoint[],
): HeatingEdit {
  if (!Object.hasOwn(document.programmes, programmeId)) return { problem: 'noProgramme' };
  if (points.some((point) => 'at' in point && !TIME.test(point.at))) return { problem: 'badTime' };
  return { document: { ...document, programmes: { ...document.programmes, [programmeId]: { points } } } };
}
