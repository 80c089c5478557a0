import type { LoggerService } from '@nestjs/common';
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { isLoopbackHost } from '@beffroi/domain';
import { writeSecretFile } from '@beffroi/runtime';
import type { LoadedGatewayConfig } from '../gateway.config';

/**
 * How the local API is served, for `/health` and the health report to central (the console shows the fingerprint):
 * `fingerprint` is the SHA-256 of its certificate when it serves HTTPS.
 */
export class LocalApiTransport {
  constructor(readonly fingerprint?: string) {}

  /** `{tls, fingerprint?}` as `/health` and the health report say it. */
  describe(): { tls: boolean; fingerprint?: string } {
    return this.fingerprint === undefined ? { tls: false } : { tls: true, fingerprint: this.fingerprint };
  }
}

/** How long a generated certificate is valid. */
const CERTIFICATE_YEARS = 10;

/** The key and certificate the local API serves HTTPS with, and the certificate's SHA-256 fingerprint. */
export interface LocalTls {
  readonly key: string;
  readonly cert: string;
  readonly fingerprint: string;
}

/**
 * The local API's TLS, as `http.tls` says: its certificate and key files, or (neither given) a self-signed ECDSA P-256
 * certificate generated at first start beside `storage.path` (`local-api.crt`, `local-api.key` with mode 0600) for
 * `localhost`, the loopback, the machine's name and `http.host`. Its fingerprint is logged at every start, so a field
 * engineer can compare it with what the browser or `curl` shows. Without `http.tls`: undefined, and plain HTTP off the
 * loopback (allowed by `http.insecure: true`) logs a warning at every start.
 */
export function localTls(loaded: LoadedGatewayConfig, logger: LoggerService, now: Date): LocalTls | undefined {
  const { http, storage } = loaded.config;
  if (http.tls === undefined) {
    if (!isLoopbackHost(http.host)) {
      logger.warn(
        `the local API listens on ${http.host} over plain HTTP (http.insecure: true): anyone on the network can ` +
          'read its credentials; set http.tls',
        'LocalTls',
      );
    }
    return undefined;
  }
  const dataDir = dirname(resolve(storage.path));
  const keyFile = resolve(http.tls.keyFile ?? join(dataDir, 'local-api.key'));
  const certFile = resolve(http.tls.certFile ?? join(dataDir, 'local-api.crt'));
  if (http.tls.certFile === undefined && !(existsSync(keyFile) && existsSync(certFile))) {
    generateCertificate(keyFile, certFile, [...new Set(['localhost', '127.0.0.1', '::1', hostname(), http.host])], now);
    logger.log(`generated a self-signed certificate for the local API: ${certFile}`, 'LocalTls');
  }
  const read = (path: string, key: 'certFile' | 'keyFile') => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`http.tls.${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? ''})`);
    }
  };
  const cert = read(certFile, 'certFile');
  const key = read(keyFile, 'keyFile');
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(cert).fingerprint256;
  } catch {
    throw new Error(`http.tls.certFile: ${certFile} is not a PEM certificate`);
  }
  logger.log(`the local API serves HTTPS; certificate SHA-256 fingerprint ${fingerprint}`, 'LocalTls');
  return { key, cert, fingerprint };
}

// A minimal DER writer: just what a self-signed certificate needs.
function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}
const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
function oid(text: string): Buffer {
  const [first = 0, second = 0, ...rest] = text.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}
/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function certificateTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${text.slice(2)}Z`))
    : der(0x18, Buffer.from(`${text}Z`));
}
function generalName(name: string): Buffer {
  if (isIP(name) === 4) return der(0x87, Buffer.from(name.split('.').map(Number)));
  if (isIP(name) === 6) return der(0x87, ipv6Bytes(name));
  return der(0x82, Buffer.from(name, 'ascii'));
}
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = groups(tail);
  const all = address.includes('::')
    ? [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

function generateCertificate(keyFile: string, certFile: string, names: string[], now: Date): void {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const commonName = sequence(
    der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(`Beffroi gateway ${hostname()}`)))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  const servable = names.filter((name) => name !== '0.0.0.0' && name !== '::');
  const subjectAltName = sequence(oid('2.5.29.17'), der(0x04, sequence(...servable.map(generalName))));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    ecdsaWithSha256,
    commonName,
    sequence(certificateTime(new Date(now.getTime() - 3_600_000)), certificateTime(notAfter)),
    commonName,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, sequence(subjectAltName)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${(certificate.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  mkdirSync(dirname(certFile), { recursive: true, mode: 0o700 });
  writeSecretFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writeFileSync(certFile, pem);
}
