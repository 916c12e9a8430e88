import { createRedis, createTokenVerifier, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp, type GatewayDependencies } from './app.ts';
import { createClientAddressResolver } from './client-address.ts';
import type { GatewayConfig } from './config.ts';
import { HealthPoller } from './health-poller.ts';
import { RateLimiter } from './rate-limiter.ts';
import { UpstreamGroup } from './upstream-group.ts';

// Rate limits fail open while Redis is not connected, so the gateway gives the connection a
// moment to come up before it takes traffic.
const redisStartupWaitMs = 3_000;

/** A running gateway. */
export interface GatewayServer {
  app: FastifyInstance;
  /** Probes of upstream readiness; tests call `pollOnce` to refresh health at once. */
  poller: HealthPoller;
  close: () => Promise<void>;
}

/** Builds the gateway's components from its configuration. */
export function createDependencies(
  config: GatewayConfig,
  logger: Logger,
): GatewayDependencies & { redis: Redis } {
  const redis = createRedis({ url: config.REDIS_URL, logger, role: 'rate-limits' });
  const windowMs = config.RATE_LIMIT_WINDOW_MS;

  return {
    logger,
    redis,
    groups: {
      auth: new UpstreamGroup('auth', [config.AUTH_URL]),
      user: new UpstreamGroup('user', [config.USER_URL]),
      message: new UpstreamGroup('message', config.MESSAGE_URLS),
      storage: new UpstreamGroup('storage', [config.STORAGE_URL]),
    },
    verifyToken: createTokenVerifier({
      jwksUrl: config.JWKS_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    }),
    rateLimiter: new RateLimiter(redis, config.REDIS_KEY_PREFIX, logger),
    rateLimits: {
      user: { name: 'user', limit: config.RATE_LIMIT_USER_MAX, windowMs },
      auth: { name: 'auth', limit: config.RATE_LIMIT_AUTH_MAX, windowMs },
      public: { name: 'public', limit: config.RATE_LIMIT_PUBLIC_MAX, windowMs },
    },
    clientAddress: createClientAddressResolver(config.TRUSTED_PROXIES),
    corsOrigins: config.CORS_ORIGINS,
    jwksUrl: config.JWKS_URL,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  };
}

/** Builds the gateway, listens on HOST:PORT and starts probing the upstreams. */
export async function startServer(config: GatewayConfig, logger: Logger): Promise<GatewayServer> {
  const deps = createDependencies(config, logger);
  const { app } = buildApp(deps);
  const poller = new HealthPoller(
    Object.values(deps.groups),
    config.UPSTREAM_HEALTH_INTERVAL_MS,
    logger.child({ component: 'health-poller' }),
  );

  await waitForRedis(deps.redis, redisStartupWaitMs, logger);
  await app.listen({ port: config.PORT, host: config.HOST });
  poller.start();

  return {
    app,
    poller,
    close: async () => {
      await poller.stop();
      await app.close();
      await deps.redis.quit();
    },
  };
}

async function waitForRedis(redis: Redis, timeoutMs: number, logger: Logger): Promise<void> {
  if (redis.status === 'ready') return;

  let onReady = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
    redis.once('ready', onReady);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([ready, timeout]);
  clearTimeout(timer);
  redis.off('ready', onReady);

  // The status changed while waiting, which TypeScript cannot know after the check above.
  if ((redis.status as string) !== 'ready') {
    logger.warn({ waitedMs: timeoutMs }, 'redis not connected; rate limits are off until it is');
  }
}
