import { type Database, pingDatabase } from '@chat/db';
import { createHttpApp, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Accounts } from './accounts.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerJwksRoutes } from './routes/jwks.ts';
import type { Sessions } from './sessions.ts';
import type { SigningKeys } from './signing-keys.ts';

/** Everything the auth routes use, built by `createDependencies` or by a test. */
export interface AuthDependencies {
  logger: Logger;
  db: Database;
  redis: Redis;
  keys: SigningKeys;
  accounts: Accounts;
  sessions: Sessions;
}

/** Builds the auth service's fastify app with its routes, without listening. */
export function buildApp(deps: AuthDependencies): FastifyInstance {
  const app = createHttpApp({
    logger: deps.logger,
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      {
        name: 'redis',
        check: async () => {
          await deps.redis.ping();
        },
      },
    ],
  });

  registerAuthRoutes(app, deps);
  registerJwksRoutes(app, deps.keys);
  return app;
}
