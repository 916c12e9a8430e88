import type { Logger } from '@chat/kit';
import type { Redis } from 'ioredis';
import { messageErrors } from '../errors.ts';
import type { RedisKeys } from './keys.ts';

// INCR only when the counter exists: a missing counter means Redis lost its data (or the
// conversation predates it), and INCR would restart the conversation at seq 1.
const incrementIfPresent = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCR', KEYS[1])
end
return false`;

/** Finds the highest seq a conversation may already have used, once nothing is in flight. */
export type SeqFloorSource = (conversationId: string) => Promise<number>;

const reseedLockMs = 30_000;
const reseedWaitMs = 15_000;

/**
 * Hands out per-conversation `seq` numbers from an atomic Redis counter.
 *
 * When the counter is missing, it is re-seeded from the highest seq that can exist: the
 * floor source waits until every message already in Kafka is in MySQL and then reads the
 * maximum there, so a seq is never handed out twice, even after Redis lost everything.
 */
export class SequenceAllocator {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly floor: SeqFloorSource,
    private readonly logger: Logger,
  ) {}

  /** Starts a new conversation's counter at 0, so its first message needs no re-seed. */
  async initialise(conversationId: string): Promise<void> {
    await this.redis.set(this.keys.seq(conversationId), 0, 'NX');
  }

  /**
   * Returns the next seq of the conversation. `increment` runs the Redis side: it must
   * increment the counter only when it exists and return the new value, or null when it is
   * missing, so that the counter is re-seeded first.
   */
  async next(
    conversationId: string,
    increment: (seqKey: string) => Promise<unknown> = (seqKey) =>
      this.redis.eval(incrementIfPresent, 1, seqKey),
  ): Promise<number> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const seq = await increment(this.keys.seq(conversationId));
      if (typeof seq === 'number') return seq;
      await this.ensureSeeded(conversationId);
    }
    throw messageErrors.UNAVAILABLE(
      'The conversation counter could not be restored; retry shortly.',
      {
        retryAfterMs: 1_000,
      },
    );
  }

  /** Returns the last seq handed out, re-seeding the counter first when it is missing. */
  async current(conversationId: string): Promise<number> {
    await this.ensureSeeded(conversationId);
    return Number((await this.redis.get(this.keys.seq(conversationId))) ?? 0);
  }

  /** Restores a missing counter; one instance re-seeds while the others wait for it. */
  async ensureSeeded(conversationId: string): Promise<void> {
    const seqKey = this.keys.seq(conversationId);
    if ((await this.redis.exists(seqKey)) === 1) return;

    const lockKey = this.keys.seqReseedLock(conversationId);
    const locked = await this.redis.set(lockKey, '1', 'PX', reseedLockMs, 'NX');
    if (locked !== 'OK') {
      await this.waitForCounter(seqKey);
      return;
    }

    try {
      const floor = await this.floor(conversationId);
      await this.redis.set(seqKey, floor, 'NX');
      this.logger.warn({ conversationId, floor }, 'seq counter was missing and has been re-seeded');
    } finally {
      await this.redis.del(lockKey);
    }
  }

  private async waitForCounter(seqKey: string): Promise<void> {
    const deadline = Date.now() + reseedWaitMs;
    while (Date.now() < deadline) {
      if ((await this.redis.exists(seqKey)) === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw messageErrors.UNAVAILABLE('The conversation counter is being restored; retry shortly.', {
      retryAfterMs: 1_000,
    });
  }
}
