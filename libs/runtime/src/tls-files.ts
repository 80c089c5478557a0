import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A PEM file read for TLS, or one sentence saying why it cannot be used (a config problem's message). */
export type TlsFile<T> =
  { readonly ok: true; readonly pem: string; readonly value: T } | { readonly ok: false; readonly problem: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readPem(path: string): { ok: true; pem: string } | { ok: false; problem: string } {
  try {
    return { ok: true, pem: readFileSync(path, 'utf8') };
  } catch (error) {
    return {
      ok: false,
      problem: `cannot read the file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    };
  }
}

/** The certificates of a PEM file, first one first (a server's own certificate, then its chain; or CA certificates). */
export function readCertificatesFile(path: string): TlsFile<readonly X509Certificate[]> {
  const file = readPem(path);
  if (!file.ok) return file;
  const blocks = file.pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0)
    return { ok: false, problem: `${path} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")` };
  const certificates: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      return {
        ok: false,
        problem: `certificate ${index + 1} of ${path} cannot be read (not a valid X.509 certificate)`,
      };
    }
  }
  return { ok: true, pem: file.pem, value: certificates };
}

/** The unencrypted PEM private key of a file. */
export function readPrivateKeyFile(path: string): TlsFile<KeyObject> {
  const file = readPem(path);
  if (!file.ok) return file;
  try {
    return { ok: true, pem: file.pem, value: createPrivateKey(file.pem) };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' ? 'it is encrypted' : 'not a PEM private key';
    return { ok: false, problem: `cannot use the private key in ${path} (${reason})` };
  }
}

/** A SHA-256 certificate fingerprint as OpenSSL and browsers show it: 32 upper-case hex bytes separated by colons. */
export function fingerprintOf(certificate: X509Certificate): string {
  return certificate.fingerprint256.toUpperCase();
}
