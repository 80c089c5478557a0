import { LOCAL_CREDENTIAL_ENV } from '../../tools/run-configs';

/**
 * The local credential of every test gateway is the value of LOCAL_CREDENTIAL_ENV: set here (unless it is set already),
 * read by the harnesses' gateways (`localAccess.passwordEnv`, as `npm start`'s), inherited by the processes tests and
 * benchmarks fork, and sent by the request helpers, so tests that are not about access control need not think of it.
 */
export { LOCAL_CREDENTIAL_ENV };

process.env[LOCAL_CREDENTIAL_ENV] ??= 'local credential of the test gateways';

/** `Authorization` header value with the local credential (user `local`). */
export function localAuthorization(): string {
  const password = process.env[LOCAL_CREDENTIAL_ENV] ?? '';
  return `Basic ${Buffer.from(`local:${password}`).toString('base64')}`;
}
