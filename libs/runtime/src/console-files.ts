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

/** Where the build puts its hashed files; index.html asks for them at `/assets/…` wherever the pages are. */
const ASSETS = '/assets/';

/** An inline script of a page (no `src`): its text, exactly as the browser hashes it. */
const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * The Content-Security-Policy of the console's page: scripts only from the server itself, plus the inline scripts of
 * that very index.html, each allowed by the sha256 of its text (the "Ma commune" prefetch and the console's entry
 * module, which the build puts into the page; never 'unsafe-inline'). Computed from the file being served, so a
 * rebuilt index.html is allowed as it is.
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

/** Where and how a server serves the console's built files. */
export interface ConsoleServing {
  /**
   * The path the console's pages live under: `/` (central: every address outside its own paths is a page) or a
   * prefix such as `/mise-en-service` (the gateway: only addresses under it are pages, `/` is sent there).
   */
  readonly base?: string;
  /** The server's own paths (its API, health): never answered with the console. */
  readonly isServerPath?: (path: string) => boolean;
  /** Changes index.html as it is served (a meta tag saying where the console runs). Inline scripts are kept. */
  readonly page?: (html: string) => string;
}

/**
 * Serves the console's built files: hashed assets (`/assets/…`) with a long immutable cache, gzipped, compressed once,
 * to a browser that accepts it (on a slow mobile network the entry script is a third of its size so); index.html
 * without a cache, gzipped likewise (it carries the entry script), with its {@link contentSecurityPolicy}, for any GET of a page address under `base` (the
 * console's router reads the address). Everything else goes on to the server's API.
 */
export function serveConsole(dir: string, serving: ConsoleServing = {}) {
  const root = normalize(dir);
  const index = join(root, 'index.html');
  const base = (serving.base ?? '/').replace(/\/+$/, '');
  const isServerPath = serving.isServerPath ?? (() => false);
  const page = serving.page ?? ((html: string) => html);
  const gzipped = new Map<string, Buffer>();
  // The page, its policy and its gzipped body, made once per build (the inline entry module is about 100 kB).
  let served:
    { readonly file: string; readonly html: string; readonly policy: string; readonly gzip: Buffer } | undefined;
  const pageOf = (file: string) => {
    if (served?.file !== file) {
      const html = page(file);
      served = { file, html, policy: contentSecurityPolicy(html), gzip: gzipSync(html, { level: 9 }) };
    }
    return served;
  };
  return (request: Request, response: Response, next: NextFunction): void => {
    const path = request.path;
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isServerPath(path)) {
      next();
      return;
    }
    if (base !== '' && path === '/') {
      response.redirect(302, `${base}/`);
      return;
    }
    const asset = path.startsWith(ASSETS);
    const underBase = base === '' || path === base || path.startsWith(`${base}/`);
    if (!asset && !underBase) {
      next();
      return;
    }
    const relative = asset ? path : path.slice(base.length);
    const file = normalize(join(root, decodeURIComponent(relative)));
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
    const { html, policy, gzip } = pageOf(readFileSync(index, 'utf8'));
    response.type('html').vary('Accept-Encoding').set({ 'cache-control': NO_CACHE, 'content-security-policy': policy });
    if (request.acceptsEncodings('gzip') === 'gzip') response.set('content-encoding', 'gzip').send(gzip);
    else response.send(html);
  };
}
