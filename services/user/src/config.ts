import { env } from '@chat/kit';
import { z } from 'zod';

/** Environment variables of the user service; see docs/configuration.md. */
export const configShape = {
  HOST: env.host(),
  PORT: env.port(8082),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/chat'),
  JWKS_URL: env.url('http://127.0.0.1:8081/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('chat-platform'),
  JWT_AUDIENCE: z.string().min(1).default('chat-clients'),
};

export type UserConfig = z.infer<z.ZodObject<typeof configShape>>;
