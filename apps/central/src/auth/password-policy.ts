import { COMMON_PASSWORDS } from './common-passwords';

/** ASVS V2.1.1 and V2.1.2: at least 12 characters, at most 128; any character, no composition rule. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const COMMON = new Set(COMMON_PASSWORDS.map((password) => password.toLowerCase()));

/**
 * What is wrong with `password` as a new password of `login`, in words for the person choosing it (never repeating
 * the password), or undefined when it is acceptable (ASVS V2.1: length, a list of common passwords, not the login).
 */
export function passwordProblem(password: string, login: string): string | undefined {
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN) return `expected at least ${PASSWORD_MIN} characters, got ${length}`;
  if (length > PASSWORD_MAX) return `expected at most ${PASSWORD_MAX} characters, got ${length}`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'this password is among the most common ones: choose another';
  const name = login.toLowerCase().split('@')[0] ?? '';
  if (lower === login.toLowerCase() || (name.length >= 4 && lower.includes(name))) {
    return 'the password must not contain the login';
  }
  return undefined;
}
