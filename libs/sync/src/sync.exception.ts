import type { DocumentProblem } from '@beffroi/domain';

/** Why a frame or a reconciliation step was refused. */
export enum SyncExceptionCode {
  /** The frame is larger than the receiver accepts; it was not decoded. */
  FrameTooLarge = 'FRAME_TOO_LARGE',
  /** The bytes are not UTF-8 or not JSON. */
  MalformedFrame = 'MALFORMED_FRAME',
  /** JSON, but not an object with a `type` and a `v`. */
  NotAMessage = 'NOT_A_MESSAGE',
  /** A `type` this side does not receive. */
  UnknownType = 'UNKNOWN_TYPE',
  /** A known `type` in a version this side does not speak. */
  UnknownVersion = 'UNKNOWN_VERSION',
  /** A known message whose fields are wrong; `problems` names each field. */
  InvalidMessage = 'INVALID_MESSAGE',
  /** A report envelope that speaks for another gateway than the connection's. */
  GatewayMismatch = 'GATEWAY_MISMATCH',
  /** Stored outbox rows that break its invariants (seq not strictly increasing, counter behind the rows). */
  InvalidOutbox = 'INVALID_OUTBOX',
  /** A command status change the lifecycle does not allow (e.g. applied → failed). */
  IllegalCommandTransition = 'ILLEGAL_COMMAND_TRANSITION',
  /** A result for a command the gateway is not executing. */
  CommandNotRunning = 'COMMAND_NOT_RUNNING',
  /** Ping/pong timestamps that cannot come from one exchange (negative round trip). */
  InvalidClockSample = 'INVALID_CLOCK_SAMPLE',
}

/** A frame or a reconciliation step the sync protocol refuses; the message names the offending field or value. */
export class SyncException extends Error {
  constructor(
    readonly code: SyncExceptionCode,
    message: string,
    readonly problems: readonly DocumentProblem[] = [],
  ) {
    super(message);
    this.name = 'SyncException';
  }
}
