import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { commissioningPages, GATEWAY_SITE_META } from './commissioning-pages';

describe("the gateway serving the console's commissioning pages", () => {
  const inline = 'window.x = 1;';
  const html = `<!doctype html><html><head><title>Beffroi</title><script>${inline}</script></head><body></body></html>`;
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-pages-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), html);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};\n');
    const pages = commissioningPages(dir);
    if (pages === undefined) throw new Error('index.html was written');
    const app = express();
    app.use(pages);
    // Stands for the local API: whatever the pages let through reaches it.
    app.use((request, response) => {
      response.status(401).json({ code: 'UNAUTHENTICATED', path: request.path });
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a page under /mise-en-service with index.html marked as the gateway’s, uncached, with its CSP', async () => {
    const response = await fetch(`${base}/mise-en-service/scan`);
    const text = await response.text();
    const sha256 = createHash('sha256').update(inline, 'utf8').digest('base64');
    expect({
      status: response.status,
      cache: response.headers.get('cache-control'),
      csp: response.headers.get('content-security-policy'),
      marked: text.includes(GATEWAY_SITE_META),
    }).toEqual({
      status: 200,
      cache: 'no-cache',
      csp: `script-src 'self' 'sha256-${sha256}'; object-src 'none'; base-uri 'self'`,
      marked: true,
    });
  });

  it('serves the hashed assets index.html asks for at /assets/, with a long immutable cache', async () => {
    const response = await fetch(`${base}/assets/index-abc123.js`);
    expect([response.status, response.headers.get('cache-control'), await response.text()]).toEqual([
      200,
      'public, max-age=31536000, immutable',
      'export {};\n',
    ]);
  });

  it('sends / to the commissioning pages', async () => {
    const response = await fetch(`${base}/`, { redirect: 'manual' });
    expect([response.status, response.headers.get('location')]).toEqual([302, '/mise-en-service/']);
  });

  it('never answers an address of the local API with a page: it goes on to the API and its credential check', async () => {
    const answers = await Promise.all(
      ['/outputs', '/commissioning/scans', '/sync', '/mise-en-serviceX'].map(async (path) => {
        const response = await fetch(`${base}${path}`);
        return [path, response.status, ((await response.json()) as { path: string }).path];
      }),
    );
    expect(answers).toEqual([
      ['/outputs', 401, '/outputs'],
      ['/commissioning/scans', 401, '/commissioning/scans'],
      ['/sync', 401, '/sync'],
      ['/mise-en-serviceX', 401, '/mise-en-serviceX'],
    ]);
  });

  it('serves nothing when the console was not built', () => {
    expect(commissioningPages(join(dir, 'assets'))).toBeUndefined();
  });
});
