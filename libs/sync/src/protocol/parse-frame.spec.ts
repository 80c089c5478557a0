import { SyncException, SyncExceptionCode } from '../sync.exception';
import { AT, catalogue, command, desiredResult, GATEWAY, hello, switching, telemetry } from '../sync.fixtures';
import { parseCentralFrame, parseGatewayFrame } from './parse-frame';
import {
  CENTRAL_MESSAGE_VERSIONS,
  type CentralMessage,
  encodeMessage,
  GATEWAY_MESSAGE_VERSIONS,
  type GatewayMessage,
} from './sync.message';

const limits = { maxBytes: 64 * 1024 };

function envelope(seq: number, message = telemetry('armoire-1:meter.l1.voltage')) {
  return { ...message, gatewayId: GATEWAY, seq };
}

const fromGateway: GatewayMessage[] = [
  hello({ desiredVersion: 7, outbox: { firstSeq: 3, lastSeq: 9 } }),
  hello({ outbox: { firstSeq: 1, lastSeq: 0 }, incarnation: '0f6c3b1e-2d4a-4e8b-9c1d-5a7e3f2b8c90' }),
  { type: 'report', v: 1, after: 2, messages: [envelope(3), envelope(5, switching())] },
  { type: 'desired.applied', v: 1, version: 7 },
  { type: 'desired.resync', v: 1, version: 6 },
  { type: 'clock.ping', v: 1, id: 1, sentAt: AT },
  { type: 'clock.pong', v: 1, id: 2, pingSentAt: AT, receivedAt: AT, sentAt: AT },
  catalogue(),
  desiredResult(),
];

const fromCentral: CentralMessage[] = [
  {
    type: 'welcome',
    v: 1,
    result: 'accepted',
    gatewayId: GATEWAY,
    protocolVersion: 1,
    desiredVersion: 8,
    serverTime: AT,
  },
  { type: 'welcome', v: 1, result: 'refused', reason: 'revoked', message: 'credential revoked on 2027-01-10' },
  {
    type: 'desired.snapshot',
    v: 1,
    version: 8,
    desired: {
      config: { polling: { periodMs: 1000 } },
      schedules: { eclairage: { programme: ['sunset+15min'] } },
      overrides: { 'armoire-1:circuit.1.command': { value: true, until: AT } },
    },
  },
  {
    type: 'desired.delta',
    v: 1,
    baseVersion: 7,
    version: 8,
    set: { schedules: { cloches: { angelus: true } } },
    remove: { overrides: ['armoire-1:circuit.1.command'] },
  },
  command(),
  command({ action: 'override-until', value: true, until: '2027-01-16T01:00:00Z' } as never),
  command({ action: 'ring', pointKey: 'cloches:bell.1.swing', value: 'angelus' } as never),
  {
    type: 'command',
    v: 1,
    id: 'cmd-4',
    pointKey: 'armoire-1:circuit.1.command',
    action: 'release',
    notAfter: AT,
    issuedAt: AT,
  },
  { type: 'ack', v: 1, upTo: 4, seqs: [6, 9] },
  { type: 'clock.ping', v: 1, id: 1, sentAt: AT },
  { type: 'clock.pong', v: 1, id: 2, pingSentAt: AT, receivedAt: AT, sentAt: AT },
  { type: 'catalogue.stored', v: 1, hash: 'a'.repeat(64) },
];

const label = (m: GatewayMessage | CentralMessage) => (m.type === 'command' ? `command ${m.action}` : m.type);

