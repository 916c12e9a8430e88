import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokenIssuer } from '../../src/access-tokens.ts';
import { loadSigningKeys } from '../../src/signing-keys.ts';

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('loadSigningKeys', () => {
  it('names the key by its RFC 7638 thumbprint', async () => {
    const key = ed25519();
    const expected = await calculateJwkThumbprint(
      await exportJWK(createPublicKey(key.privatePem)),
      'sha256',
    );

    const keys = await loadSigningKeys({ privateKeyPem: key.privatePem });

    expect(keys.kid).toBe(expected);
    expect(keys.jwks.keys).toHaveLength(1);
    expect(keys.jwks.keys[0]).toMatchObject({
      kid: expected,
      alg: 'EdDSA',
      use: 'sig',
      crv: 'Ed25519',
    });
    expect(keys.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('uses JWT_KEY_ID when given', async () => {
    const keys = await loadSigningKeys({ privateKeyPem: ed25519().privatePem, keyId: '2026-01' });

    expect(keys.kid).toBe('2026-01');
    expect(keys.jwks.keys[0]?.kid).toBe('2026-01');
  });

  it('accepts a PEM with escaped line breaks', async () => {
    const pem = ed25519().privatePem.replace(/\n/g, '\\n');

    const keys = await loadSigningKeys({ privateKeyPem: pem });

    expect(keys.jwks.keys).toHaveLength(1);
  });

  it('publishes previous keys given as PEM and as JWK', async () => {
    const current = ed25519();
    const fromPem = ed25519();
    const fromJwk = ed25519();
    const jwk = { ...(await exportJWK(createPublicKey(fromJwk.privatePem))), kid: 'old-jwk' };

    const keys = await loadSigningKeys({
      privateKeyPem: current.privatePem,
      previousPublicKeys: JSON.stringify([fromPem.publicPem, jwk]),
    });

    expect(keys.jwks.keys).toHaveLength(3);
    expect(keys.jwks.keys[0]?.kid).toBe(keys.kid);
    expect(keys.jwks.keys[2]?.kid).toBe('old-jwk');
    for (const published of keys.jwks.keys) expect(published.alg).toBe('EdDSA');
  });

  it('keeps tokens of a previous key verifiable', async () => {
    const old = ed25519();
    const oldKeys = await loadSigningKeys({ privateKeyPem: old.privatePem });
    const oldToken = await new SignJWT({ username: 'alice' })
      .setProtectedHeader({ alg: 'EdDSA', kid: oldKeys.kid })
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(old.privateKey);

    const rotated = await loadSigningKeys({
      privateKeyPem: ed25519().privatePem,
      previousPublicKeys: JSON.stringify([old.publicPem]),
    });
    const { payload } = await jwtVerify(oldToken, createLocalJWKSet(rotated.jwks));

    expect(payload.sub).toBe('user-1');
  });

  it('rejects previous keys that are not a JSON array', async () => {
    const attempt = loadSigningKeys({
      privateKeyPem: ed25519().privatePem,
      previousPublicKeys: '{',
    });

    await expect(attempt).rejects.toThrow(/JWT_PREVIOUS_PUBLIC_KEYS is not valid JSON/);
  });

  it('rejects a key that is not Ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    await expect(loadSigningKeys({ privateKeyPem: pem })).rejects.toThrow(
      /must be Ed25519, got rsa/,
    );
  });
});

describe('AccessTokenIssuer', () => {
  it('signs the claims that services verify', async () => {
    const keys = await loadSigningKeys({ privateKeyPem: ed25519().privatePem });
    const issuer = new AccessTokenIssuer(keys, { issuer: 'iss', audience: 'aud', ttlSeconds: 60 });

    const token = await issuer.issue({ id: 'user-7', username: 'grace' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks), {
      issuer: 'iss',
      audience: 'aud',
      algorithms: ['EdDSA'],
    });

    expect(protectedHeader.kid).toBe(keys.kid);
    expect(payload.sub).toBe('user-7');
    expect(payload.username).toBe('grace');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
  });
});
