import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/** Hashed build output (`assets/<name>-<hash>.js`): its content never changes under the same name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: always asked again, so a new build is picked up at once. */
const NO_CACHE = 'no-cache';

/** Text assets worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.html', '.txt']);

/** The built console next to central in dist/ (dist/apps/central/src → dist/apps/console). */
export function consoleDir(centralDir: string): string {
  return join(centralDir, '..', '..', 'console');
}

/** Whether a path is central's own (the API, the sync socket, health): never answered with the console. */
export function isServerPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/health';
}

/** An inline script of a page (no `src`): its text, exactly as the browser hashes it. */
const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * The Content-Security-Policy of the console's page: scripts only from central itself, plus the inline scripts of
 * that very index.html, each allowed by the sha256 of its text (the "Ma commune" prefetch; never 'unsafe-inline').
 * Computed from the file being served, so a rebuilt index.html is allowed as it is.
 */
export function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
    ([, text]) =>
      `'sha256-${createHash('sha256')
        .update(text ?? '', 'utf8')
        .digest('base64')}'`,
  );
  return [["script-src 'self'", ...hashes].join(' '), "object-src 'none'", "base-uri 'self'"].join('; ');
}

/**
 * Serves the console's built files at `/`: hashed assets with a long immutable cache, index.html without one, and
 * index.html for any other GET outside central's own paths (the console's router reads the address). Everything
 * else goes on to the API. Hashed text assets go gzipped to a browser that accepts it (on a slow mobile network
 * the entry script is a third of its size so), compressed once: their content never changes under the same name.
 * index.html goes with its {@link contentSecurityPolicy}.
 */
export function serveConsole(dir: string) {
  const root = normalize(dir);
  const index = join(root, 'index.html');
  const gzipped = new Map<string, Buffer>();
  return (request: Request, response: Response, next: NextFunction): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isServerPath(request.path)) {
      next();
      return;
    }
    const file = normalize(join(root, decodeURIComponent(request.path)));
    const inside = file.startsWith(root + sep);
    if (inside && existsSync(file) && statSync(file).isFile()) {
      const hashed = file.startsWith(join(root, 'assets') + sep);
      if (hashed && COMPRESSIBLE.has(extname(file))) {
        response.vary('Accept-Encoding');
        if (request.acceptsEncodings('gzip') === 'gzip') {
          let body = gzipped.get(file);
          if (body === undefined) {
            body = gzipSync(readFileSync(file), { level: 9 });
            gzipped.set(file, body);
          }
          response.type(extname(file)).set({ 'cache-control': IMMUTABLE, 'content-encoding': 'gzip' }).send(body);
          return;
        }
      }
      if (file !== index) {
        response.sendFile(file, { headers: { 'cache-control': hashed ? IMMUTABLE : NO_CACHE } });
        return;
      }
    }
    const html = readFileSync(index, 'utf8');
    response
      .type('html')
      .set({ 'cache-control': NO_CACHE, 'content-security-policy': contentSecurityPolicy(html) })
      .send(html);
  };
}
