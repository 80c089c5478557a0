import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Field tokens: short-lived proofs, signed by central with Ed25519, that a person may act on one gateway's local API.
 * A gateway checks them offline with central's public key, which it received at enrolment (docs/security.md).
 *
 * Format: `bft1.<claims>.<signature>`, where `<claims>` is the base64url of a JSON object and `<signature>` the
 * base64url of the Ed25519 signature of the ASCII text `bft1.<claims>`.
 */
export const FIELD_TOKEN_PREFIX = 'bft1';

/** What a field token says. Times are whole seconds since 1970 (UTC), as in JWTs. */
export interface FieldTokenClaims {
  /** The gateway it opens. */
  readonly gatewayId: string;
  /** That gateway's commune (INSEE code). */
  readonly communeInsee: string;
  /** The person, by their central login. */
  readonly login: string;
  /** Their central role (syndicate-admin, commune-staff, field-engineer, read-only). */
  readonly role: string;
  /** Issued at. */
  readonly iat: number;
  /** Expires at. */
  readonly exp: number;
  /** Id of the signing key ({@link fieldKeyId}). */
  readonly kid: string;
}

/** A public key a gateway trusts, as central publishes it: its id and its SPKI PEM text. */
export interface FieldKey {
  readonly keyId: string;
  readonly publicKey: string;
}

/** Why a field token is refused, in words a field engineer can act on. */
export class FieldTokenRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldTokenRefusal';
  }
}

/** A key's id: the first 16 characters of the base64url SHA-256 of its public key (SPKI DER). */
export function fieldKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url')
    .slice(0, 16);
}

/** The public half of an Ed25519 key as central publishes it. */
export function publishedFieldKey(key: KeyObject): FieldKey {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return { keyId: fieldKeyId(publicKey), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Signs `claims` (whose `kid` is set from the key) with central's Ed25519 private key. */
export function signFieldToken(claims: Omit<FieldTokenClaims, 'kid'>, privateKey: KeyObject): string {
  const kid = fieldKeyId(createPublicKey(privateKey));
  const body = `${FIELD_TOKEN_PREFIX}.${Buffer.from(JSON.stringify({ ...claims, kid })).toString('base64url')}`;
  return `${body}.${sign(null, Buffer.from(body), privateKey).toString('base64url')}`;
}

const CLAIM_TEXT = ['gatewayId', 'communeInsee', 'login', 'role', 'kid'] as const;
const CLAIM_TIME = ['iat', 'exp'] as const;

function claimsOf(text: string): FieldTokenClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new FieldTokenRefusal('not a field token: its claims are not base64url JSON');
  }
  if (typeof value !== 'object' || value === null) throw new FieldTokenRefusal('not a field token: no claims');
  const claims = value as Record<string, unknown>;
  for (const name of CLAIM_TEXT) {
    if (typeof claims[name] !== 'string') throw new FieldTokenRefusal(`not a field token: claim ${name} missing`);
  }
  for (const name of CLAIM_TIME) {
    if (!Number.isInteger(claims[name])) throw new FieldTokenRefusal(`not a field token: claim ${name} missing`);
  }
  return value as FieldTokenClaims;
}

/**
 * The claims of a token whose signature one of `keys` verifies and which is valid at `nowSeconds`; throws a
 * {@link FieldTokenRefusal} saying what is wrong otherwise. Whom the token is for is the caller's check.
 */
export function verifyFieldToken(token: string, keys: readonly FieldKey[], nowSeconds: number): FieldTokenClaims {
  const parts = token.split('.');
  const [prefix, encodedClaims, signature] = parts;
  if (parts.length !== 3 || prefix !== FIELD_TOKEN_PREFIX || encodedClaims === undefined || signature === undefined) {
    throw new FieldTokenRefusal(`not a field token: expected ${FIELD_TOKEN_PREFIX}.<claims>.<signature>`);
  }
  const claims = claimsOf(encodedClaims);
  const key = keys.find((known) => known.keyId === claims.kid);
  if (key === undefined) {
    const known = keys.map((k) => k.keyId).join(', ') || 'none: the gateway is not enrolled';
    throw new FieldTokenRefusal(
      `token signed with key ${claims.kid}, which this gateway does not know (known: ${known})`,
    );
  }
  const signed = Buffer.from(`${prefix}.${encodedClaims}`);
  if (!verify(null, signed, createPublicKey(key.publicKey), Buffer.from(signature, 'base64url'))) {
    throw new FieldTokenRefusal('token signature does not verify: it was not issued by central, or was altered');
  }
  if (claims.exp <= nowSeconds) {
    throw new FieldTokenRefusal(
      `token expired at ${new Date(claims.exp * 1000).toISOString()}; ask central for a new one`,
    );
  }
  if (claims.iat > nowSeconds + 300) {
    throw new FieldTokenRefusal(
      `token issued in the future (${new Date(claims.iat * 1000).toISOString()}): check clocks`,
    );
  }
  return claims;
}
