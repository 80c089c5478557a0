import { generateKeyPairSync } from 'node:crypto';
import { FieldTokenRefusal, publishedFieldKey, signFieldToken, verifyFieldToken } from './field-token';

const NOW = 1_800_000_000;
const central = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const keys = [publishedFieldKey(central.publicKey)];
const claims = {
  gatewayId: 'gw-test',
  communeInsee: '02691',
  login: 'tech@useda',
  role: 'field-engineer',
  iat: NOW - 60,
  exp: NOW + 3600,
};

function refusal(token: string, now = NOW): string {
  try {
    verifyFieldToken(token, keys, now);
  } catch (error) {
    if (error instanceof FieldTokenRefusal) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('field tokens', () => {
  it('verifies a token signed by the known key and gives its claims with the key id', () => {
    const token = signFieldToken(claims, central.privateKey);
    expect(token.split('.')).toHaveLength(3);
    expect(verifyFieldToken(token, keys, NOW)).toEqual({ ...claims, kid: keys[0]?.keyId });
  });

  it('the key id is the same from the private and the public key', () => {
    expect(publishedFieldKey(central.privateKey)).toEqual(publishedFieldKey(central.publicKey));
  });

  it('refuses an expired token, naming when it expired', () => {
    expect(refusal(signFieldToken(claims, central.privateKey), NOW + 3600)).toMatch(/^token expired at 2027-/);
  });

  it('refuses a token signed by a key the gateway does not know', () => {
    expect(refusal(signFieldToken(claims, stranger.privateKey))).toMatch(/which this gateway does not know/);
  });

  it('refuses a token whose claims were changed after signing', () => {
    const [prefix, , signature] = signFieldToken(claims, central.privateKey).split('.');
    const kid = keys[0]?.keyId ?? '';
    const altered = Buffer.from(JSON.stringify({ ...claims, role: 'syndicate-admin', kid })).toString('base64url');
    expect(refusal(`${prefix}.${altered}.${signature}`)).toMatch(/signature does not verify/);
  });

  it('refuses a forged signature made with another key but the known key id', () => {
    const forged = signFieldToken(claims, stranger.privateKey).split('.');
    const kid = keys[0]?.keyId ?? '';
    const body = Buffer.from(JSON.stringify({ ...claims, kid })).toString('base64url');
    expect(refusal(`bft1.${body}.${forged[2]}`)).toMatch(/signature does not verify/);
  });

  it.each([
    ['', /expected bft1.<claims>.<signature>/],
    ['local:secret', /expected bft1/],
    ['bft1.%%%.abc', /claims are not base64url JSON|claim/],
    [`bft1.${Buffer.from('{"login":"x"}').toString('base64url')}.abc`, /claim gatewayId missing/],
  ])('refuses %j as not a field token', (token, message) => {
    expect(refusal(token)).toMatch(message);
  });
});
