import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { AppError } from './errors.ts';

/** Who a verified access token belongs to. */
export interface Principal {
  userId: string;
  username: string;
}

export interface TokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export type TokenVerifier = (token: string | undefined) => Promise<Principal>;

/**
 * Creates a verifier for access tokens signed by the auth service.
 *
 * The key set is fetched once and cached; an unknown `kid` (after a key rotation) triggers
 * one refetch, rate-limited by jose's cooldown, so verification never costs a request to
 * the auth service in the steady state.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: 10 * 60_000,
    cooldownDuration: 30_000,
    timeoutDuration: 5_000,
  });

  return async (token) => {
    if (!token)
      throw unauthorized(
        'An access token is required: send "Authorization: Bearer <accessToken>".',
      );

    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['EdDSA'],
        // A token without an expiry would stay valid forever if it ever leaked.
        requiredClaims: ['exp', 'sub'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.username !== 'string') {
        throw unauthorized('The access token lacks its subject or username claim.');
      }
      return { userId: payload.sub, username: payload.username };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw unauthorized('The access token has expired; refresh it.', error);
      }
      if (error instanceof joseErrors.JOSEError && !isKeySetUnavailable(error)) {
        throw unauthorized('The access token is invalid.', error);
      }
      throw new AppError(
        'UNAVAILABLE',
        503,
        'Tokens cannot be verified right now; retry shortly.',
        {
          cause: error,
          retryAfterMs: 1_000,
        },
      );
    }
  };
}

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function unauthorized(message: string, cause?: unknown): AppError {
  return new AppError('UNAUTHORIZED', 401, message, { cause });
}

function isKeySetUnavailable(error: joseErrors.JOSEError): boolean {
  return error instanceof joseErrors.JWKSTimeout || error.code === 'ERR_JOSE_GENERIC';
}
