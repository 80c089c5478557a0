import type { ClientRequestArgs } from 'node:http';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { type CentralConfig, type DocumentProblem } from '@beffroi/domain';
import { fingerprintOf, readCertificatesFile } from '@beffroi/runtime';

/** How the gateway trusts central over TLS, from `central.ca` and `central.fingerprint` (the CA file already read). */
export interface CentralTrust {
  /** The PEM CA certificates central's certificate must chain to, instead of the system's. */
  readonly ca?: string;
  /** The SHA-256 fingerprint central's own certificate must have (upper-case hex with colons). */
  readonly fingerprint?: string;
}

/** The problems of `central.ca` (a file that cannot be read or holds no certificate), for the config report. */
export function centralTrustProblems(central: CentralConfig | undefined): DocumentProblem[] {
  if (central?.ca === undefined) return [];
  const ca = readCertificatesFile(central.ca);
  return ca.ok ? [] : [{ path: 'central.ca', message: ca.problem }];
}

/** Reads `central.ca` (checked by {@link centralTrustProblems} when the config was loaded). */
export function centralTrustOf(central: CentralConfig): CentralTrust {
  const ca = central.ca === undefined ? undefined : readCertificatesFile(central.ca);
  return {
    ...(ca?.ok === true ? { ca: ca.pem } : {}),
    ...(central.fingerprint === undefined ? {} : { fingerprint: central.fingerprint }),
  };
}

/**
 * The TLS options of a connection to central (the sync WebSocket, enrolment) for `https:`/`wss:` URLs. With `ca`,
 * central's chain and host name are checked against those CA certificates. With `fingerprint`, the connection is
 * closed right after the TLS handshake — before a single byte of the request, credential included, is sent — unless
 * central presented exactly that certificate; the handshake itself proves central holds its key.
 */
export function centralTlsOptions(trust: CentralTrust): { ca?: string } & Pick<ClientRequestArgs, 'createConnection'> {
  const { ca, fingerprint } = trust;
  if (fingerprint === undefined) return ca === undefined ? {} : { ca };
  return {
    createConnection: (options) => {
      const host = options.host ?? 'localhost';
      const socket = connect({
        host,
        port: Number(options.port ?? 443),
        servername: isIP(host) === 0 ? host : '',
        ...(ca === undefined ? { rejectUnauthorized: false } : { ca, rejectUnauthorized: true }),
      });
      // Emitted from the end of the handshake itself, before the request waiting to be written is encrypted and sent.
      socket.once('secureConnect', () => {
        const presented = socket.getPeerX509Certificate();
        const got = presented === undefined ? 'no certificate' : fingerprintOf(presented);
        if (got === fingerprint) return;
        socket.destroy(
          new Error(
            `central's certificate has the SHA-256 fingerprint ${got}, not the one central.fingerprint pins ` +
              `(${fingerprint}): connection refused`,
          ),
        );
      });
      return socket;
    },
  };
}
