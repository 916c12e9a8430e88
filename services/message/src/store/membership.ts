import type { Database } from '@chat/db';
import type { Redis } from 'ioredis';
import { messageErrors } from '../errors.ts';
import type { RedisKeys } from './keys.ts';

const cacheTtlSeconds = 60 * 60;

/**
 * Answers "may this user use this conversation?" from a Redis set cached from MySQL.
 *
 * Every send asks, so the database is read only when the set is missing.
 */
export class Membership {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly db: Database,
  ) {}

  /** Throws `NOT_FOUND` for an unknown conversation and `FORBIDDEN` for a non-member. */
  async assertMember(conversationId: string, userId: string): Promise<void> {
    const key = this.keys.members(conversationId);
    const [[, isMember], [, exists]] = (await this.redis
      .multi()
      .sismember(key, userId)
      .exists(key)
      .exec()) as [[unknown, number], [unknown, number]];
    if (isMember === 1) return;
    if (exists === 1) throw forbidden();

    const members = await this.load(conversationId);
    if (members === null) {
      throw messageErrors.NOT_FOUND(`Conversation ${conversationId} does not exist.`);
    }
    if (!members.includes(userId)) throw forbidden();
  }

  /** The number of members, from the cache (loaded from MySQL when missing). */
  async count(conversationId: string): Promise<number> {
    const cached = await this.redis.scard(this.keys.members(conversationId));
    if (cached > 0) return cached;
    return (await this.load(conversationId))?.length ?? 0;
  }

  /** Replaces the cached member set after a change in MySQL. */
  async refresh(conversationId: string, memberIds: string[]): Promise<void> {
    const key = this.keys.members(conversationId);
    const transaction = this.redis.multi().del(key);
    if (memberIds.length > 0) transaction.sadd(key, ...memberIds).expire(key, cacheTtlSeconds);
    await transaction.exec();
  }

  private async load(conversationId: string): Promise<string[] | null> {
    const conversation = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { members: { select: { userId: true } } },
    });
    if (conversation === null) return null;

    const memberIds = conversation.members.map((member) => member.userId);
    await this.refresh(conversationId, memberIds);
    return memberIds;
  }
}

function forbidden() {
  return messageErrors.FORBIDDEN('You are not a member of this conversation.');
}
