import type { DataType, ModbusTable } from '@beffroi/domain';
import { type ModbusBoundPoint, planReads, pointData, type ReadPlan, type ReadPlanOptions } from './read-plan';

interface PointSpec {
  type?: DataType;
  unit?: number;
  bit?: number;
  length?: number;
}

function bound(key: string, table: ModbusTable, address: number, spec: PointSpec = {}): ModbusBoundPoint {
  const bitTable = table === 'coil' || table === 'discrete-input';
  const type = spec.type ?? (bitTable || spec.bit !== undefined ? 'bool' : 'uint16');
  return {
    key,
    equipmentId: 'cabinet',
    unit: spec.unit ?? 1,
    periodMs: 1000,
    definition: {
      id: 'point.value',
      kind: 'measure',
      type,
      address: { table, address, bit: spec.bit, length: spec.length },
    },
  };
}

/** `count` one-register (or one-bit) points side by side from `address`. */
function row(table: ModbusTable, address: number, count: number): ModbusBoundPoint[] {
  return Array.from({ length: count }, (_, index) => bound(`p${address + index}`, table, address + index));
}

/** Each request as `unit table address+count: key@offset...`, for compact expectations. */
function summary(plan: ReadPlan): string[] {
  return plan.requests.map(
    (request) =>
      `${request.unit} ${request.table} ${request.address}+${request.count}: ` +
      request.points.map((slot) => `${slot.point.key}@${slot.offset}`).join(' '),
  );
}

/** Counts only: `address+count` per request. */
function spans(plan: ReadPlan): string[] {
  return plan.requests.map((request) => `${request.address}+${request.count}`);
}

