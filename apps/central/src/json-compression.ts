import { gzipSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/** JSON answers from this size on (bytes) go gzipped to a client that accepts it; smaller ones would barely shrink. */
export const COMPRESS_FROM_BYTES = 1024;

/**
 * Gzips central's JSON answers of at least `threshold` bytes for a client whose `Accept-Encoding` takes gzip: on a
 * slow mobile network "Ma commune"'s overview (about 19 kB, its keys repeated for every point) travels in a few kB.
 * Every answer of that size says `Vary: Accept-Encoding`, compressed or not. Only whole answers are compressed (what
 * Express's `send` writes at once); the event stream writes its events one by one with `write` and stays as it is,
 * each event reaching the browser when it is sent. An answer that already has a `Content-Encoding` is left alone.
 */
export function compressJsonAnswers(threshold = COMPRESS_FROM_BYTES) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const send = response.send.bind(response);
    response.send = (body?: unknown) => {
      const type = response.get('content-type') ?? '';
      const text = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.isBuffer(body) ? body : undefined;
      if (
        text === undefined ||
        text.length < threshold ||
        !type.startsWith('application/json') ||
        response.get('content-encoding') !== undefined
      ) {
        return send(body);
      }
      response.vary('Accept-Encoding');
      if (request.acceptsEncodings('gzip') !== 'gzip') return send(body);
      // Express adds the charset to a text body only; the gzipped body keeps the one a string would have had.
      if (!type.includes('charset=')) response.set('content-type', `${type}; charset=utf-8`);
      response.set('content-encoding', 'gzip');
      return send(gzipSync(text));
    };
    next();
  };
}
