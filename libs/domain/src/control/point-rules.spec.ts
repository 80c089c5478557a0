import { profileSchema } from '../profile.schema';
import { DocumentException } from '../validation/document.exception';
import { validateDocument } from '../validation/parse-document';

const setpoint = {
  id: 'zone.1.setpoint',
  kind: 'setpoint',
  type: 'uint16',
  address: { table: 'holding-register', address: 0 },
};
const mode = {
  id: 'zone.1.mode',
  kind: 'setpoint',
  type: 'string',
  address: { table: 'holding-register', address: 1, length: 4 },
};

function problemsOf(points: unknown[]): string[] {
  try {
    validateDocument(profileSchema, { id: 'zone', name: 'Zone', protocol: 'modbus', points }, 'zone.yaml');
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('profile point rules: range and values', () => {
  it('accepts a range on a number and values on a string', () => {
    expect(
      problemsOf([
        { ...setpoint, range: { min: 5, max: 30 } },
        { ...mode, values: ['comfort', 'eco'] },
      ]),
    ).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    [
      'an upside-down range',
      { ...setpoint, range: { min: 30, max: 5 } },
      ['points[0].range: expected min ≤ max, got a mapping'],
    ],
    ['a range on a string', { ...mode, range: { min: 0, max: 1 } }, ['points[0].range: a string point has no range']],
    [
      'values on a number',
      { ...setpoint, values: ['comfort'] },
      ['points[0].values: values list the texts a string point accepts; this point is uint16'],
    ],
    ['an empty list of values', { ...mode, values: [] }, ['points[0].values: expected at least one value, got a list']],
  ])('refuses %s, naming the key', (_name, point, problems) => {
    expect(problemsOf([point])).toEqual(problems);
  });
});
