import { type Database, pingDatabase } from '@chat/db';
import { createHttpApp, type Logger, requireAccessToken, type TokenVerifier } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { registerUserRoutes } from './routes/users.ts';
import { Users } from './users.ts';

/** Everything the user routes use, built by `startServer` or by a test. */
export interface UserDependencies {
  logger: Logger;
  db: Database;
  verifyToken: TokenVerifier;
}

/** Builds the user service's fastify app with its routes, without listening. */
export function buildApp(deps: UserDependencies): FastifyInstance {
  const app = createHttpApp({
    logger: deps.logger,
    readiness: [{ name: 'database', check: () => pingDatabase(deps.db) }],
  });

  const users = new Users(deps.db);
  app.register(async (scope) => {
    requireAccessToken(scope, deps.verifyToken);
    registerUserRoutes(scope, users);
  });
  return app;
}
