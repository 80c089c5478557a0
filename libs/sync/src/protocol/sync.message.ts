import { z } from 'zod';
import { clockPingV1Schema, clockPongV1Schema } from './clock.message';
import { commandV1Schema } from './command.message';
import {
  desiredAppliedV1Schema,
  desiredDeltaV1Schema,
  desiredResyncV1Schema,
  desiredSnapshotV1Schema,
} from './desired.message';
import { helloV1Schema } from './hello.message';
import {
  ackV1Schema,
  catalogueStoredV1Schema,
  catalogueV1Schema,
  desiredResultV1Schema,
  reportV1Schema,
} from './report.message';
import { welcomeV1Schema } from './welcome.message';

/** Every frame a gateway may send to central. */
export const gatewayMessageSchema = z.discriminatedUnion('type', [
  helloV1Schema,
  reportV1Schema,
  desiredAppliedV1Schema,
  desiredResyncV1Schema,
  clockPingV1Schema,
  clockPongV1Schema,
  catalogueV1Schema,
  desiredResultV1Schema,
]);
export type GatewayMessage = z.output<typeof gatewayMessageSchema>;

/** Every frame central may send to a gateway. */
export const centralMessageSchema = z.discriminatedUnion('type', [
  welcomeV1Schema,
  desiredSnapshotV1Schema,
  desiredDeltaV1Schema,
  commandV1Schema,
  ackV1Schema,
  clockPingV1Schema,
  clockPongV1Schema,
  catalogueStoredV1Schema,
]);
export type CentralMessage = z.output<typeof centralMessageSchema>;

/**
 * Versions each side accepts, per type, so a frame of a newer version gets "unknown version" rather than a list of
 * field errors. A shipped version never changes; a new one is added here and to the union.
 */
export const GATEWAY_MESSAGE_VERSIONS = {
  hello: [1],
  report: [1],
  'desired.applied': [1],
  'desired.resync': [1],
  'clock.ping': [1],
  'clock.pong': [1],
  catalogue: [1],
  'desired.result': [1],
} as const satisfies Record<GatewayMessage['type'], readonly number[]>;

export const CENTRAL_MESSAGE_VERSIONS = {
  welcome: [1],
  'desired.snapshot': [1],
  'desired.delta': [1],
  command: [1],
  ack: [1],
  'clock.ping': [1],
  'clock.pong': [1],
  'catalogue.stored': [1],
} as const satisfies Record<CentralMessage['type'], readonly number[]>;

/** The text of a frame; the schemas above are what the receiver checks it against. */
export function encodeMessage(message: GatewayMessage | CentralMessage): string {
  return JSON.stringify(message);
}