describe('sync frames', () => {
  it.each(fromGateway.map((m) => [label(m), m] as const))('round-trips %s from a gateway', (_type, message) => {
    expect(parseGatewayFrame(encodeMessage(message), limits)).toEqual(message);
    expect(parseGatewayFrame(Buffer.from(encodeMessage(message)), limits)).toEqual(message);
  });

  it.each(fromCentral.map((m) => [label(m), m] as const))('round-trips %s from central', (_type, message) => {
    expect(parseCentralFrame(encodeMessage(message), limits)).toEqual(message);
  });

  it('has a sample for every message type each side accepts', () => {
    expect(new Set(fromGateway.map((m) => m.type))).toEqual(new Set(Object.keys(GATEWAY_MESSAGE_VERSIONS)));
    expect(new Set(fromCentral.map((m) => m.type))).toEqual(new Set(Object.keys(CENTRAL_MESSAGE_VERSIONS)));
  });

  function failure(run: () => unknown): SyncException {
    try {
      run();
    } catch (error) {
      if (error instanceof SyncException) return error;
      throw error;
    }
    throw new Error('expected the frame to be refused');
  }

  const valid = JSON.parse(encodeMessage(hello())) as Record<string, unknown>;
  const framed = (changes: Record<string, unknown>) => JSON.stringify({ ...valid, ...changes });

  it.each([
    ['malformed JSON', '{"type":"hello",', SyncExceptionCode.MalformedFrame, /^frame is not JSON: /],
    ['a JSON list', '[1,2]', SyncExceptionCode.NotAMessage, /got a list$/],
    ['a JSON string', '"hello"', SyncExceptionCode.NotAMessage, /got "hello"$/],
    ['no type', JSON.stringify({ v: 1 }), SyncExceptionCode.NotAMessage, /^type: expected a message type, got nothing/],
    ['an unknown type', framed({ type: 'subscribe' }), SyncExceptionCode.UnknownType, /"subscribe" from a gateway/],
    ['a type only central sends', framed({ type: 'command' }), SyncExceptionCode.UnknownType, /"command"/],
    ['an unknown version', framed({ v: 2 }), SyncExceptionCode.UnknownVersion, /^v: hello version 2 is not supported/],
    ['no version', framed({ v: undefined }), SyncExceptionCode.NotAMessage, /^v: expected a message version/],
    ['a fractional version', framed({ v: 1.5 }), SyncExceptionCode.NotAMessage, /got 1.5$/],
    ['an empty incarnation', framed({ incarnation: '' }), SyncExceptionCode.InvalidMessage, /incarnation: expected/],
  ])('refuses %s', (_case, frame, code, message) => {
    const error = failure(() => parseGatewayFrame(frame, limits));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('refuses a frame over the byte limit before decoding it, counting bytes rather than characters', () => {
    const text = encodeMessage(hello());
    expect(parseGatewayFrame(text, { maxBytes: Buffer.byteLength(text) }).type).toBe('hello');
    const accented = framed({ clock: AT, gatewayId: 'é'.repeat(10) });
    const error = failure(() => parseGatewayFrame(accented, { maxBytes: accented.length }));
    expect(error.code).toBe(SyncExceptionCode.FrameTooLarge);
    expect(error.message).toBe(`frame of ${accented.length + 10} bytes exceeds the limit of ${accented.length} bytes`);
    expect(failure(() => parseGatewayFrame('x'.repeat(11), { maxBytes: 10 })).code).toBe(
      SyncExceptionCode.FrameTooLarge,
    );
  });

  it('refuses bytes that are not UTF-8', () => {
    const error = failure(() => parseGatewayFrame(Buffer.from([0x7b, 0xff, 0x7d]), limits));
    expect(error.code).toBe(SyncExceptionCode.MalformedFrame);
    expect(error.message).toBe('frame is not valid UTF-8');
  });

  it.each([
    ['hello', framed({ gatewayId: 5 }), 'gatewayId', /expected an identifier/],
    ['hello', framed({ outbox: { firstSeq: 9, lastSeq: 3 } }), 'outbox.firstSeq', /firstSeq ≤ lastSeq \+ 1/],
    ['hello', framed({ password: 'x' }), '', /unknown key "password"/],
    ['hello', framed({ clock: 'yesterday' }), 'clock', /expected an ISO-8601 instant/],
    [
      'report',
      encodeMessage({ type: 'report', v: 1, after: 4, messages: [envelope(5), envelope(5)] } as never),
      'messages[1].seq',
      /expected seq > 5/,
    ],
    [
      'report',
      encodeMessage({ type: 'report', v: 1, after: 0, messages: [envelope(1, telemetry('circuit.1'))] } as never),
      'messages[0].payload.pointKey',
      /expected a point key "equipmentId:pointId"/,
    ],
    [
      'report',
      encodeMessage({
        type: 'report',
        v: 1,
        after: 0,
        messages: [
          { gatewayId: GATEWAY, seq: 1, class: 'commandResult', payload: { commandId: 'c', status: 'failed', at: AT } },
        ],
      } as never),
      'messages[0].payload.reason',
      /^expected a reason .*, got nothing$/,
    ],
  ])('names the field of an invalid %s: %s', (type, frame, path, message) => {
    const error = failure(() => parseGatewayFrame(frame, limits));
    expect(error.code).toBe(SyncExceptionCode.InvalidMessage);
    expect(error.message).toMatch(new RegExp(`^invalid ${type} v1 from a gateway:\\n`));
    expect(error.problems).toContainEqual({ path, message: expect.stringMatching(message) as string });
  });

  it.each([
    ['an override without its end', command({ action: 'override-until' }), 'until', /got nothing$/],
    ['a ring without what to ring', command({ action: 'ring', value: undefined } as never), 'value', /expected/],
    ['an unknown action', command({ action: 'toggle' } as never), 'action', /switch/],
    ['a bad deadline', command({ notAfter: '18:05' }), 'notAfter', /ISO-8601/],
    [
      'a delta that goes backwards',
      { type: 'desired.delta', v: 1, baseVersion: 8, version: 8, set: {}, remove: {} },
      'version',
      /version > baseVersion/,
    ],
    ['an ack below its own prefix', { type: 'ack', v: 1, upTo: 9, seqs: [4] }, 'seqs', /above upTo/],
    [
      'a snapshot with an override on a malformed point key',
      { type: 'desired.snapshot', v: 1, version: 1, desired: { config: {}, schedules: {}, overrides: { x: 1 } } },
      'desired.overrides.x',
      /^invalid key: expected a point key/,
    ],
  ])('names the field of %s from central', (_case, message, path, problem) => {
    const error = failure(() => parseCentralFrame(JSON.stringify(message), limits));
    expect(error.code).toBe(SyncExceptionCode.InvalidMessage);
    expect(error.problems).toContainEqual({ path, message: expect.stringMatching(problem) as string });
  });
});
