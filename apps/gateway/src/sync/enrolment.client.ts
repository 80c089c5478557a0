import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { FieldKeyStore } from '../access/field-key.store';
import { LoadedGatewayConfig } from '../gateway.config';
import { type CentralAnswer, centralRequest } from './central-http';
import { type CentralTrust, centralTrustOf } from './central-tls';

const REQUEST_TIMEOUT_MS = 15_000;

const enrolledBody = z.object({
  gatewayId: z.string().min(1),
  credential: z.string().min(1),
  communeInsee: z.string().optional(),
  /** Central's public key for field tokens (absent from a central that predates them). */
  fieldKey: z.object({ keyId: z.string().min(1), publicKey: z.string().min(1) }).optional(),
});

/** What the exchange of an enrolment code gave. */
export type EnrolmentAnswer =
  | { outcome: 'enrolled'; gatewayId: string; credential: string; communeInsee?: string | undefined }
  /** Central said no (400 malformed, 401 unknown/used/expired code, 409 already enrolled…): trying again won't help. */
  | { outcome: 'refused'; status: number; message: string }
  /** Central could not be reached or failed (network error, 5xx): worth trying again later. */
  | { outcome: 'unreachable'; message: string };

/**
 * `POST {central}/api/enrolment`: exchanges a one-time enrolment code for the gateway's credential, and keeps central's
 * public field-token key that comes with it.
 */
@Injectable()
export class EnrolmentClient {
  private readonly logger = new Logger(EnrolmentClient.name);

  /** How central is trusted over TLS (`central.ca`, `central.fingerprint`): as the sync socket trusts it. */
  private readonly trust: CentralTrust;

  constructor(
    private readonly fieldKeys: FieldKeyStore,
    loaded: LoadedGatewayConfig,
  ) {
    const central = loaded.config.central;
    this.trust = central === undefined ? {} : centralTrustOf(central);
  }

  async exchange(centralUrl: string, code: string, gatewayId: string): Promise<EnrolmentAnswer> {
    let response: CentralAnswer;
    try {
      response = await centralRequest(centralEndpoint(centralUrl, 'api/enrolment'), this.trust, {
        method: 'POST',
        body: JSON.stringify({ code, gatewayId }),
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    } catch (error) {
      return { outcome: 'unreachable', message: describeRequestError(error) };
    }
    const { text } = response;
    if (response.status >= 500) {
      return { outcome: 'unreachable', message: `central answered ${response.status} ${summary(text)}`.trim() };
    }
    if (response.status !== 201 && response.status !== 200) {
      return { outcome: 'refused', status: response.status, message: refusalMessage(response.status, text) };
    }
    const body = enrolledBody.safeParse(parseJson(text));
    if (!body.success) {
      return { outcome: 'unreachable', message: `central answered ${response.status} without a credential` };
    }
    const { fieldKey, ...enrolled } = body.data;
    if (fieldKey !== undefined) {
      try {
        this.fieldKeys.remember(fieldKey);
      } catch (error) {
        this.logger.error(`cannot keep central's field-token key in ${this.fieldKeys.path ?? ''}: ${String(error)}`);
      }
    }
    return { outcome: 'enrolled', ...enrolled };
  }
}

/**
 * `path` under central's base URL (which may itself have a path), as an http(s) or, with `protocol` `ws`, a ws(s)
 * URL: a base URL over TLS (https or wss) always gives one over TLS.
 */
export function centralEndpoint(centralUrl: string, path: string, protocol?: 'ws'): string {
  const base = new URL(centralUrl.endsWith('/') ? centralUrl : `${centralUrl}/`);
  const url = new URL(path, base);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  url.protocol = protocol === 'ws' ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
  return url.toString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function summary(text: string): string {
  const body = parseJson(text) as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : text;
  return message.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function refusalMessage(status: number, text: string): string {
  const meaning =
    status === 400
      ? 'malformed request'
      : status === 401
        ? 'unknown, used or expired enrolment code'
        : status === 409
          ? 'this gateway id is already enrolled'
          : 'refused';
  const detail = summary(text);
  return `central answered ${status} (${meaning})${detail === '' || detail === meaning ? '' : `: ${detail}`}`;
}

/** A request that got no answer, in words: the network or TLS failure, or the timeout. */
export function describeRequestError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : error.name === 'TimeoutError' ? 'timed out' : '';
    return detail === '' ? error.message : `${error.message} (${detail})`;
  }
  return String(error);
}
