import { createDatabase } from '@chat/db';
import { createTokenVerifier, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { StorageConfig } from './config.ts';
import { ObjectStore } from './object-store.ts';

/** Builds the storage service, listens on HOST:PORT and returns the app and its shutdown step. */
export async function startServer(
  config: StorageConfig,
  logger: Logger,
): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const db = createDatabase(config.DATABASE_URL);
  const verifyToken = createTokenVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const store = new ObjectStore({
    endpoint: config.S3_ENDPOINT,
    publicEndpoint: config.S3_PUBLIC_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
  const app = buildApp({
    logger,
    db,
    store,
    verifyToken,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    downloadUrlTtlSeconds: config.DOWNLOAD_URL_TTL_SECONDS,
  });

  await app.listen({ port: config.PORT, host: config.HOST });
  // Origins only, so that credentials written into an endpoint URL never reach the logs.
  logger.info(
    {
      bucket: config.S3_BUCKET,
      endpoint: new URL(config.S3_ENDPOINT).origin,
      publicEndpoint: new URL(config.S3_PUBLIC_ENDPOINT ?? config.S3_ENDPOINT).origin,
    },
    'object store configured',
  );

  return {
    app,
    close: async () => {
      await app.close();
      await db.$disconnect();
      store.close();
    },
  };
}
