import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionLossError } from './connection-loss';
import { type FailureContext, describeConnectFailure } from './opcua-failure';

const URL = 'opc.tcp://chaufferie.local:4840';

describe('describeConnectFailure', () => {
  const pkiDir = mkdtempSync(join(tmpdir(), 'beffroi-opcua-failure-'));
  const context: FailureContext = {
    endpointUrl: URL,
    securityMode: 'SignAndEncrypt',
    securityPolicy: 'Basic256Sha256',
    pkiDir,
    certificateFile: join(pkiDir, 'own/certs/client_certificate.pem'),
    userName: undefined,
  };
  const failureFor = (message: string, overrides: Partial<FailureContext> = {}) =>
    describeConnectFailure(new Error(message), { ...context, ...overrides });

  afterAll(() => {
    rmSync(pkiDir, { recursive: true, force: true });
  });

  it('names the rejected server certificate to move into the trusted folder, the newest when there are several', async () => {
    const rejected = join(pkiDir, 'rejected');
    mkdirSync(rejected, { recursive: true });
    writeFileSync(join(rejected, 'old server[aa].pem'), '');
    utimesSync(join(rejected, 'old server[aa].pem'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    writeFileSync(join(rejected, 'Chaufferie[bb].pem'), '');

    const failure = await failureFor(
      'server Certificate verification failed with err BadCertificateUntrusted (0x801a0000)',
    );

    expect(failure).toEqual({
      message:
        `the server at ${URL} presented a certificate this gateway does not trust (BadCertificateUntrusted): ` +
        `if it is the right server, move ${join(rejected, 'Chaufferie[bb].pem')} into ${join(pkiDir, 'trusted/certs')}/; ` +
        'the connection is retried on its own',
      trustListsMayChange: true,
    });
  });

  it('says to copy the server certificate when none was saved', async () => {
    const failure = await failureFor('server Certificate verification failed with err BadCertificateUntrusted', {
      pkiDir: join(pkiDir, 'empty'),
    });
    expect(failure.message).toContain(`copy its certificate into ${join(pkiDir, 'empty', 'trusted', 'certs')}/`);
  });

  it('names the status of a server certificate refused for another reason', async () => {
    expect(
      await failureFor('server Certificate verification failed with err BadCertificateTimeInvalid (0x80140000)'),
    ).toEqual({
      message: `the server at ${URL} presented a certificate this gateway refuses (BadCertificateTimeInvalid)`,
      trustListsMayChange: true,
    });
  });

  it('names the gateway certificate the server must trust when it refuses the secure channel', async () => {
    const failure = await failureFor(
      'The connection has been rejected by server: BadSecurityChecksFailed (0x80130000)',
    );
    expect(failure.message).toBe(
      `the server at ${URL} refused the secure channel (BadSecurityChecksFailed), most likely because it does not ` +
        `trust this gateway's certificate: add ${context.certificateFile} to the server's trusted certificates`,
    );
  });

  it('names the user whose login was refused, or asks for one when anonymous is refused', async () => {
    expect((await failureFor('BadUserAccessDenied (0x801f0000)', { userName: 'agent' })).message).toBe(
      `the server at ${URL} refused the login of user "agent" (BadUserAccessDenied): ` +
        'check the user name and password of this bus',
    );
    expect((await failureFor('BadIdentityTokenInvalid (0x80200000)')).message).toBe(
      `the server at ${URL} refuses anonymous sessions (BadIdentityTokenInvalid): ` +
        'configure a user name and password for this bus',
    );
  });

  it('names the security mode and policy the server does not offer', async () => {
    const failure = await failureFor(
      'Cannot find an Endpoint matching  security mode: 3 policy: http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256',
    );
    expect(failure.message).toBe(
      `the server at ${URL} offers no endpoint with security mode SignAndEncrypt and policy Basic256Sha256`,
    );
  });

  it.each([
    [
      'The connection cannot be established with server opc.tcp://x .\nPlease check...\nErr = (connect ECONNREFUSED 10.0.0.1:4840)',
      `the server at ${URL} refuses connections (ECONNREFUSED): is it running?`,
    ],
    ['getaddrinfo ENOTFOUND chaufferie.local', `the host of ${URL} cannot be resolved (ENOTFOUND)`],
    ['connect EHOSTUNREACH 10.0.0.1:4840', `${URL} cannot be reached (EHOSTUNREACH)`],
    [
      'Connection aborted - ended by server: ClientTCP_transport14: socket has been disconnected by third party',
      `${URL} closed the connection before a session was open`,
    ],
    ['something\n  unexpected', `cannot connect to ${URL}: something unexpected`],
  ])('puts a socket failure in one line: %j', async (message, expected) => {
    expect((await failureFor(message)).message).toBe(expected);
  });

  it('keeps the reason the driver gave up an attempt', async () => {
    const failure = await describeConnectFailure(
      new ConnectionLossError('no session and subscription within 10000 ms'),
      context,
    );
    expect(failure).toEqual({
      message: `${URL}: no session and subscription within 10000 ms`,
      trustListsMayChange: false,
    });
  });
});