/** A fixed pseudo-random sequence (a linear congruential generator), so the test is the same on every run. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('read plan', () => {
  it('plans nothing for no points', () => {
    expect(planReads([])).toEqual({ requests: [], unplanned: [] });
  });

  it('joins contiguous registers into one request, with each point at its offset', () => {
    const plan = planReads([
      bound('a', 'holding-register', 10),
      bound('b', 'holding-register', 11, { type: 'float32' }),
    ]);
    expect(plan.requests).toEqual([
      {
        unit: 1,
        table: 'holding-register',
        address: 10,
        count: 3,
        points: [
          { point: expect.objectContaining({ key: 'a' }), offset: 0, count: 1 },
          { point: expect.objectContaining({ key: 'b' }), offset: 1, count: 2 },
        ],
      },
    ]);
  });

  describe('gaps', () => {
    it.each<[string, ModbusTable, number, string[]]>([
      ['a register gap of maxGap (8) is read through', 'holding-register', 9, ['0+10']],
      ['a register gap of maxGap + 1 splits', 'holding-register', 10, ['0+1', '10+1']],
      ['a bit gap of maxGap (32) is read through', 'coil', 33, ['0+34']],
      ['a bit gap of maxGap + 1 splits', 'discrete-input', 34, ['0+1', '34+1']],
    ])('%s', (_, table, second, expected) => {
      expect(spans(planReads([bound('a', table, 0), bound('b', table, second)]))).toEqual(expected);
    });

    it('measures the gap from the end of the widest point so far', () => {
      const points = [
        bound('text', 'input-register', 0, { type: 'string', length: 10 }),
        bound('inner', 'input-register', 2),
        bound('next', 'input-register', 18),
      ];
      expect(summary(planReads(points))).toEqual(['1 input-register 0+19: text@0 inner@2 next@18']);
    });

    it.each<[Partial<ReadPlanOptions>, string[]]>([
      [{ maxRegisterGap: 0 }, ['0+1', '2+1', '10+1']],
      [{ maxRegisterGap: 1 }, ['0+3', '10+1']],
      [{ maxRegisterGap: 6 }, ['0+3', '10+1']],
      [{ maxRegisterGap: 7 }, ['0+11']],
    ])('follows a configured gap %j', (options, expected) => {
      const points = [0, 2, 10].map((address) => bound(`r${address}`, 'holding-register', address));
      expect(spans(planReads(points, options))).toEqual(expected);
    });

    it('follows a configured bit gap', () => {
      const points = [bound('a', 'coil', 0), bound('b', 'coil', 2)];
      expect(spans(planReads(points, { maxBitGap: 0 }))).toEqual(['0+1', '2+1']);
      expect(spans(planReads(points, { maxBitGap: 1 }))).toEqual(['0+3']);
    });
  });

  describe('register limit (125)', () => {
    it.each<[number, string[]]>([
      [124, ['0+124']],
      [125, ['0+125']],
      [126, ['0+125', '125+1']],
    ])('%i contiguous registers give %j', (count, expected) => {
      expect(spans(planReads(row('holding-register', 0, count)))).toEqual(expected);
    });

    it.each<[number, string[]]>([
      [122, ['0+124']],
      [123, ['0+125']],
      [124, ['0+120', '124+2']],
    ])('a float32 at %i after a 120-register string across a gap gives %j', (address, expected) => {
      const points = [
        bound('text', 'input-register', 0, { type: 'string', length: 120 }),
        bound('float', 'input-register', address, { type: 'float32' }),
      ];
      expect(spans(planReads(points))).toEqual(expected);
    });

    it('moves a 4-register point that would cross the limit whole into the next request', () => {
      const fits = [bound('text', 'holding-register', 0, { type: 'string', length: 121 })];
      const float64At = (address: number) => bound('float', 'holding-register', address, { type: 'float64' });
      expect(spans(planReads([...fits, float64At(121)]))).toEqual(['0+125']);
      const crosses = [bound('text', 'holding-register', 0, { type: 'string', length: 122 }), float64At(122)];
      expect(summary(planReads(crosses))).toEqual([
        '1 holding-register 0+122: text@0',
        '1 holding-register 122+4: float@0',
      ]);
    });

    it('follows a lower configured limit', () => {
      expect(spans(planReads(row('input-register', 0, 25), { maxRegisters: 10 }))).toEqual(['0+10', '10+10', '20+5']);
    });

    it('lists a point larger than the limit as unplanned, with the reason, and plans the others', () => {
      const text = bound('text', 'holding-register', 0, { type: 'string', length: 20 });
      const plan = planReads([text, bound('after', 'holding-register', 20)], { maxRegisters: 16 });
      expect(summary(plan)).toEqual(['1 holding-register 20+1: after@0']);
      expect(plan.unplanned).toEqual([
        { point: text, reason: 'string of 20 registers exceeds the read limit of 16 registers' },
      ]);
    });
  });

  describe('bit limit (2000)', () => {
    it.each<[number, string[]]>([
      [1999, ['0+1999']],
      [2000, ['0+2000']],
      [2001, ['0+2000', '2000+1']],
    ])('%i contiguous coils give %j', (count, expected) => {
      expect(spans(planReads(row('coil', 0, count)))).toEqual(expected);
    });

    it('follows a lower configured limit', () => {
      expect(spans(planReads(row('discrete-input', 100, 20), { maxBits: 8 }))).toEqual(['100+8', '108+8', '116+4']);
    });
  });

  describe('overlapping points', () => {
    it('reads the bits of one register and the register itself once', () => {
      const points = [
        bound('word', 'holding-register', 10),
        bound('bit3', 'holding-register', 10, { bit: 3 }),
        bound('bit0', 'holding-register', 10, { bit: 0 }),
      ];
      expect(summary(planReads(points))).toEqual(['1 holding-register 10+1: bit0@0 bit3@0 word@0']);
    });

    it('joins points that share some registers', () => {
      const points = [
        bound('float', 'input-register', 10, { type: 'float32' }),
        bound('low', 'input-register', 11),
        bound('double', 'input-register', 11, { type: 'float64' }),
      ];
      expect(summary(planReads(points))).toEqual(['1 input-register 10+5: float@0 low@1 double@1']);
    });

    it('lets a point overlap the previous request when it cannot join it', () => {
      const points = [
        bound('text', 'holding-register', 0, { type: 'string', length: 124 }),
        bound('double', 'holding-register', 123, { type: 'float64' }),
      ];
      expect(spans(planReads(points))).toEqual(['0+124', '123+4']);
    });
  });

  it('plans each table apart, in table order', () => {
    const points = [
      bound('ir', 'input-register', 0),
      bound('hr', 'holding-register', 0),
      bound('di', 'discrete-input', 0),
      bound('co', 'coil', 0),
      bound('co1', 'coil', 1),
    ];
    expect(summary(planReads(points))).toEqual([
      '1 coil 0+2: co@0 co1@1',
      '1 discrete-input 0+1: di@0',
      '1 holding-register 0+1: hr@0',
      '1 input-register 0+1: ir@0',
    ]);
  });

  it('plans each unit apart, in unit order', () => {
    const points = [
      bound('b0', 'holding-register', 0, { unit: 2 }),
      bound('a1', 'holding-register', 1, { unit: 1 }),
      bound('b1', 'holding-register', 1, { unit: 2 }),
      bound('a0', 'holding-register', 0, { unit: 1 }),
      bound('c0', 'coil', 0, { unit: 247 }),
    ];
    expect(summary(planReads(points))).toEqual([
      '1 holding-register 0+2: a0@0 a1@1',
      '2 holding-register 0+2: b0@0 b1@1',
      '247 coil 0+1: c0@0',
    ]);
  });

  it('gives the same plan whatever the order of its input', () => {
    const next = sequence(42);
    const points = [
      ...row('holding-register', 0, 40),
      bound('f', 'holding-register', 41, { type: 'float32' }),
      bound('bit', 'holding-register', 3, { bit: 7 }),
      ...row('coil', 500, 30),
      bound('u2', 'input-register', 7, { unit: 2 }),
    ];
    const reference = planReads(points);
    for (let round = 0; round < 10; round++) {
      const shuffled = points
        .map((point) => ({ point, rank: next() }))
        .sort((a, b) => a.rank - b.rank)
        .map(({ point }) => point);
      expect(planReads(shuffled)).toEqual(reference);
    }
  });

  it('keeps every point whole inside one request within the limits', () => {
    const next = sequence(7);
    const tables: ModbusTable[] = ['coil', 'discrete-input', 'holding-register', 'input-register'];
    const types: DataType[] = ['uint16', 'int32', 'float32', 'int64', 'float64'];
    const points = Array.from({ length: 2000 }, (_, index) => {
      const table = tables[Math.floor(next() * tables.length)] ?? 'coil';
      const spec: PointSpec = { unit: 1 + Math.floor(next() * 3) };
      if (table === 'holding-register' || table === 'input-register') {
        const pick = next();
        if (pick < 0.1) spec.length = 1 + Math.floor(next() * 40);
        spec.type = pick < 0.1 ? 'string' : types[Math.floor(next() * types.length)];
      }
      return bound(`p${index}`, table, Math.floor(next() * 3000), spec);
    });
    const plan = planReads(points);
    expect(plan.unplanned).toEqual([]);
    expect(plan.requests.flatMap((request) => request.points).length).toBe(points.length);
    for (const request of plan.requests) {
      const limit = request.table === 'coil' || request.table === 'discrete-input' ? 2000 : 125;
      expect(request.count).toBeLessThanOrEqual(limit);
      for (const slot of request.points) {
        expect(slot.offset).toBeGreaterThanOrEqual(0);
        expect(slot.offset + slot.count).toBeLessThanOrEqual(request.count);
        expect(request.address + slot.offset).toBe(slot.point.definition.address.address);
      }
    }
  });

  it.each<[Partial<ReadPlanOptions>, string]>([
    [{ maxRegisters: 126 }, 'maxRegisters must be an integer 1..125, got 126'],
    [{ maxRegisters: 0 }, 'maxRegisters must be an integer 1..125, got 0'],
    [{ maxBits: 2001 }, 'maxBits must be an integer 1..2000, got 2001'],
    [{ maxRegisterGap: -1 }, 'maxRegisterGap must be an integer 0..9007199254740991, got -1'],
    [{ maxBitGap: 1.5 }, 'maxBitGap must be an integer 0..9007199254740991, got 1.5'],
  ])('refuses options %j', (options, message) => {
    expect(() => planReads([], options)).toThrow(new RangeError(message));
  });

  describe('pointData', () => {
    it("slices a point's registers out of its request's response", () => {
      const [request] = planReads([
        bound('a', 'holding-register', 100),
        bound('f', 'holding-register', 103, { type: 'float32' }),
      ]).requests;
      expect(request?.count).toBe(5);
      const response = [0x0001, 0xdead, 0xbeef, 0x42f6, 0xe979];
      expect(request?.points.map((slot) => pointData(response, slot))).toEqual([[0x0001], [0x42f6, 0xe979]]);
    });

    it('slices bits out of a coil response padded to whole bytes', () => {
      const [request] = planReads([bound('a', 'coil', 8), bound('b', 'coil', 10)]).requests;
      const response = [false, false, true, false, false, false, false, false];
      expect(request?.points.map((slot) => pointData(response, slot))).toEqual([[false], [true]]);
    });

    it('gives a short slice for a short response, for the codec to refuse', () => {
      const [request] = planReads([bound('f', 'input-register', 0, { type: 'float32' })]).requests;
      expect(pointData([0x42f6], request!.points[0]!)).toEqual([0x42f6]);
    });
  });

  describe('holes: addresses the equipment does not have', () => {
    /** The simulated bell controller: swing coils 0..2, strike coils 16..18, nothing in between. */
    const bellCoils = (readPlan?: ModbusBoundPoint['readPlan']) =>
      [0, 1, 2, 16, 17, 18].map((address) => ({
        ...bound(`c${address}`, 'coil', address),
        ...(readPlan === undefined ? {} : { readPlan }),
      }));

    it('bridges a gap the bus allows when nothing says it is a hole', () => {
      expect(spans(planReads(bellCoils()))).toEqual(['0+19']);
    });

    it("never reads across a range the profile's noBridge says the equipment does not have", () => {
      const plan = planReads(bellCoils({ noBridge: [{ table: 'coil', from: 3, to: 15 }] }));
      expect(spans(plan)).toEqual(['0+3', '16+3']);
    });

    it('keeps a noBridge range to its own table', () => {
      const points = [
        ...bellCoils({ noBridge: [{ table: 'discrete-input', from: 3, to: 15 }] }),
        ...[0, 16].map((address) => ({
          ...bound(`d${address}`, 'discrete-input', address),
          readPlan: { noBridge: [{ table: 'discrete-input' as const, from: 3, to: 15 }] },
        })),
      ];
      expect(summary(planReads(points)).map((line) => line.split(':')[0])).toEqual([
        '1 coil 0+19',
        '1 discrete-input 0+1',
        '1 discrete-input 16+1',
      ]);
    });

    it('never reads across a cut learned from the equipment, on that unit only', () => {
      const other = [0, 16].map((address) => bound(`u2c${address}`, 'coil', address, { unit: 2 }));
      const plan = planReads([...bellCoils(), ...other], { cuts: [{ unit: 1, table: 'coil', address: 16 }] });
      expect(summary(plan).map((line) => line.split(':')[0])).toEqual(['1 coil 0+3', '1 coil 16+3', '2 coil 0+17']);
    });

    it('reads a point cut off on both sides on its own', () => {
      const cuts = [
        { unit: 1, table: 'coil' as const, address: 1 },
        { unit: 1, table: 'coil' as const, address: 2 },
      ];
      expect(spans(planReads(bellCoils(), { cuts }))).toEqual(['0+1', '1+1', '2+17']);
    });

    it("joins no wider than the profile's maxGap, nor than the bus allows", () => {
      expect(spans(planReads(bellCoils({ maxGap: 0, noBridge: [] })))).toEqual(['0+3', '16+3']);
      expect(spans(planReads(bellCoils({ maxGap: 100, noBridge: [] }), { maxBitGap: 4 }))).toEqual(['0+3', '16+3']);
      expect(spans(planReads(bellCoils({ maxGap: 13, noBridge: [] })))).toEqual(['0+19']);
    });
  });
});
