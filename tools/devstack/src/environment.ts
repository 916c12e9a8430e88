import { DevstackError } from './errors.ts';
import type { S3Settings } from './types.ts';
import { parseBrokers, parseUrl } from './urls.ts';

/** The backing-service settings found in environment variables. Unset ones are undefined. */
export interface EnvironmentSettings {
  mysqlUrl?: string;
  redisUrl?: string;
  kafkaBrokers?: string[];
  /** Complete S3 settings, present only when `S3_ENDPOINT` is set. */
  s3?: S3Settings;
  /** Credentials for an S3 server on the usual port or one the devstack starts. */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
  s3Bucket: string;
  s3Region: string;
}

/**
 * The keys of the S3 server that shared mode starts when `S3_ACCESS_KEY_ID` and
 * `S3_SECRET_ACCESS_KEY` are unset. That server listens on loopback only and contains
 * development data, so fixed keys are acceptable there and nowhere else.
 */
export const devS3Credentials = { accessKeyId: 'devstack', secretAccessKey: 'devstack-secret' };

/** The bucket and region defaults of the platform's configuration. */
export const defaultS3Bucket = 'chat-media';
export const defaultS3Region = 'us-east-1';

/**
 * Reads `DATABASE_URL`, `REDIS_URL`, `KAFKA_BROKERS` and the `S3_*` variables.
 *
 * Empty values count as unset. Throws `INVALID_CONFIG` naming the variable when a value is
 * malformed, or when `S3_ENDPOINT` is set without both keys.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentSettings {
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const mysqlUrl = value('DATABASE_URL');
  if (mysqlUrl !== undefined) parseUrl(mysqlUrl, ['mysql', 'mariadb'], 'DATABASE_URL');

  const redisUrl = value('REDIS_URL');
  if (redisUrl !== undefined) parseUrl(redisUrl, ['redis', 'rediss'], 'REDIS_URL');

  const brokers = value('KAFKA_BROKERS');
  const kafkaBrokers = brokers === undefined ? undefined : parseBrokers(brokers);

  const s3Bucket = value('S3_BUCKET') ?? defaultS3Bucket;
  const s3Region = value('S3_REGION') ?? defaultS3Region;
  const s3Credentials = readS3Credentials(value('S3_ACCESS_KEY_ID'), value('S3_SECRET_ACCESS_KEY'));
  const endpoint = value('S3_ENDPOINT');
  let s3: S3Settings | undefined;
  if (endpoint !== undefined) {
    parseUrl(endpoint, ['http', 'https'], 'S3_ENDPOINT');
    if (s3Credentials === undefined) {
      throw new DevstackError(
        'INVALID_CONFIG',
        'S3_ENDPOINT is set but S3_ACCESS_KEY_ID or S3_SECRET_ACCESS_KEY is missing; set both keys',
      );
    }
    s3 = { endpoint, region: s3Region, bucket: s3Bucket, ...s3Credentials };
  }

  return { mysqlUrl, redisUrl, kafkaBrokers, s3, s3Credentials, s3Bucket, s3Region };
}

function readS3Credentials(
  accessKeyId: string | undefined,
  secretAccessKey: string | undefined,
): EnvironmentSettings['s3Credentials'] {
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY';
    throw new DevstackError('INVALID_CONFIG', `${missing} is missing; set both S3 keys or neither`);
  }
  return { accessKeyId, secretAccessKey };
}
