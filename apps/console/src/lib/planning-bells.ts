import { quietHoursOf } from './bells-view';
import {
  calendarOf,
  type CalendarDocument,
  dateText,
  defined,
  isObject,
  type Json,
  timeText,
} from './planning-document';

/**
 * A bell schedule document as the Planning screen edits it: its ring sequences (kept as they are), a calendar of
 * day programmes of recurring rings (once `at` a time, or `every` N minutes `from`/`to`: the hours), and its one-off
 * events, in a file's form. The edits check what the engine's schema would refuse and say it in the screen's words.
 */

export type BellRing =
  | { readonly at: string; readonly sequence: string }
  | { readonly every: number; readonly from: string; readonly to: string; readonly sequence: string };

export interface BellProgramme {
  readonly rings: readonly BellRing[];
}

export interface BellSequence {
  readonly name?: string;
  readonly steps: readonly Json[];
}

export interface BellDocument extends CalendarDocument {
  readonly sequences: Readonly<Record<string, BellSequence>>;
  readonly programmes: Readonly<Record<string, BellProgramme>>;
  readonly events: readonly Json[];
}

export type BellProblem = 'badTime' | 'ringOrder' | 'badEvery' | 'noSequence' | 'noProgramme';
export type BellEdit = { readonly document: BellDocument } | { readonly problem: BellProblem };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** A step in a file's form: a parsed step's `intervalMs`, `durationMs`, `pauseMs` back to `interval`, `duration`, `pause`. */
function stepDocument(step: Json): Json {
  const { intervalMs, durationMs, pauseMs, ...rest } = step;
  return defined({
    ...rest,
    interval: intervalMs ?? rest.interval,
    duration: durationMs ?? rest.duration,
    pause: pauseMs ?? rest.pause,
  });
}

/** A ring in a file's form: a parsed ring's `everyMinutes` and `{hour, minute}` times back to `every` and `HH:MM`. */
function ringDocument(ring: Json): BellRing | undefined {
  const sequence = ring.sequence;
  if (typeof sequence !== 'string') return undefined;
  const at = timeText(ring.at);
  if (typeof at === 'string') return { at, sequence };
  const every = ring.everyMinutes ?? ring.every;
  const [from, to] = [timeText(ring.from), timeText(ring.to)];
  if (typeof every !== 'number' || typeof from !== 'string' || typeof to !== 'string') return undefined;
  return { every, from, to, sequence };
}

/**
 * The document in a file's form, whichever form it came in (central's desired document, or the parsed form a gateway
 * reports for its config); undefined when it is not a bell schedule.
 */
export function bellDocument(document: unknown): BellDocument | undefined {
  if (!isObject(document) || !isObject(document.sequences) || !isObject(document.programmes)) return undefined;
  const { calendar } = document;
  if (!isObject(calendar) || typeof calendar.defaultProgrammeId !== 'string' || !Array.isArray(calendar.rules)) {
    return undefined;
  }
  const sequences: Record<string, BellSequence> = {};
  for (const [id, sequence] of Object.entries(document.sequences)) {
    if (!isObject(sequence) || !Array.isArray(sequence.steps)) return undefined;
    const steps = sequence.steps.filter(isObject).map(stepDocument);
    sequences[id] = typeof sequence.name === 'string' ? { name: sequence.name, steps } : { steps };
  }
  const programmes: Record<string, BellProgramme> = {};
  for (const [id, programme] of Object.entries(document.programmes)) {
    if (!isObject(programme) || !Array.isArray(programme.rings)) return undefined;
    const rings = programme.rings.map((ring) => (isObject(ring) ? ringDocument(ring) : undefined));
    if (rings.some((ring) => ring === undefined)) return undefined;
    programmes[id] = { rings: rings.filter((ring) => ring !== undefined) };
  }
  const events = (Array.isArray(document.events) ? document.events : [])
    .filter(isObject)
    .map((event) => defined({ ...event, date: dateText(event.date), at: timeText(event.at) }));
  return { sequences, calendar: calendarOf(calendar.defaultProgrammeId, calendar.rules), programmes, events };
}

/**
 * The document with programme `programmeId`'s rings replaced; refused when a time is not `HH:MM`, an hourly ring
 * ends before it starts or steps outside 1..720 minutes, or a ring names a sequence the document lacks.
 */
export function withRings(document: BellDocument, programmeId: string, rings: readonly BellRing[]): BellEdit {
  if (!Object.hasOwn(document.programmes, programmeId)) return { problem: 'noProgramme' };
  for (const ring of rings) {
    if (!Object.hasOwn(document.sequences, ring.sequence)) return { problem: 'noSequence' };
    if ('at' in ring) {
      if (!TIME.test(ring.at)) return { problem: 'badTime' };
      continue;
    }
    if (!TIME.test(ring.from) || !TIME.test(ring.to)) return { problem: 'badTime' };
    if (minutesOf(ring.to) <= minutesOf(ring.from)) return { problem: 'ringOrder' };
    if (!Number.isInteger(ring.every) || ring.every < 1 || ring.every > 720) return { problem: 'badEvery' };
  }
  return { document: { ...document, programmes: { ...document.programmes, [programmeId]: { rings } } } };
}

/** The quiet hours of each programme: from its last ring of the day to its first. */
export function quietHours(document: BellDocument): { programmeId: string; from: string; to: string }[] {
  return Object.entries(document.programmes).flatMap(([programmeId, programme]) => {
    const quiet = quietHoursOf(programme.rings);
    return quiet === undefined ? [] : [{ programmeId, ...quiet }];
  });
}

/** A sequence by its name, its id when it has none. */
export function sequenceName(document: BellDocument, id: string): string {
  return document.sequences[id]?.name ?? id;
}
