import type { AccessTokenIssuer } from './access-tokens.ts';
import type { RefreshTokens } from './refresh-tokens.ts';

/** The tokens a client holds for one login. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the access token in seconds. */
  expiresIn: number;
}

/** Starts, renews and ends logins by pairing an access token with a refresh token. */
export class Sessions {
  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  /** Issues the first token pair of a new login. */
  async start(user: { id: string; username: string }): Promise<TokenPair> {
    const [accessToken, refreshToken] = await Promise.all([
      this.accessTokens.issue(user),
      this.refreshTokens.issue(user.id),
    ]);
    return { accessToken, refreshToken, expiresIn: this.accessTokens.ttlSeconds };
  }

  /** Exchanges a refresh token for a new pair; the old refresh token stops working. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const rotation = await this.refreshTokens.rotate(refreshToken);
    const accessToken = await this.accessTokens.issue(rotation.user);
    return {
      accessToken,
      refreshToken: rotation.refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }

  /** Ends a login by revoking its refresh token; access tokens run out on their own. */
  async end(refreshToken: string): Promise<void> {
    await this.refreshTokens.revoke(refreshToken);
  }
}
