import type { PointSlot, ReadCut, ReadRequest } from '../plan/read-plan';
import type { ModbusReadRequest } from './bus-scheduler';
import type { ModbusOutcome } from './modbus-link';

/** Modbus Application Protocol V1.1b3 §7: exception 02, Illegal Data Address. */
export const ILLEGAL_DATA_ADDRESS = 2;

/** One request as it was finally read, with its answer and when it came. */
export interface ReadPiece {
  request: ReadRequest;
  outcome: ModbusOutcome;
  receivedAt: Date;
}

/** What a read split on exception 02 gives: its pieces in address order, and the cuts its answers proved. */
export interface SplitRead {
  pieces: ReadPiece[];
  cuts: ReadCut[];
}

/** Puts one read on the bus and calls `done` once with its outcome (the bus scheduler's `submit`). */
export type SubmitRead = (request: ModbusReadRequest, done: (outcome: ModbusOutcome) => void) => void;

export function isIllegalAddress(outcome: ModbusOutcome): boolean {
  return !outcome.ok && outcome.failure === 'exception' && outcome.code === ILLEGAL_DATA_ADDRESS;
}

/** The wire request of a planned read. */
export function wireRequestOf(request: ReadRequest): ModbusReadRequest {
  return { kind: 'read', unit: request.unit, table: request.table, address: request.address, count: request.count };
}

/**
 * Reads again, in pieces, a planned request the device refused with exception 02 (Illegal Data Address) when it joins
 * several points: the device lacks some address the request bridged, or one of the points. The request is split at
 * its widest gap between points (the nearest the middle among equals) and each half read; a half refused again is
 * split again, until each piece is answered or holds one point. `done` gets every piece in address order, and the
 * cuts the answers proved: between two halves both answered, and on both sides of a point refused on its own. A
 * request of one point (or of points sharing one register) cannot be split: it comes back as it was.
 */
export function readSplitting(
  request: ReadRequest,
  refused: ModbusOutcome,
  receivedAt: Date,
  submit: SubmitRead,
  done: (read: SplitRead) => void,
): void {
  const cuts: ReadCut[] = [];
  const finish = (pieces: ReadPiece[]) => {
    done({ pieces, cuts });
  };
  split(request, refused, receivedAt, submit, cuts, finish);
}

function split(
  request: ReadRequest,
  refused: ModbusOutcome,
  receivedAt: Date,
  submit: SubmitRead,
  cuts: ReadCut[],
  done: (pieces: ReadPiece[]) => void,
): void {
  const at = splitIndex(request.points);
  if (at === undefined) {
    const { unit, table, address, count } = request;
    if (request.points.length === 1) cuts.push({ unit, table, address }, { unit, table, address: address + count });
    done([{ request, outcome: refused, receivedAt }]);
    return;
  }
  const halves = [subRequest(request, request.points.slice(0, at)), subRequest(request, request.points.slice(at))];
  const results: ReadPiece[][] = [];
  const answered: boolean[] = [];
  let waiting = halves.length;
  halves.forEach((half, index) => {
    submit(wireRequestOf(half), (outcome) => {
      const came = new Date();
      const settle = (pieces: ReadPiece[]) => {
        results[index] = pieces;
        if (--waiting > 0) return;
        const [left, right] = halves;
        if (answered[0] === true && answered[1] === true && left && right) {
          cuts.push({ unit: right.unit, table: right.table, address: right.address });
        }
        done(results.flat());
      };
      answered[index] = outcome.ok;
      if (isIllegalAddress(outcome)) split(half, outcome, came, submit, cuts, settle);
      else settle([{ request: half, outcome, receivedAt: came }]);
    });
  });
}

/**
 * Where to split the points (in address order): before the point that follows the widest gap, the nearest the
 * middle among equal gaps; undefined when no two neighbours can be told apart (they share a register).
 */
function splitIndex(points: readonly PointSlot[]): number | undefined {
  let best: { index: number; gap: number; fromMiddle: number } | undefined;
  let end = points[0] ? points[0].offset + points[0].count : 0;
  for (let index = 1; index < points.length; index++) {
    const point = points[index];
    if (!point) continue;
    const gap = point.offset - end;
    const fromMiddle = Math.abs(points.length / 2 - index);
    if (gap >= 0 && (!best || gap > best.gap || (gap === best.gap && fromMiddle < best.fromMiddle))) {
      best = { index, gap, fromMiddle };
    }
    end = Math.max(end, point.offset + point.count);
  }
  return best?.index;
}

/** The request that reads just these points of `request`, with their offsets in it. */
function subRequest(request: ReadRequest, points: readonly PointSlot[]): ReadRequest {
  const first = points[0]?.offset ?? 0;
  const end = Math.max(...points.map((slot) => slot.offset + slot.count));
  return {
    unit: request.unit,
    table: request.table,
    address: request.address + first,
    count: end - first,
    points: points.map((slot) => ({ ...slot, offset: slot.offset - first })),
  };
}
