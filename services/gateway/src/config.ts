import { env } from '@chat/kit';
import { z } from 'zod';

const upstreamList = (fallback: string) => env.list(fallback).pipe(z.array(z.url()));

/** Environment variables of the gateway; see docs/configuration.md. */
export const configShape = {
  HOST: env.host(),
  PORT: env.port(8080),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().max(64).default('chat:'),
  JWKS_URL: env.url('http://127.0.0.1:8081/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('chat-platform'),
  JWT_AUDIENCE: z.string().min(1).default('chat-clients'),
  AUTH_URL: env.url('http://127.0.0.1:8081'),
  USER_URL: env.url('http://127.0.0.1:8082'),
  MESSAGE_URLS: upstreamList('http://127.0.0.1:8083,http://127.0.0.1:8084'),
  STORAGE_URL: env.url('http://127.0.0.1:8086'),
  CORS_ORIGINS: env.list('http://127.0.0.1:3000,http://localhost:3000'),
  /**
   * Proxies in front of the gateway whose `X-Forwarded-For` is believed: addresses, CIDR
   * ranges or `loopback`, `linklocal`, `uniquelocal`. Unset trusts none, so the socket
   * address is the client address.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((raw) =>
      (raw ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    ),
  RATE_LIMIT_WINDOW_MS: env.int(60_000, 1_000),
  /** Requests per user per window on authenticated routes. */
  RATE_LIMIT_USER_MAX: env.int(600, 1),
  /** Requests per client address per window to register, login and refresh. */
  RATE_LIMIT_AUTH_MAX: env.int(20, 1),
  /** Requests per client address per window to the other public routes and socket upgrades. */
  RATE_LIMIT_PUBLIC_MAX: env.int(300, 1),
  UPSTREAM_HEALTH_INTERVAL_MS: env.int(2_000, 100),
  /** How long the gateway waits for an upstream's response headers. */
  UPSTREAM_TIMEOUT_MS: env.int(30_000, 100),
};

export type GatewayConfig = z.infer<z.ZodObject<typeof configShape>>;
