import { profileSchema } from './profile.schema';
import { DocumentException } from './validation/document.exception';
import { validateDocument } from './validation/parse-document';

const swing = { id: 'bell.1.swing', kind: 'command', type: 'bool', address: { table: 'coil', address: 0 } };
const strike = { id: 'bell.1.strike', kind: 'command', type: 'bool', address: { table: 'coil', address: 16 } };

function bells(readPlan: unknown): Record<string, unknown> {
  return { id: 'bells', name: 'Bells', protocol: 'modbus', points: [swing, strike], readPlan };
}

function problemsOf(input: unknown): string[] {
  try {
    validateDocument(profileSchema, input, 'bells.yaml');
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('equipment profile: read planning', () => {
  it('accepts maxGap and the ranges the equipment does not have', () => {
    const parsed = validateDocument(
      profileSchema,
      bells({ maxGap: 0, noBridge: [{ table: 'coil', from: 1, to: 15 }] }),
      'bells.yaml',
    );
    expect(parsed.protocol === 'modbus' && parsed.readPlan).toEqual({
      maxGap: 0,
      noBridge: [{ table: 'coil', from: 1, to: 15 }],
    });
  });

  it('needs no readPlan', () => {
    expect(problemsOf(bells(undefined))).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['a negative maxGap', { maxGap: -1 }, ['readPlan.maxGap: expected integer 0..2000, got -1']],
    [
      'a range ending before it starts',
      { noBridge: [{ table: 'coil', from: 10, to: 3 }] },
      ['readPlan.noBridge[0].to: expected 10..65535 (not before from), got 3'],
    ],
    [
      'a range holding a point',
      { noBridge: [{ table: 'coil', from: 10, to: 20 }] },
      [
        'readPlan.noBridge[0]: point "bell.1.strike" (coil 16) lies in coil 10..20, which noBridge says the equipment does not have',
      ],
    ],
    [
      'an unknown table',
      { noBridge: [{ table: 'coils', from: 1, to: 2 }] },
      [
        'readPlan.noBridge[0].table: expected one of coil | discrete-input | holding-register | input-register, got "coils"',
      ],
    ],
    ['an unknown key', { maxgap: 2 }, ['readPlan: unknown key "maxgap"']],
  ])('rejects %s', (_name, readPlan, expected) => {
    expect(problemsOf(bells(readPlan))).toEqual(expected);
  });

  it('keeps readPlan to Modbus profiles', () => {
    const heating = {
      id: 'heating',
      name: 'Heating',
      protocol: 'opcua',
      points: [{ id: 'zone.1.mode', kind: 'setpoint', type: 'string', address: { nodeId: 'ns=1;s=Zone1.Mode' } }],
      readPlan: { maxGap: 0 },
    };
    expect(problemsOf(heating)).toEqual([': unknown key "readPlan"']);
  });
});
