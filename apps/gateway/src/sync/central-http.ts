import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type CentralTrust, centralTlsOptions } from './central-tls';

/** Central's answers to the gateway's few plain HTTP requests are small; a longer body is cut here. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What central answered: its status and body text. */
export interface CentralAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One HTTP request of the gateway to central (enrolment, field-token keys), trusting central exactly as the sync
 * socket does: over `https:` with `central.ca` instead of the system's CAs, or `central.fingerprint` pinned before a
 * byte of the request is sent (see {@link centralTlsOptions}). Rejects on a network or TLS failure and on timeout.
 */
export function centralRequest(
  url: string,
  trust: CentralTrust,
  init: { method: 'GET' | 'POST'; body?: string; timeoutMs: number },
): Promise<CentralAnswer> {
  const secure = url.startsWith('https:');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(init.body));
  }
  const options = {
    method: init.method,
    headers,
    signal: AbortSignal.timeout(init.timeoutMs),
    ...(secure ? centralTlsOptions(trust) : {}),
  };
  return new Promise<CentralAnswer>((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    };
    const request = secure ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    request.on('error', reject);
    request.end(init.body);
  });
}
