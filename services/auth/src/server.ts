import { createDatabase } from '@chat/db';
import { createRedis, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { AccessTokenIssuer } from './access-tokens.ts';
import { Accounts } from './accounts.ts';
import { type AuthDependencies, buildApp } from './app.ts';
import type { AuthConfig } from './config.ts';
import { PasswordVerifier } from './passwords.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { Sessions } from './sessions.ts';
import { loadSigningKeys } from './signing-keys.ts';
import { UsernameBloom } from './username-bloom.ts';

/** The auth service's dependencies plus the username filter, which the server starts. */
export interface AuthRuntime extends AuthDependencies {
  bloom: UsernameBloom;
  passwords: PasswordVerifier;
}

/** Connects to the database and Redis and builds every component of the auth service. */
export async function createDependencies(config: AuthConfig, logger: Logger): Promise<AuthRuntime> {
  const keys = await loadSigningKeys({
    privateKeyPem: config.JWT_PRIVATE_KEY,
    keyId: config.JWT_KEY_ID,
    previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS,
  });
  const db = createDatabase(config.DATABASE_URL);
  const redis = createRedis({ url: config.REDIS_URL, logger, role: 'commands' });

  const bloom = new UsernameBloom({
    redis,
    db,
    logger: logger.child({ component: 'username-bloom' }),
    keyPrefix: config.REDIS_KEY_PREFIX,
    bits: config.USERNAME_BLOOM_BITS,
    hashes: config.USERNAME_BLOOM_HASHES,
  });
  const accessTokens = new AccessTokenIssuer(keys, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const refreshTokens = new RefreshTokens(db, config.REFRESH_TOKEN_TTL_SECONDS, logger);
  const sessions = new Sessions(accessTokens, refreshTokens);
  const passwords = new PasswordVerifier();
  const accounts = new Accounts({ db, passwords, bloom, sessions, logger });

  return { logger, db, redis, keys, accounts, sessions, bloom, passwords };
}

/** Builds the auth service, listens on HOST:PORT and returns the app and its shutdown step. */
export async function startServer(
  config: AuthConfig,
  logger: Logger,
): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const runtime = await createDependencies(config, logger);
  const app = buildApp(runtime);

  await runtime.passwords.decoy();
  await app.listen({ port: config.PORT, host: config.HOST });
  void runtime.bloom.rebuildIfMissing();

  return { app, close: () => closeRuntime(app, runtime) };
}

/** Stops accepting requests, waits for those in flight, then closes the connections. */
async function closeRuntime(app: FastifyInstance, runtime: AuthRuntime): Promise<void> {
  await app.close();
  await runtime.bloom.settled();
  await runtime.db.$disconnect();
  await runtime.redis.quit();
}
