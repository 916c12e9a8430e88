export { ensureBucket } from './ensure/bucket.ts';
export { databaseNameOf, ensureDatabase } from './ensure/database.ts';
export { ensureTopics, type TopicSpec } from './ensure/topics.ts';
export { defaultS3Bucket, defaultS3Region, devS3Credentials } from './environment.ts';
export { DevstackError, type DevstackErrorCode } from './errors.ts';
export { defaultRoot } from './layout.ts';
export {
  type PrivateKafka,
  type PrivateMariadb,
  type PrivateRedis,
  type PrivateS3,
  type PrivateServer,
  type PrivateServerOptions,
  startPrivateKafka,
  startPrivateMariadb,
  startPrivateRedis,
  startPrivateS3,
} from './private.ts';
export { inspectBackingServices, type ServiceStatus } from './resolve/inspect.ts';
export { type ResolveOptions, resolveBackingServices } from './resolve/resolve.ts';
export { createS3Client } from './s3-client.ts';
export { type StopOptions, type StopOutcome, stopBackingServices } from './stop.ts';
export type {
  BackingServices,
  DevstackLogger,
  OriginKind,
  ResolveMode,
  S3Settings,
  ServiceName,
  ServiceOrigin,
  UsualPorts,
} from './types.ts';
export { defaultUsualPorts, serviceNames } from './types.ts';
export {
  loopbackMysqlUrl,
  loopbackRedisUrl,
  parseBrokers,
  redactUrl,
  withDatabase,
} from './urls.ts';
