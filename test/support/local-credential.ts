import { LOCAL_CREDENTIAL_ENV } from '../../tools/run-configs';

/**
 * The local credential of every test gateway is the value of LOCAL_CREDENTIAL_ENV: jest-setup sets it, the harnesses'
 * gateways read it (`localAccess.passwordEnv`, as `npm start`'s), the processes tests fork inherit it, and the request
 * helpers send it, so tests that are not about access control need not think of it.
 */
export { LOCAL_CREDENTIAL_ENV };

/** `Authorization` header value with the local credential (user `local`). */
export function localAuthorization(): string {
  const password = process.env[LOCAL_CREDENTIAL_ENV] ?? '';
  return `Basic ${Buffer.from(`local:${password}`).toString('base64')}`;
}
