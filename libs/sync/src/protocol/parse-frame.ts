import { describeValue, problemsFromIssues, renderProblems } from '@beffroi/domain';
import type { z } from 'zod';
import { SyncException, SyncExceptionCode } from '../sync.exception';
import {
  CENTRAL_MESSAGE_VERSIONS,
  centralMessageSchema,
  type CentralMessage,
  GATEWAY_MESSAGE_VERSIONS,
  gatewayMessageSchema,
  type GatewayMessage,
} from './sync.message';

/** A WebSocket frame as the socket library hands it over (text, or the bytes of a text or binary frame). */
export type RawFrame = string | Uint8Array;

export interface FrameLimits {
  /** Larger frames are refused before they are decoded. */
  maxBytes: number;
}

interface Direction<S extends z.ZodType> {
  sender: string;
  schema: S;
  versions: Readonly<Record<string, readonly number[]>>;
}

const FROM_GATEWAY: Direction<typeof gatewayMessageSchema> = {
  sender: 'a gateway',
  schema: gatewayMessageSchema,
  versions: GATEWAY_MESSAGE_VERSIONS,
};

const FROM_CENTRAL: Direction<typeof centralMessageSchema> = {
  sender: 'central',
  schema: centralMessageSchema,
  versions: CENTRAL_MESSAGE_VERSIONS,
};

/** Central's side: a frame received from a gateway, or a {@link SyncException} saying what is wrong with it. */
export function parseGatewayFrame(raw: RawFrame, limits: FrameLimits): GatewayMessage {
  return parseFrame(raw, limits, FROM_GATEWAY);
}

/** The gateway's side: a frame received from central, or a {@link SyncException} saying what is wrong with it. */
export function parseCentralFrame(raw: RawFrame, limits: FrameLimits): CentralMessage {
  return parseFrame(raw, limits, FROM_CENTRAL);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseFrame<S extends z.ZodType>(raw: RawFrame, limits: FrameLimits, direction: Direction<S>): z.output<S> {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (size > limits.maxBytes) {
    throw new SyncException(
      SyncExceptionCode.FrameTooLarge,
      `frame of ${size} bytes exceeds the limit of ${limits.maxBytes} bytes`,
    );
  }
  const input = parseJson(typeof raw === 'string' ? raw : decodeUtf8(raw));
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw notAMessage('', `expected a JSON object with "type" and "v", got ${describeValue(input)}`);
  }
  const { type, v } = input as Record<string, unknown>;
  if (typeof type !== 'string') {
    throw notAMessage('type', `expected a message type, got ${describeValue(type)}`);
  }
  const known = Object.keys(direction.versions);
  const versions = Object.hasOwn(direction.versions, type) ? direction.versions[type] : undefined;
  if (versions === undefined) {
    throw new SyncException(
      SyncExceptionCode.UnknownType,
      `type: unknown message type "${type}" from ${direction.sender} (expected one of ${known.join(' | ')})`,
      [{ path: 'type', message: `unknown message type "${type}"` }],
    );
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw notAMessage('v', `expected a message version (integer ≥ 1), got ${describeValue(v)}`);
  }
  if (!versions.includes(v)) {
    throw new SyncException(
      SyncExceptionCode.UnknownVersion,
      `v: ${type} version ${v} is not supported (supported: ${versions.join(', ')})`,
      [{ path: 'v', message: `unsupported version ${v}` }],
    );
  }
  const result = direction.schema.safeParse(input);
  if (!result.success) {
    const problems = problemsFromIssues(result.error.issues, input);
    throw new SyncException(
      SyncExceptionCode.InvalidMessage,
      `invalid ${type} v${v} from ${direction.sender}:\n${renderProblems(problems)}`,
      problems,
    );
  }
  return result.data;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new SyncException(SyncExceptionCode.MalformedFrame, 'frame is not valid UTF-8');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SyncException(SyncExceptionCode.MalformedFrame, `frame is not JSON: ${detail}`);
  }
}

function notAMessage(path: string, message: string): SyncException {
  return new SyncException(SyncExceptionCode.NotAMessage, path === '' ? message : `${path}: ${message}`, [
    { path, message },
  ]);
}
