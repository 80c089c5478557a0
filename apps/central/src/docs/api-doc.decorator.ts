import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** How the API documentation groups routes, in page order. */
export const API_TAGS = {
  health: 'Liveness of the server (public).',
  docs: 'This documentation: the OpenAPI 3.1 document and its page (public).',
  auth: 'Sessions: log in for a bearer token, log out, who am I; accounts.',
  communes: "The communes of the caller's tenant; enrolment codes for their gateways.",
  gateways: 'Enrolled gateways: enrolment, state, points, switchings, revocation.',
  commands: 'Commands to a gateway (switch, override until a time, ring, release) and their lifecycle.',
  alarms: 'Alarms reported by gateways.',
  schedules: "Schedules: a gateway's desired schedules, lint and preview of a schedule document.",
  templates: 'Schedule templates pushed to many communes at once, with progress per commune.',
  audit: 'Who did what, when, with what result.',
  events: 'Live updates (Server-Sent Events).',
} as const;
export type ApiTag = keyof typeof API_TAGS;

/**
 * Error answers of a route. The document adds 400 to a route that reads a body, query or parameter with a schema,
 * and 401 to every route that is not public.
 */
export type ApiError =
  'invalidRequest' | 'unauthenticated' | 'badEnrolmentCode' | 'forbidden' | 'notFound' | 'conflict' | 'tooManyAttempts';

export interface ApiDocOptions {
  readonly tag: ApiTag;
  readonly summary: string;
  readonly description?: string;
  /** Every `:name` of the route's path; a schema when the route validates it. */
  readonly params?: Readonly<Record<string, { readonly description: string; readonly schema?: z.ZodType }>>;
  /** The schema the route parses its query with. */
  readonly query?: z.ZodObject;
  /** The schema the route parses its JSON body with. */
  readonly body?: z.ZodType;
  /** What a successful answer holds. */
  readonly returns: string;
  /** The schema of a successful JSON answer (from `@beffroi/api` for the routes the console calls). */
  readonly response?: z.ZodType;
  readonly errors?: readonly ApiError[];
  /** The media type of a successful answer when it is not JSON (an SSE route says so by itself). */
  readonly produces?: 'text/html' | 'text/csv' | 'application/pdf';
  /** The route also takes the session token as `?access_token=` (EventSource cannot set headers). */
  readonly tokenInQuery?: true;
}

export const API_DOC = 'beffroi:api-doc';

/**
 * Documents a route in central's OpenAPI document: its method, path, success status and whether it is public come
 * from the route itself; the schemas given here are the ones the route validates with, so the two cannot drift.
 */
export const ApiDoc = (doc: ApiDocOptions) => SetMetadata(API_DOC, doc);
