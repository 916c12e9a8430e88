import type { Redis } from 'ioredis';
import type { ChatMessage } from '../domain/types.ts';
import type { RedisKeys } from './keys.ts';

/**
 * What is known about one (sender, clientMsgId) pair.
 *
 * - `claimed`: a send is being prepared and has no seq yet;
 * - `pending`: the message has its seq but Kafka has not confirmed it;
 * - `acked`: the message is in Kafka and was acknowledged to the sender.
 */
export type SendRecord =
  | { state: 'claimed' }
  | { state: 'pending'; message: ChatMessage }
  | { state: 'acked'; message: ChatMessage };

/** How long a retry of the same clientMsgId returns the first message. */
export const sendRecordTtlMs = 24 * 60 * 60 * 1000;
// A claim outlives a slow send but not a crashed instance.
const claimTtlMs = 30_000;
// Acked messages stay readable from the buffer until persistence removes them; the key's
// lifetime only bounds what a removal missed.
const bufferTtlSeconds = 7 * 24 * 60 * 60;

/**
 * How long a newly added member also gets messages through their user room, and a newly
 * removed one is excluded from them. Joining or leaving the conversation's room travels
 * through Redis separately from messages, so a message sent on another instance right
 * after the change could otherwise overtake it.
 */
export const recentMemberWindowMs = 10_000;

/** Members whose membership changed in the last {@link recentMemberWindowMs}. */
export interface RecentMembers {
  added: string[];
  removed: string[];
}

// KEYS: the seq counter, the send record, the pending set. ARGV: the record's text before
// and after the seq, the record's lifetime in ms, and now for the pending set's score.
const takeSeqScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local seq = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1] .. seq .. ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], KEYS[2])
return seq`;

/** The Redis side of sending: de-duplication records, the pending list and the buffer. */
export class SendRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Claims the pair for a new send; returns the existing record when there is one. */
  async claim(senderId: string, clientMsgId: string): Promise<SendRecord | null> {
    const key = this.keys.send(senderId, clientMsgId);
    const created = await this.redis.set(
      key,
      JSON.stringify({ state: 'claimed' }),
      'PX',
      claimTtlMs,
      'NX',
    );
    if (created === 'OK') return null;
    return this.read(senderId, clientMsgId);
  }

  async read(senderId: string, clientMsgId: string): Promise<SendRecord | null> {
    const raw = await this.redis.get(this.keys.send(senderId, clientMsgId));
    return raw === null ? null : (JSON.parse(raw) as SendRecord);
  }

  /** Gives the pair up again after a send failed before it took a seq. */
  async release(senderId: string, clientMsgId: string): Promise<void> {
    await this.redis.del(this.keys.send(senderId, clientMsgId));
  }

  /**
   * Increments the conversation's counter and records the message with the new seq as
   * pending, in one script: a process that dies between the two steps would otherwise
   * leave a seq that nothing ever produces, a hole in the conversation. Returns the seq, or
   * null when the counter is missing and must be re-seeded first.
   */
  async takeSeqAsPending(seqKey: string, draft: Omit<ChatMessage, 'seq'>): Promise<number | null> {
    const key = this.keys.send(draft.senderId, draft.clientMsgId);
    // The script puts the seq between these two halves of the record's JSON, in the field
    // order of ChatMessage, so that every copy of the message serialises the same way.
    const { id, conversationId, ...rest } = draft;
    const head = JSON.stringify({ id, conversationId }).slice(0, -1);
    const beforeSeq = `{"state":"pending","message":${head},"seq":`;
    const afterSeq = `,${JSON.stringify(rest).slice(1)}}`;
    const seq = await this.redis.eval(
      takeSeqScript,
      3,
      seqKey,
      key,
      this.keys.pendingSends(),
      beforeSeq,
      afterSeq,
      sendRecordTtlMs,
      Date.now(),
    );
    return typeof seq === 'number' ? seq : null;
  }

  /**
   * Records that Kafka has the message and makes it readable before MySQL has it. Returns
   * the members added and removed in the last seconds, read in the same round trip.
   */
  async markAcked(message: ChatMessage): Promise<RecentMembers> {
    const key = this.keys.send(message.senderId, message.clientMsgId);
    const buffer = this.keys.buffer(message.conversationId);
    const since = Date.now() - recentMemberWindowMs;
    const results = await this.redis
      .multi()
      .set(key, JSON.stringify({ state: 'acked', message }), 'PX', sendRecordTtlMs)
      .zrem(this.keys.pendingSends(), key)
      .zadd(buffer, message.seq, JSON.stringify(message))
      .expire(buffer, bufferTtlSeconds)
      .zrangebyscore(this.keys.recentMembers(message.conversationId), since, '+inf')
      .zrangebyscore(this.keys.recentlyRemoved(message.conversationId), since, '+inf')
      .exec();
    return {
      added: (results?.at(-2)?.[1] as string[] | undefined) ?? [],
      removed: (results?.at(-1)?.[1] as string[] | undefined) ?? [],
    };
  }

  /** Notes members just added to a conversation; see {@link recentMemberWindowMs}. */
  async addRecentMembers(conversationId: string, userIds: string[]): Promise<void> {
    await this.noteChange(conversationId, userIds, 'added');
  }

  /** Notes a member just removed from a conversation; see {@link recentMemberWindowMs}. */
  async addRecentlyRemoved(conversationId: string, userId: string): Promise<void> {
    await this.noteChange(conversationId, [userId], 'removed');
  }

  /** Records the latest change of each user, dropping any opposite one still in the window. */
  private async noteChange(
    conversationId: string,
    userIds: string[],
    change: keyof RecentMembers,
  ): Promise<void> {
    if (userIds.length === 0) return;
    const added = this.keys.recentMembers(conversationId);
    const removed = this.keys.recentlyRemoved(conversationId);
    const [key, opposite] = change === 'added' ? [added, removed] : [removed, added];
    const now = Date.now();
    await this.redis
      .multi()
      .zadd(key, ...userIds.flatMap((userId) => [now, userId]))
      .zrem(opposite, ...userIds)
      .zremrangebyscore(key, '-inf', now - recentMemberWindowMs)
      .pexpire(key, recentMemberWindowMs * 2)
      .exec();
  }

  /** Messages that took a seq more than `olderThanMs` ago and still wait for Kafka. */
  async listPending(olderThanMs: number, limit: number): Promise<ChatMessage[]> {
    const keys = await this.redis.zrangebyscore(
      this.keys.pendingSends(),
      '-inf',
      Date.now() - olderThanMs,
      'LIMIT',
      0,
      limit,
    );
    if (keys.length === 0) return [];

    const records = await this.redis.mget(...keys);
    const messages: ChatMessage[] = [];
    const settled: string[] = [];
    records.forEach((raw, index) => {
      const record = raw === null ? null : (JSON.parse(raw) as SendRecord);
      if (record?.state === 'pending') messages.push(record.message);
      else settled.push(keys[index] as string);
    });
    if (settled.length > 0) await this.redis.zrem(this.keys.pendingSends(), ...settled);
    return messages;
  }

  /** Buffered messages with `fromSeq <= seq < toSeq`, in seq order. */
  async readBuffer(conversationId: string, fromSeq: number, toSeq: number): Promise<ChatMessage[]> {
    const raw = await this.redis.zrangebyscore(
      this.keys.buffer(conversationId),
      fromSeq,
      `(${toSeq}`,
    );
    return raw.map((item) => JSON.parse(item) as ChatMessage);
  }
}
