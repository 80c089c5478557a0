import { profileSchema } from './profile.schema';
import { DocumentException } from './validation/document.exception';
import { validateDocument } from './validation/parse-document';

function profile(points: unknown[]): Record<string, unknown> {
  return { id: 'cabinet', name: 'Cabinet', protocol: 'modbus', points };
}

const command = { id: 'circuit.1.command', kind: 'command', type: 'bool', address: { table: 'coil', address: 0 } };
const feedback = {
  id: 'circuit.1.feedback',
  kind: 'feedback',
  type: 'bool',
  address: { table: 'discrete-input', address: 0 },
};

const energy = {
  id: 'meter.energy',
  kind: 'measure',
  type: 'uint32',
  unit: 'kWh',
  address: { table: 'input-register', address: 30 },
};

function problemsOf(input: unknown): string[] {
  try {
    validateDocument(profileSchema, input, 'cabinet.yaml');
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('equipment profile', () => {
  it('accepts a valid profile and applies defaults', () => {
    const parsed = validateDocument(
      profileSchema,
      profile([{ ...command, feedback: feedback.id }, feedback]),
      'p.yaml',
    );
    expect(parsed.defaults).toEqual({ period: 1000, byteOrder: 'big', wordOrder: 'big' });
  });

  it.each<[string, unknown[], string[]]>([
    ['duplicate point', [command, command], ['points[1].id: duplicate point id "circuit.1.command"']],
    [
      'register beyond 65535',
      [{ id: 'meter.energy', kind: 'measure', type: 'uint32', address: { table: 'input-register', address: 65535 } }],
      ['points[0].address.address: uint32 at 65535 ends at 65536, beyond the last address 65535'],
    ],
    [
      'address out of range',
      [{ ...feedback, address: { table: 'discrete-input', address: 70000 } }],
      ['points[0].address.address: expected integer 0..65535, got 70000'],
    ],
    ['float in a coil', [{ ...command, type: 'float32' }], ['points[0].address.table: a coil holds bool, not float32']],
    [
      'bool in a register without its bit',
      [{ id: 'door.open', kind: 'alarm', type: 'bool', address: { table: 'input-register', address: 3 } }],
      ['points[0].address.bit: a bool in a input-register needs its bit 0..15'],
    ],
    [
      'command in a read-only table',
      [{ ...command, address: { table: 'discrete-input', address: 0 } }],
      [
        'points[0].address.table: a command point must be in a writable table (coil | holding-register), got discrete-input',
      ],
    ],
    [
      'unknown feedback',
      [{ ...command, feedback: 'circuit.9.feedback' }],
      ['points[0].feedback: unknown point "circuit.9.feedback"'],
    ],
    [
      'unknown data type',
      [{ ...feedback, type: 'double' }],
      [
        'points[0].type: expected one of bool | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64 | string, got "double"',
      ],
    ],
    [
      'bad point id',
      [{ ...feedback, id: 'Circuit 1' }],
      ['points[0].id: expected a point id such as "circuit.1.command", got "Circuit 1"'],
    ],
    [
      'a counter on a command',
      [{ ...command, counter: true }],
      ['points[0].counter: a counter is a measure read from the equipment; this point is a command point'],
    ],
    [
      'a counter on a bool measure',
      [{ ...feedback, kind: 'measure', counter: true }],
      ['points[0].counter: a counter holds a number; this point is bool'],
    ],
    [
      'a counter that is not a boolean',
      [{ ...energy, counter: 'yes' }],
      ['points[0].counter: expected true or false, got "yes"'],
    ],
  ])('rejects %s', (_name, points, expected) => {
    expect(problemsOf(profile(points))).toEqual(expected);
  });

  it('accepts a numeric measure marked as a counter', () => {
    expect(problemsOf(profile([{ ...energy, counter: true }]))).toEqual([]);
    expect(problemsOf(profile([{ ...energy, counter: false }]))).toEqual([]);
  });

  it('rejects an OPC UA profile with a malformed node id', () => {
    expect(
      problemsOf({
        id: 'heating',
        name: 'Heating',
        protocol: 'opcua',
        points: [{ id: 'zone.1.mode', kind: 'setpoint', type: 'string', address: { nodeId: 'Zone1.Mode' } }],
      }),
    ).toEqual([
      'points[0].address.nodeId: expected an OPC UA node id such as "nsu=urn:example;s=Zone1.Mode" or "ns=1;i=1001", got "Zone1.Mode"',
    ]);
  });
});
