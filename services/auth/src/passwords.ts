import { type Algorithm, hash, verify } from '@node-rs/argon2';

// `Algorithm` is a const enum, which `isolatedModules` cannot read, so its value is spelled out.
const argon2id = 2 as Algorithm;

/** Argon2id with 19 MiB, 2 passes and 1 lane: the first OWASP password storage setting. */
const hashOptions = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id; the salt and parameters are part of the returned string. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, hashOptions);
}

/**
 * Verifies passwords, spending the same work whether or not the user exists.
 *
 * Verifying against a hash of a random password when the username is unknown keeps the
 * response time from telling an attacker which usernames are registered.
 */
export class PasswordVerifier {
  private decoyHash: Promise<string> | undefined;

  /** Returns whether `password` matches `passwordHash`, or spends a decoy check when it is absent. */
  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    if (passwordHash === undefined) {
      await verify(await this.decoy(), password).catch(() => false);
      return false;
    }
    return verify(passwordHash, password).catch(() => false);
  }

  /** Computes the decoy hash ahead of the first login, so that login is not slower either. */
  decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(crypto.randomUUID());
    return this.decoyHash;
  }
}
