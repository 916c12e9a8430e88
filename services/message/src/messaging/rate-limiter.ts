import type { Redis } from 'ioredis';
import { messageErrors } from '../errors.ts';
import type { RedisKeys } from '../store/keys.ts';

/**
 * Limits sends per user in fixed windows counted in Redis, so the limit holds across all
 * of a user's devices and message-service instances.
 */
export class SendRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one send; throws `RATE_LIMITED` with the time until the window ends. */
  async consume(userId: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / this.windowMs);
    const key = this.keys.sendRate(userId, window);
    const [[, count]] = (await this.redis
      .multi()
      .incr(key)
      .pexpire(key, this.windowMs * 2)
      .exec()) as [[unknown, number], ...unknown[]];
    if (count <= this.limit) return;

    const retryAfterMs = (window + 1) * this.windowMs - now;
    throw messageErrors.RATE_LIMITED(
      `Too many messages: at most ${this.limit} per ${this.windowMs / 1000} s. Retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
      { retryAfterMs },
    );
  }
}
