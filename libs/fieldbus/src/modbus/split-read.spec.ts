import type { ModbusTable } from '@beffroi/domain';
import { type ModbusBoundPoint, planReads, type ReadCut } from '../plan/read-plan';
import { BusScheduler, DEFAULT_SCHEDULER_OPTIONS } from './bus-scheduler';
import type { ModbusOutcome, ModbusRequest } from './modbus-link';
import { readSplitting, type SplitRead } from './split-read';

/**
 * A device on a wire whose table has only some addresses: a read touching any other is answered exception 02, as the
 * simulated bell controller does for coils 3..15. It records what went on the wire and answers at once.
 */
class SparseDevice {
  readonly sent: string[] = [];

  constructor(private readonly addresses: ReadonlySet<number>) {}

  execute = (request: ModbusRequest, done: (outcome: ModbusOutcome) => void): void => {
    if (request.kind !== 'read') throw new Error('reads only');
    this.sent.push(`${request.address}+${request.count}`);
    const wanted = Array.from({ length: request.count }, (_, index) => request.address + index);
    if (wanted.every((address) => this.addresses.has(address))) done({ ok: true, bits: wanted.map(() => true) });
    else done({ ok: false, failure: 'exception', code: 2, reason: 'exception 2: Illegal data address' });
  };
}

function coils(addresses: readonly number[], table: ModbusTable = 'coil'): ModbusBoundPoint[] {
  return addresses.map((address) => ({
    key: `bells:c${address}`,
    equipmentId: 'bells',
    unit: 2,
    periodMs: 1000,
    definition: { id: 'c', kind: 'command', type: 'bool', address: { table, address } },
  }));
}

/** Plans `points` (the last request of the plan), reads it on a scheduler over `device`, splits it as the driver does. */
async function readThrough(device: SparseDevice, points: ModbusBoundPoint[], cuts: ReadCut[] = []): Promise<SplitRead> {
  const bus = new BusScheduler(device.execute, DEFAULT_SCHEDULER_OPTIONS);
  bus.setConnected(true);
  const request = planReads(points, { maxBitGap: 2000, cuts }).requests.at(-1);
  if (request === undefined) throw new Error('nothing planned');
  const { unit, table, address, count } = request;
  const refused = await bus.read({ kind: 'read', unit, table, address, count });
  return new Promise((resolve) => {
    readSplitting(request, refused, new Date(), (r, done) => bus.submit(r, done), resolve);
  });
}

const spans = (read: SplitRead) =>
  read.pieces.map((piece) => `${piece.request.address}+${piece.request.count} ${piece.outcome.ok ? 'ok' : 'refused'}`);

describe('reading again in pieces a joined request refused with exception 02', () => {
  it('isolates the hole a request bridged, reads both sides, and proves one cut', async () => {
    const device = new SparseDevice(new Set([0, 1, 2, 16, 17, 18]));
    const read = await readThrough(device, coils([0, 1, 2, 16, 17, 18]));
    expect(device.sent).toEqual(['0+19', '0+3', '16+3']);
    expect(spans(read)).toEqual(['0+3 ok', '16+3 ok']);
    expect(read.cuts).toEqual([{ unit: 2, table: 'coil', address: 16 }]);
    expect(read.pieces.flatMap((piece) => piece.request.points.map((slot) => [slot.point.key, slot.offset]))).toEqual(
      [0, 1, 2, 16, 17, 18].map((address, index) => [`bells:c${address}`, index % 3]),
    );
  });

  it('isolates a point the device does not have, refused on its own, and cuts it off on both sides', async () => {
    const device = new SparseDevice(new Set([0, 2, 3]));
    const read = await readThrough(device, coils([0, 1, 2, 3]));
    expect(spans(read)).toEqual(['0+1 ok', '1+1 refused', '2+2 ok']);
    expect(read.cuts).toEqual(
      expect.arrayContaining([
        { unit: 2, table: 'coil', address: 1 },
        { unit: 2, table: 'coil', address: 2 },
      ]),
    );
    expect(read.cuts.every((cut) => cut.address === 1 || cut.address === 2)).toBe(true);
  });

  it('reads every point of a request with two holes, and proves the cuts one read after the other', async () => {
    const device = new SparseDevice(new Set([0, 1, 10, 11, 40, 41]));
    const points = coils([0, 1, 10, 11, 40, 41]);
    const first = await readThrough(device, points);
    expect(spans(first)).toEqual(['0+2 ok', '10+2 ok', '40+2 ok']);
    // Only the cut both of whose sides answered is proven: 0..11 was refused too, so 40 may not be a hole's end.
    expect(first.cuts).toEqual([{ unit: 2, table: 'coil', address: 10 }]);
    const second = await readThrough(device, points, first.cuts);
    expect(spans(second)).toEqual(['10+2 ok', '40+2 ok']);
    expect(second.cuts).toEqual([{ unit: 2, table: 'coil', address: 40 }]);
  });

  it('gives back a request it cannot split (one point) as it was, refused', async () => {
    const device = new SparseDevice(new Set([0]));
    const read = await readThrough(device, coils([5]));
    expect(spans(read)).toEqual(['5+1 refused']);
    expect(device.sent).toEqual(['5+1']);
  });
});
