import { env } from '@chat/kit';
import { z } from 'zod';

/** Environment variables of the auth service; see docs/configuration.md. */
export const configShape = {
  HOST: env.host(),
  PORT: env.port(8081),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/chat'),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().max(64).default('chat:'),
  /** PKCS#8 PEM of the Ed25519 signing key; `\n` escapes are accepted for one-line values. */
  JWT_PRIVATE_KEY: z.string().min(1),
  JWT_KEY_ID: z.string().min(1).max(128).optional(),
  /** A JSON array of public JWKs or SPKI PEMs that still verify tokens after a rotation. */
  JWT_PREVIOUS_PUBLIC_KEYS: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('chat-platform'),
  JWT_AUDIENCE: z.string().min(1).default('chat-clients'),
  ACCESS_TOKEN_TTL_SECONDS: env.int(900, 30),
  REFRESH_TOKEN_TTL_SECONDS: env.int(2_592_000, 60),
  /** Size of the username Bloom filter in bits; Redis bitmaps allow at most 2^32. */
  USERNAME_BLOOM_BITS: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 32)
    .default(2 ** 24),
  USERNAME_BLOOM_HASHES: z.coerce.number().int().min(1).max(32).default(7),
};

export type AuthConfig = z.infer<z.ZodObject<typeof configShape>>;
