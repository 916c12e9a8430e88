import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys.ts';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs short-lived access tokens that every service verifies against the JWKS document. */
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: AccessTokenSettings,
  ) {}

  /** Lifetime of each token in seconds, sent to clients as `expiresIn`. */
  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  /** Signs a token whose `sub` is the user id and whose `username` claim is the username. */
  issue(user: { id: string; username: string }): Promise<string> {
    return new SignJWT({ username: user.username })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.keys.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.keys.privateKey);
  }
}
