import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { contentSecurityPolicy } from '@beffroi/runtime';
import { serveConsole } from './console-static';

describe("central serving the console's files", () => {
  const script = `export const greeting = ${JSON.stringify('bonjour '.repeat(500))};\n`;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Beffroi</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), script);
    const app = express();
    app.use(serveConsole(dir));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** The raw answer (fetch would decompress it): its headers and bytes. */
  async function raw(path: string, acceptEncoding: string) {
    return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${base}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('sends a hashed script gzipped to a browser that accepts it, with its type and long cache', async () => {
    const { headers, body } = await raw('/assets/index-abc123.js', 'gzip, deflate, br');
    expect(headers).toMatchObject({
      'content-encoding': 'gzip',
      'content-type': expect.stringContaining('javascript'),
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'Accept-Encoding',
    });
    expect(body.length).toBeLessThan(script.length / 4);
    expect(gunzipSync(body).toString('utf8')).toBe(script);
  });

  it('sends it as it is to a client that does not accept gzip', async () => {
    const { headers, body } = await raw('/assets/index-abc123.js', 'identity');
    expect(headers['content-encoding']).toBeUndefined();
    expect(headers.vary).toBe('Accept-Encoding');
    expect(body.toString('utf8')).toBe(script);
  });

  it('still answers index.html, uncached, for an address of the console, gzipped to a browser that accepts it', async () => {
    const { headers, body } = await raw('/communes/02691', 'gzip');
    expect([headers['cache-control'], headers['content-encoding'], gunzipSync(body).toString('utf8')]).toEqual([
      'no-cache',
      'gzip',
      '<!doctype html><title>Beffroi</title>',
    ]);
    const plain = await raw('/communes/02691', 'identity');
    expect([plain.headers['content-encoding'], plain.headers.vary, plain.body.toString('utf8')]).toEqual([
      undefined,
      'Accept-Encoding',
      '<!doctype html><title>Beffroi</title>',
    ]);
  });
});

describe("the console page's Content-Security-Policy", () => {
  const inline = "(function(){window.x='<b>';})();";
  const html = `<!doctype html><head><script>${inline}</script><script type="module" crossorigin src="/assets/index-abc.js"></script></head>`;
  const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

  it('allows scripts from central and exactly the inline scripts of the page, by their hash', () => {
    expect(contentSecurityPolicy(html)).toBe(`script-src 'self' ${sha256(inline)}; object-src 'none'; base-uri 'self'`);
  });

  it('allows no inline script when the page has none, and never unsafe-inline', () => {
    expect(contentSecurityPolicy('<!doctype html><script src="/a.js"></script>')).toBe(
      "script-src 'self'; object-src 'none'; base-uri 'self'",
    );
  });

  it("is sent with index.html, for the console's addresses and for /index.html itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-console-'));
    writeFileSync(join(dir, 'index.html'), html);
    const app = express();
    app.use(serveConsole(dir));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ['/', '/communes/02691', '/index.html']) {
        const response = await fetch(`${base}${path}`);
        expect([path, response.headers.get('content-security-policy'), await response.text()]).toEqual([
          path,
          contentSecurityPolicy(html),
          html,
        ]);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
  it('allows the inline entry module by its hash, and follows a rebuilt index.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-console-'));
    const built = (entry: string) =>
      `<!doctype html><head><script>${inline}</script><script type="module">${entry}</script></head>`;
    writeFileSync(join(dir, 'index.html'), built('mount(1)'));
    const app = express();
    app.use(serveConsole(dir));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const policy = async () => (await fetch(`${base}/communes/02691`)).headers.get('content-security-policy');
      expect(await policy()).toBe(
        `script-src 'self' ${sha256(inline)} ${sha256('mount(1)')}; object-src 'none'; base-uri 'self'`,
      );
      writeFileSync(join(dir, 'index.html'), built('mount(2)'));
      expect(await policy()).toBe(
        `script-src 'self' ${sha256(inline)} ${sha256('mount(2)')}; object-src 'none'; base-uri 'self'`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
