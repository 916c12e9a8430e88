import { type Database, pingDatabase } from '@chat/db';
import { createHttpApp, type Logger, requireAccessToken, type TokenVerifier } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { Attachments } from './attachments.ts';
import type { ObjectStore } from './object-store.ts';
import { registerAttachmentRoutes } from './routes/attachments.ts';
import { registerUploadRoutes } from './routes/uploads.ts';

/** Everything the storage routes use, built by `startServer` or by a test. */
export interface StorageDependencies {
  logger: Logger;
  db: Database;
  store: ObjectStore;
  verifyToken: TokenVerifier;
  maxUploadBytes: number;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
}

/** Builds the storage service's fastify app with its routes, without listening. */
export function buildApp(deps: StorageDependencies): FastifyInstance {
  const app = createHttpApp({
    logger: deps.logger,
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'bucket', check: () => deps.store.checkBucket() },
    ],
  });

  const attachments = new Attachments({
    db: deps.db,
    store: deps.store,
    logger: deps.logger.child({ component: 'attachments' }),
    maxUploadBytes: deps.maxUploadBytes,
    uploadUrlTtlSeconds: deps.uploadUrlTtlSeconds,
    downloadUrlTtlSeconds: deps.downloadUrlTtlSeconds,
  });
  app.register(async (scope) => {
    requireAccessToken(scope, deps.verifyToken);
    registerUploadRoutes(scope, attachments);
    registerAttachmentRoutes(scope, attachments);
  });
  return app;
}
