import { env } from '@chat/kit';
import { z } from 'zod';

const mebibyte = 1024 * 1024;

/** Largest value of the `attachments.size` column, a signed 32-bit INT. */
const maxStoredSize = 2 ** 31 - 1;

/** Environment variables of the storage service; see docs/configuration.md. */
export const configShape = {
  HOST: env.host(),
  PORT: env.port(8086),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/chat'),
  JWKS_URL: env.url('http://127.0.0.1:8081/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('chat-platform'),
  JWT_AUDIENCE: z.string().min(1).default('chat-clients'),
  /** The address this service reaches the object store at. */
  S3_ENDPOINT: env.url('http://127.0.0.1:9000'),
  /** The address browsers reach the object store at; presigned URLs are signed for it. */
  S3_PUBLIC_ENDPOINT: env.url().optional(),
  S3_BUCKET: z.string().min(3).max(63).default('chat-media'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  // Only presence is checked, so a configuration error can never print either credential.
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  /** Largest attachment in bytes; avatars are further limited to 5 MiB. */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxStoredSize)
    .default(25 * mebibyte),
  // Signature V4 accepts presigned URLs valid for at most 7 days (604800 s).
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(300),
};

export type StorageConfig = z.infer<z.ZodObject<typeof configShape>>;
