import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

/** A public key as published in the JWKS document. */
export interface PublishedKey extends JWK {
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** The key that signs new access tokens and every key that verifies them. */
export interface SigningKeys {
  privateKey: KeyObject;
  kid: string;
  /** The current key first, then the previous ones. */
  jwks: { keys: PublishedKey[] };
}

export interface SigningKeyOptions {
  privateKeyPem: string;
  keyId?: string;
  /** JSON array of public JWKs or SPKI PEM strings. */
  previousPublicKeys?: string;
}

/**
 * Loads the Ed25519 signing key and builds the JWKS document.
 *
 * Keys without a `kid` get their RFC 7638 thumbprint, so the id is stable across restarts
 * and across replicas that share the key. Throws on anything that is not an Ed25519 key.
 */
export async function loadSigningKeys(options: SigningKeyOptions): Promise<SigningKeys> {
  const privateKey = createPrivateKey(unescapePem(options.privateKeyPem));
  const current = await publish(createPublicKey(privateKey), options.keyId);
  const previous = await parsePreviousKeys(options.previousPublicKeys);

  const keys = [current, ...previous.filter((key) => key.kid !== current.kid)];
  return { privateKey, kid: current.kid, jwks: { keys } };
}

async function parsePreviousKeys(raw: string | undefined): Promise<PublishedKey[]> {
  if (raw === undefined || raw.trim() === '') return [];

  let entries: unknown;
  try {
    entries = JSON.parse(raw);
  } catch (error) {
    throw new Error('JWT_PREVIOUS_PUBLIC_KEYS is not valid JSON; expected an array', {
      cause: error,
    });
  }
  if (!Array.isArray(entries)) {
    throw new Error('JWT_PREVIOUS_PUBLIC_KEYS must be a JSON array of JWKs or PEM strings');
  }

  return Promise.all(
    entries.map((entry, index) => {
      if (typeof entry === 'string') return publish(createPublicKey(unescapePem(entry)));
      if (isJwk(entry)) {
        return publish(createPublicKey({ key: entry, format: 'jwk' }), entry.kid);
      }
      throw new Error(
        `JWT_PREVIOUS_PUBLIC_KEYS[${index}] is neither a JWK object nor a PEM string`,
      );
    }),
  );
}

async function publish(publicKey: KeyObject, kid?: string): Promise<PublishedKey> {
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `signing keys must be Ed25519, got ${publicKey.asymmetricKeyType ?? 'an unknown key type'}`,
    );
  }
  const jwk = await exportJWK(publicKey);
  const keyId = kid ?? (await calculateJwkThumbprint(jwk, 'sha256'));
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: keyId, alg: 'EdDSA', use: 'sig' };
}

function isJwk(value: unknown): value is JWK & { kty: string; kid?: string } {
  return typeof value === 'object' && value !== null && typeof (value as JWK).kty === 'string';
}

/** Environment files often carry a PEM on one line with literal `\n` escapes. */
function unescapePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}
