import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisOptions {
  url: string;
  logger: Logger;
  /** A label for logs, such as `commands` or `subscriber`. */
  role: string;
}

/**
 * Creates a Redis connection that fails commands within a bounded time while Redis is away.
 *
 * Chat sends wait on Redis, so an unbounded offline queue would turn a Redis outage into
 * hung clients; failing after a few retries lets callers answer `UNAVAILABLE` instead.
 */
export function createRedis({ url, logger, role }: RedisOptions): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    commandTimeout: 3_000,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });

  let lastErrorLog = 0;
  redis.on('error', (error) => {
    // Reconnect attempts repeat every few hundred milliseconds; one line per 5 s is enough.
    if (Date.now() - lastErrorLog < 5_000) return;
    lastErrorLog = Date.now();
    logger.warn({ err: error, role }, 'redis connection error');
  });
  redis.on('ready', () => logger.info({ role }, 'redis connected'));
  return redis;
}
