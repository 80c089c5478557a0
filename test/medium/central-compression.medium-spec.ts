import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { type CentralHarness, startCentral } from '../support/central-harness';

/**
 * Central gzips its large JSON answers for a client that accepts gzip (json-compression.ts), never the event stream.
 * Real requests over a socket: node's `http` neither asks for nor undoes a compression by itself.
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(central: CentralHarness, path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, central.url), { method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The headers of the event stream, then the connection closed (the stream itself never ends on its own). */
function streamHeaders(central: CentralHarness, token: string): Promise<RawAnswer['headers']> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/events', central.url),
      { method: 'GET', headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } },
      (response) => {
        resolve(response.headers);
        req.destroy();
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let central: CentralHarness;

beforeAll(async () => {
  central = await startCentral();
});

afterAll(async () => {
  await central.close();
});

describe('central compresses large JSON answers', () => {
  it('answers the OpenAPI document gzipped to a client that accepts gzip, the same JSON once unzipped', async () => {
    const plain = await get(central, '/api/docs/openapi.json', {});
    const zipped = await get(central, '/api/docs/openapi.json', { 'accept-encoding': 'br, gzip;q=0.8' });

    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zipped.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
  });

  it('does not compress for a client that refuses gzip', async () => {
    const answer = await get(central, '/api/docs/openapi.json', { 'accept-encoding': 'gzip;q=0, identity' });

    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString('utf8'))).toHaveProperty('openapi');
  });

  it('leaves a small answer as it is', async () => {
    const answer = await get(central, '/health', { 'accept-encoding': 'gzip' });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString('utf8'))).toHaveProperty('status');
  });

  it('never compresses the event stream: each event reaches the browser when it is sent', async () => {
    const token = await central.login('agent@02691');
    const headers = await streamHeaders(central, token);

    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers['content-encoding']).toBeUndefined();
  });
});
