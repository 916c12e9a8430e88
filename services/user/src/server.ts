import { createDatabase } from '@chat/db';
import { createTokenVerifier, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { UserConfig } from './config.ts';

/** Builds the user service, listens on HOST:PORT and returns the app and its shutdown step. */
export async function startServer(
  config: UserConfig,
  logger: Logger,
): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const db = createDatabase(config.DATABASE_URL);
  const verifyToken = createTokenVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const app = buildApp({ logger, db, verifyToken });

  await app.listen({ port: config.PORT, host: config.HOST });

  return {
    app,
    close: async () => {
      await app.close();
      await db.$disconnect();
    },
  };
}
