import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectionLossError } from './connection-loss';

export interface FailureContext {
  endpointUrl: string;
  securityMode: string;
  securityPolicy: string;
  /** The client's PKI folder (own/, trusted/certs/, rejected/). */
  pkiDir: string;
  /** The client's own certificate, which the server must trust in Sign modes. */
  certificateFile: string;
  userName: string | undefined;
}

export interface ConnectFailure {
  /** What went wrong and what to do about it, naming the endpoint and the files or folders involved. */
  message: string;
  /** An operator is expected to change the client's trust lists: re-read them before the next attempt. */
  trustListsMayChange: boolean;
}

/** The newest certificate in the rejected folder: the one node-opcua saved when it refused the server's. */
async function newestRejected(rejectedDir: string): Promise<string | undefined> {
  try {
    const files = (await readdir(rejectedDir)).filter((file) => /\.(pem|der)$/.test(file));
    const dated = await Promise.all(
      files.map(async (file) => ({ file, mtime: (await stat(join(rejectedDir, file))).mtimeMs })),
    );
    dated.sort((a, b) => b.mtime - a.mtime);
    const newest = dated[0];
    return newest ? join(rejectedDir, newest.file) : undefined;
  } catch {
    return undefined;
  }
}

/** node-opcua's messages span lines ("…\nErr = (connect ECONNREFUSED …)"): one line for a log. */
function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

/** Turns a failed connection attempt into a sentence an operator can act on. */
export async function describeConnectFailure(error: unknown, context: FailureContext): Promise<ConnectFailure> {
  const raw = oneLine(error instanceof Error ? error.message : String(error));
  const url = context.endpointUrl;
  const fail = (message: string, trustListsMayChange = false): ConnectFailure => ({ message, trustListsMayChange });

  if (error instanceof ConnectionLossError) return fail(`${url}: ${raw}`);

  const serverCertificate = /server Certificate verification failed with err (\w+)/i.exec(raw)?.[1];
  if (serverCertificate === 'BadCertificateUntrusted') {
    const trusted = join(context.pkiDir, 'trusted', 'certs');
    const rejected = await newestRejected(join(context.pkiDir, 'rejected'));
    const action = rejected
      ? `if it is the right server, move ${rejected} into ${trusted}/`
      : `if it is the right server, copy its certificate into ${trusted}/`;
    return fail(
      `the server at ${url} presented a certificate this gateway does not trust (BadCertificateUntrusted): ` +
        `${action}; the connection is retried on its own`,
      true,
    );
  }
  if (serverCertificate) {
    return fail(`the server at ${url} presented a certificate this gateway refuses (${serverCertificate})`, true);
  }

  const refusedByServer = /rejected by server: (\w+)/i.exec(raw)?.[1];
  if (refusedByServer) {
    return fail(
      `the server at ${url} refused the secure channel (${refusedByServer}), most likely because it does not trust ` +
        `this gateway's certificate: add ${context.certificateFile} to the server's trusted certificates`,
    );
  }

  const login = /\b(BadUserAccessDenied|BadIdentityToken\w+|BadUserSignatureInvalid)\b/.exec(raw)?.[1];
  if (login) {
    return fail(
      context.userName === undefined
        ? `the server at ${url} refuses anonymous sessions (${login}): configure a user name and password for this bus`
        : `the server at ${url} refused the login of user "${context.userName}" (${login}): ` +
            `check the user name and password of this bus`,
    );
  }

  if (/cannot find (an )?endpoint/i.test(raw)) {
    return fail(
      `the server at ${url} offers no endpoint with security mode ${context.securityMode}` +
        (context.securityMode === 'None' ? '' : ` and policy ${context.securityPolicy}`),
    );
  }

  if (/disconnected by third party|ended by server/i.test(raw)) {
    return fail(`${url} closed the connection before a session was open`);
  }

  const socket = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(raw)?.[1];
  switch (socket) {
    case 'ECONNREFUSED':
      return fail(`the server at ${url} refuses connections (ECONNREFUSED): is it running?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`the host of ${url} cannot be resolved (${socket})`);
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail(`${url} cannot be reached (${socket})`);
    case undefined:
    default:
      return fail(`cannot connect to ${url}: ${raw}`);
  }
}
