import { isPermanentWriteFailure, type PointValueRules, valueProblem } from './point-value';

const mode: PointValueRules = { type: 'string', values: ['comfort', 'eco', 'frost'] };
const setpoint: PointValueRules = { type: 'float64', range: { min: 5, max: 30 } };
const level: PointValueRules = { type: 'uint16' };
const selector: PointValueRules = { type: 'uint16', states: { '0': 'auto', '1': 'forced', '2': 'off' } };
const contactor: PointValueRules = { type: 'bool' };

describe('valueProblem: a value checked against its point before it enters a priority array', () => {
  const cases: [string, PointValueRules, boolean | number | string, string | undefined][] = [
    ['a mode the zone knows', mode, 'eco', undefined],
    ['a typo in a mode', mode, 'confort', 'p: expected comfort | eco | frost, got "confort"'],
    ['a number for a mode', mode, 1, 'p is a string point, expected a string, got 1'],
    ['a string point without a list of values takes any text', { type: 'string' }, 'anything', undefined],
    ['a setpoint within its range', setpoint, 19.5, undefined],
    ['both ends of the range', setpoint, 5, undefined],
    ['a setpoint above its range', setpoint, 45, 'p: expected 5..30, got 45'],
    ['a setpoint below its range', setpoint, 4.9, 'p: expected 5..30, got 4.9'],
    ['text for a setpoint', setpoint, 'chaud', 'p is a float64 point, expected a number, got "chaud"'],
    ['an integer register', level, 65_535, undefined],
    ['beyond a uint16', level, 65_536, 'p is a uint16 point, expected an integer 0..65535, got 65536'],
    ['a fraction in an integer register', level, 12.5, 'p is a uint16 point, expected an integer 0..65535, got 12.5'],
    ['a negative uint16', level, -1, 'p is a uint16 point, expected an integer 0..65535, got -1'],
    ['a state label', selector, 'forced', undefined],
    ['an unknown state', selector, 'manual', 'p: expected auto | forced | off, got "manual"'],
    ['a boolean', contactor, true, undefined],
    ['a number for a contactor', contactor, 1, 'p is a bool point, expected a boolean, got 1'],
  ];

  it.each(cases)('%s', (_name, rules, value, problem) => {
    expect(valueProblem('p', rules, value)).toBe(problem);
  });
});

describe('isPermanentWriteFailure: what retrying can never fix', () => {
  const cases: [string, boolean][] = [
    ['exception 3: Illegal data value (value not permitted by slave)', true],
    ['exception 2: Illegal data address', true],
    ['exception 1: Illegal function', true],
    ['BadOutOfRange', true],
    ['BadTypeMismatch', true],
    ['BadNotWritable', true],
    ['point "circuit.1.level": 70000 is outside 0..65535 (uint16)', true],
    ['expected one of "auto" | "forced" | "off", got "manual"', true],
    ['exception 4: Slave device failure', false],
    ['exception 6: Slave device busy', false],
    ['timeout: no answer after 300 ms', false],
    ['cabinet:circuit.1.feedback shows false, expected true', false],
    ['not sent: the gateway is stopping and the bus is not connected', false],
    ['BadCommunicationError', false],
  ];

  it.each(cases)('%s → permanent: %s', (reason, permanent) => {
    expect(isPermanentWriteFailure(reason)).toBe(permanent);
  });
});
