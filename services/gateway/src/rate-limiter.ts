import type { Logger } from '@chat/kit';
import type { Redis } from 'ioredis';
import { retryAfterMs, windowPosition } from './rate-window.ts';

/** A named limit: at most `limit` requests per key in any `windowMs`. */
export interface RateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
}

/** The verdict on one request. */
export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

// Adds the request only when it fits, so rejected requests do not extend a client's wait. The
// condition is `allows` from rate-window.ts.
// KEYS: current window, previous window. ARGV: previous weight, limit, key lifetime in ms.
const consumeScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[1]) + current + 1 > tonumber(ARGV[2]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, current, previous}`;

const errorLogIntervalMs = 5_000;

/**
 * Counts requests in Redis under `<prefix>ratelimit:` with a sliding window shared by every
 * gateway instance.
 *
 * When Redis is unavailable every request is allowed: a Redis outage must not take the API
 * down with it. The outage is logged at most once per five seconds.
 */
export class RateLimiter {
  private lastErrorLog = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  /** Counts one request for `key` under `rule`, unless it would exceed the limit. */
  async consume(rule: RateLimitRule, key: string, nowMs = Date.now()): Promise<RateLimitResult> {
    // Waiting on ioredis's offline queue would add seconds to every request during an outage.
    if (this.redis.status !== 'ready') {
      this.logFailOpen(new Error(`redis connection is ${this.redis.status}`), rule);
      return { allowed: true };
    }

    const position = windowPosition(nowMs, rule.windowMs);
    const base = `${this.keyPrefix}ratelimit:{${rule.name}:${key}}`;
    try {
      const [allowed, current, previous] = (await this.redis.eval(
        consumeScript,
        2,
        `${base}:${position.index}`,
        `${base}:${position.index - 1}`,
        position.previousWeight,
        rule.limit,
        rule.windowMs * 2,
      )) as [number, number, number];
      if (allowed === 1) return { allowed: true };
      return {
        allowed: false,
        retryAfterMs: retryAfterMs(
          { previous, current },
          position.elapsedMs,
          rule.windowMs,
          rule.limit,
        ),
      };
    } catch (error) {
      this.logFailOpen(error, rule);
      return { allowed: true };
    }
  }

  private logFailOpen(error: unknown, rule: RateLimitRule): void {
    if (Date.now() - this.lastErrorLog < errorLogIntervalMs) return;
    this.lastErrorLog = Date.now();
    this.logger.warn({ err: error, rule: rule.name }, 'rate limiting skipped: redis unavailable');
  }
}
