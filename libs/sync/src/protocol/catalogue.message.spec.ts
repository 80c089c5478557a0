import { SyncException, SyncExceptionCode } from '../sync.exception';
import { catalogue, desiredResult } from '../sync.fixtures';
import { parseCentralFrame, parseGatewayFrame } from './parse-frame';

const limits = { maxBytes: 64 * 1024 };

function problemsOf(run: () => unknown): SyncException {
  try {
    run();
  } catch (error) {
    if (error instanceof SyncException) return error;
    throw error;
  }
  throw new Error('expected the frame to be refused');
}

describe('catalogue and desired.result frames', () => {
  it('keeps names, units, states, ranges and feedback keys of a catalogue as sent', () => {
    const parsed = parseGatewayFrame(JSON.stringify(catalogue()), limits);
    expect(parsed).toEqual(catalogue());
  });

  it.each([
    [
      'a point of an unknown kind',
      catalogue({
        equipment: [{ id: 'a', profile: 'p', points: [{ id: 'x', kind: 'relay', type: 'bool', writable: true }] }],
      } as never),
      'equipment[0].points[0].kind',
      /expected one of command/,
    ],
    [
      'a point without its writable flag',
      catalogue({
        equipment: [{ id: 'a', profile: 'p', points: [{ id: 'x', kind: 'command', type: 'bool' }] }],
      } as never),
      'equipment[0].points[0].writable',
      /boolean/,
    ],
    ['a short hash', catalogue({ hash: 'abc' }), 'hash', /64 hexadecimal digits/],
    [
      'a config schedule said to come from central',
      catalogue({
        schedules: [{ id: 's', kind: 'lighting', targets: {}, document: {}, source: 'central' }],
      } as never),
      'schedules[0].source',
      /config/,
    ],
    [
      'a schedule of an unknown kind',
      catalogue({ schedules: [{ id: 's', kind: 'sirens', targets: {}, document: {}, source: 'config' }] } as never),
      'schedules[0].kind',
      /lighting \| heating \| bells/,
    ],
    [
      'a refusal of an unknown section',
      desiredResult({ refused: [{ section: 'alarms', key: 'x', reason: 'no' }] } as never),
      'refused[0].section',
      /config \| schedules \| overrides/,
    ],
    [
      'a refusal without its reason',
      desiredResult({ refused: [{ section: 'schedules', key: 'x' }] } as never),
      'refused[0].reason',
      /expected a reason/,
    ],
  ])('names the field of %s', (_case, message, path, problem) => {
    const error = problemsOf(() => parseGatewayFrame(JSON.stringify(message), limits));
    expect(error.code).toBe(SyncExceptionCode.InvalidMessage);
    expect(error.problems).toContainEqual({ path, message: expect.stringMatching(problem) as string });
  });

  it('refuses a catalogue.stored without a hash from central', () => {
    const error = problemsOf(() => parseCentralFrame(JSON.stringify({ type: 'catalogue.stored', v: 1 }), limits));
    expect(error.problems).toContainEqual({ path: 'hash', message: expect.stringMatching(/hash/) as string });
  });
});
