import type { Database } from '@chat/db';
import { type Logger, uuidv7 } from '@chat/kit';
import type { Redis } from 'ioredis';
import type { AttachmentRef, ChatMessage, MessageRecord } from '../domain/types.ts';
import { messageErrors } from '../errors.ts';
import type { BatchingProducer } from '../kafka/batching-producer.ts';
import { messageMetrics } from '../metrics.ts';
import type { RedisKeys } from '../store/keys.ts';
import type { Membership } from '../store/membership.ts';
import type { RecentMembers, SendRecord, SendRecords } from '../store/send-records.ts';
import type { SequenceAllocator } from '../store/sequence.ts';
import { toChatMessage } from './message-rows.ts';
import type { SendRateLimiter } from './rate-limiter.ts';

export interface SendRequest {
  senderId: string;
  conversationId: string;
  clientMsgId: string;
  /** Already checked by `checkMessageBody`. */
  body: string;
  attachments: AttachmentRef[];
}

export interface MessageSenderDeps {
  redis: Redis;
  keys: RedisKeys;
  db: Database;
  records: SendRecords;
  sequence: SequenceAllocator;
  membership: Membership;
  producer: BatchingProducer;
  messagesTopic: string;
  rateLimiter: SendRateLimiter;
  /** Delivers a message that Kafka has confirmed to the conversation's sockets, also to
   * members added in the last seconds and never to members removed in them. */
  broadcast: (message: ChatMessage, recent: RecentMembers) => void;
  logger: Logger;
  produceTimeoutMs: number;
}

const claimWaitMs = 3_000;
// Clients retry a failed send within seconds; ten minutes covers long reconnects too.
const recoveryWindowMs = 10 * 60 * 1000;

/**
 * The send path: membership, rate limit, de-duplication, seq, Kafka, then ack and broadcast.
 *
 * A message is acked only after Kafka confirmed it and never waits for MySQL. Once a
 * message has its seq it is recorded as pending in Redis before it goes to Kafka, so a
 * failed produce leaves it to a retry of the same clientMsgId or to the pending sweeper,
 * and its seq is never left as a hole in the conversation.
 */
export class MessageSender {
  constructor(private readonly deps: MessageSenderDeps) {}

  async send(request: SendRequest): Promise<ChatMessage> {
    const { membership, rateLimiter, records } = this.deps;
    await membership.assertMember(request.conversationId, request.senderId);
    await rateLimiter.consume(request.senderId);

    const existing = await records.claim(request.senderId, request.clientMsgId);
    if (existing !== null) return this.resume(existing, request);

    let message: ChatMessage;
    try {
      message = (await this.findStoredAfterDataLoss(request)) ?? (await this.assignSeq(request));
    } catch (error) {
      await records.release(request.senderId, request.clientMsgId).catch(() => {});
      throw error;
    }
    return this.deliver(message);
  }

  /** Produces a pending message again; used by retries and by the pending sweeper. */
  async deliver(message: ChatMessage): Promise<ChatMessage> {
    await this.produce(message);
    let recent: RecentMembers = { added: [], removed: [] };
    try {
      recent = await this.deps.records.markAcked(message);
    } catch (error) {
      // Kafka has the message, so it is safe to ack; history serves it once it is in MySQL.
      this.deps.logger.warn(
        { err: error, messageId: message.id },
        'could not record an acked message in redis',
      );
    }
    messageMetrics.acked.add(1);
    this.deps.broadcast(message, recent);
    return message;
  }

  private async assignSeq(request: SendRequest): Promise<ChatMessage> {
    const draft: Omit<ChatMessage, 'seq'> = {
      id: uuidv7(),
      conversationId: request.conversationId,
      senderId: request.senderId,
      clientMsgId: request.clientMsgId,
      body: request.body,
      attachments: request.attachments,
      createdAt: new Date().toISOString(),
    };
    const seq = await this.deps.sequence.next(request.conversationId, (seqKey) =>
      this.deps.records.takeSeqAsPending(seqKey, draft),
    );
    const { id, conversationId, ...rest } = draft;
    return { id, conversationId, seq, ...rest };
  }

  private async resume(existing: SendRecord, request: SendRequest): Promise<ChatMessage> {
    const record = existing.state === 'claimed' ? await this.waitForClaim(request) : existing;
    if (record.message.conversationId !== request.conversationId) {
      throw messageErrors.CONFLICT(
        'This clientMsgId was already used for a message in another conversation.',
      );
    }
    if (record.state === 'acked') return record.message;
    return this.deliver(record.message);
  }

  private async waitForClaim(
    request: SendRequest,
  ): Promise<Exclude<SendRecord, { state: 'claimed' }>> {
    const deadline = Date.now() + claimWaitMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const record = await this.deps.records.read(request.senderId, request.clientMsgId);
      if (record === null) break;
      if (record.state !== 'claimed') return record;
    }
    throw messageErrors.UNAVAILABLE('The same message is still being sent; retry shortly.', {
      retryAfterMs: 500,
    });
  }

  private async produce(message: ChatMessage): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('kafka produce timed out')),
        this.deps.produceTimeoutMs,
      );
    });
    try {
      const record: MessageRecord = { type: 'message', message };
      const sent = this.deps.producer.send({
        topic: this.deps.messagesTopic,
        key: message.conversationId,
        value: record,
        schema: 'chat.message.v1',
      });
      await Promise.race([sent, timeout]);
    } catch (error) {
      throw messageErrors.UNAVAILABLE(
        'Messages cannot be accepted right now; retry with the same clientMsgId.',
        {
          cause: error,
          retryAfterMs: 1_000,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * After Redis lost its data, a retry may arrive for a message whose send record is gone
   * but which is already stored. For a while after the loss, a first send also looks in
   * MySQL, after the conversation's counter is re-seeded (which waits until everything
   * already in Kafka is in MySQL).
   */
  private async findStoredAfterDataLoss(request: SendRequest): Promise<ChatMessage | null> {
    if (!(await this.inRecoveryWindow())) return null;

    await this.deps.sequence.ensureSeeded(request.conversationId);
    const stored = await this.deps.db.message.findUnique({
      where: {
        senderId_clientMsgId: { senderId: request.senderId, clientMsgId: request.clientMsgId },
      },
    });
    if (stored === null) return null;
    if (stored.conversationId !== request.conversationId) {
      throw messageErrors.CONFLICT(
        'This clientMsgId was already used for a message in another conversation.',
      );
    }
    return toChatMessage(stored);
  }

  private async inRecoveryWindow(): Promise<boolean> {
    const key = this.deps.keys.epoch();
    const recoverUntil = await this.deps.redis.get(key);
    if (recoverUntil !== null) return Date.now() < Number(recoverUntil);

    await this.deps.redis.set(key, Date.now() + recoveryWindowMs, 'NX');
    this.deps.logger.warn('redis lost its data; de-duplication also checks mysql for a while');
    return true;
  }
}

/** Marks a Redis dataset as known, at service start, so that only a later loss is noticed. */
export async function markRedisDataset(redis: Redis, keys: RedisKeys): Promise<void> {
  await redis.set(keys.epoch(), 0, 'NX');
}
