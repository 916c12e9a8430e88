import type { Database } from '@chat/db';
import type { Redis } from 'ioredis';
import type { Receipt, ReceiptKind, ReceiptRecord } from '../domain/types.ts';
import { messageErrors } from '../errors.ts';
import type { BatchingProducer } from '../kafka/batching-producer.ts';
import type { RedisKeys } from '../store/keys.ts';
import type { Membership } from '../store/membership.ts';
import type { SequenceAllocator } from '../store/sequence.ts';

// Moves the cursor only forward. Returns 1 when it moved, 0 when not, -1 when the cursor is
// not cached (after a Redis restart) and no seed from MySQL was given.
const advanceCursor = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then
  if ARGV[3] == '' then return -1 end
  current = ARGV[3]
  redis.call('HSET', KEYS[1], ARGV[1], current)
end
if tonumber(ARGV[2]) > tonumber(current) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0`;

export interface ReceiptServiceDeps {
  redis: Redis;
  keys: RedisKeys;
  db: Database;
  membership: Membership;
  sequence: SequenceAllocator;
  producer: BatchingProducer;
  receiptsTopic: string;
  /** Delivers a receipt that moved a cursor. */
  broadcast: (receipt: Receipt, memberCount: number) => void;
}

/**
 * Delivered and read cursors: per member, "everything up to seq N". A cursor only moves
 * forward; a lower or repeated value is acknowledged and changes nothing.
 */
export class ReceiptService {
  constructor(private readonly deps: ReceiptServiceDeps) {}

  /** Records a receipt; reading up to N also means everything up to N was delivered. */
  async record(
    userId: string,
    conversationId: string,
    kind: ReceiptKind,
    seq: number,
  ): Promise<void> {
    await this.deps.membership.assertMember(conversationId, userId);
    const last = await this.deps.sequence.current(conversationId);
    if (seq > last) {
      throw messageErrors.VALIDATION_FAILED(
        `Invalid receipt: seq ${seq} is after the conversation's last message (${last}).`,
      );
    }

    const kinds: ReceiptKind[] = kind === 'read' ? ['delivered', 'read'] : ['delivered'];
    const moved: ReceiptKind[] = [];
    for (const each of kinds) {
      if (await this.advance(conversationId, userId, each, seq)) moved.push(each);
    }
    if (moved.length === 0) return;

    const at = new Date().toISOString();
    await Promise.all(
      moved.map((each) => {
        const record: ReceiptRecord = {
          type: 'receipt',
          conversationId,
          userId,
          kind: each,
          seq,
          at,
        };
        return this.deps.producer.send({
          topic: this.deps.receiptsTopic,
          key: conversationId,
          value: record,
          schema: 'chat.receipt.v1',
        });
      }),
    );
    const memberCount = await this.deps.membership.count(conversationId);
    for (const each of moved)
      this.deps.broadcast({ conversationId, userId, kind: each, seq }, memberCount);
  }

  /** The read cursor of one member, from Redis or else MySQL. */
  async readCursors(userId: string, conversationIds: string[]): Promise<Map<string, number>> {
    const pipeline = this.deps.redis.pipeline();
    for (const id of conversationIds) pipeline.hget(this.deps.keys.cursors(id, 'read'), userId);
    const results = (await pipeline.exec()) ?? [];
    return new Map(conversationIds.map((id, index) => [id, Number(results[index]?.[1] ?? 0)]));
  }

  /**
   * For each seq, how many members have it delivered and read: large groups get these
   * counts on request instead of every member's receipts. A member's cursor is the higher
   * of MySQL's and the not-yet-stored one in Redis.
   */
  async counts(userId: string, conversationId: string, seqs: number[]) {
    await this.deps.membership.assertMember(conversationId, userId);
    const [stored, delivered, read] = await Promise.all([
      this.deps.db.conversationMember.findMany({
        where: { conversationId },
        select: { userId: true, deliveredSeq: true, readSeq: true },
      }),
      this.deps.redis.hgetall(this.deps.keys.cursors(conversationId, 'delivered')),
      this.deps.redis.hgetall(this.deps.keys.cursors(conversationId, 'read')),
    ]);
    const cursors = stored.map((member) => ({
      delivered: Math.max(member.deliveredSeq, Number(delivered[member.userId] ?? 0)),
      read: Math.max(member.readSeq, Number(read[member.userId] ?? 0)),
    }));
    return seqs.map((seq) => ({
      seq,
      delivered: cursors.filter((cursor) => cursor.delivered >= seq).length,
      read: cursors.filter((cursor) => cursor.read >= seq).length,
    }));
  }

  private async advance(
    conversationId: string,
    userId: string,
    kind: ReceiptKind,
    seq: number,
  ): Promise<boolean> {
    const key = this.deps.keys.cursors(conversationId, kind);
    let result = await this.deps.redis.eval(advanceCursor, 1, key, userId, seq, '');
    if (result === -1) {
      const stored = await this.deps.db.conversationMember.findUnique({
        where: { conversationId_userId: { conversationId, userId } },
        select: { deliveredSeq: true, readSeq: true },
      });
      const seed = kind === 'read' ? (stored?.readSeq ?? 0) : (stored?.deliveredSeq ?? 0);
      result = await this.deps.redis.eval(advanceCursor, 1, key, userId, seq, seed);
    }
    return result === 1;
  }
}
