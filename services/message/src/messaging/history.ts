import type { Database } from '@chat/db';
import type { ChatMessage } from '../domain/types.ts';
import type { SendRecords } from '../store/send-records.ts';
import type { SequenceAllocator } from '../store/sequence.ts';
import { mergeBySeq, toChatMessage } from './message-rows.ts';

export interface MessagePage {
  messages: ChatMessage[];
  hasMore: boolean;
}

/**
 * Reads a conversation's messages from MySQL plus the Redis buffer of acked messages not
 * yet stored, so a message is readable from the moment it was acked.
 *
 * The buffer is read before MySQL, never at the same time: persistence removes a message
 * from the buffer only after storing it, so a message missing from the buffer read is
 * already in MySQL when the query runs. Read the other way round, a message stored and
 * removed between the two reads would be in neither.
 */
export class HistoryReader {
  constructor(
    private readonly db: Database,
    private readonly records: SendRecords,
    private readonly sequence: SequenceAllocator,
  ) {}

  /** The `limit` messages just below `beforeSeq` (or the newest), oldest first. */
  async before(
    conversationId: string,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<MessagePage> {
    // A missing counter means Redis lost the buffer; re-seeding waits until MySQL has
    // everything that was acked, so the page below cannot miss a message.
    await this.sequence.ensureSeeded(conversationId);
    const upper = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const buffered = await this.records.readBuffer(conversationId, 1, upper);
    const rows = await this.db.message.findMany({
      where: { conversationId, seq: { lt: upper } },
      orderBy: { seq: 'desc' },
      take: limit + 1,
    });

    const merged = mergeBySeq(rows.map(toChatMessage), buffered);
    const page = merged.slice(Math.max(0, merged.length - limit));
    return { messages: page, hasMore: merged.length > limit };
  }

  /** Up to `limit` messages after `afterSeq`, oldest first. */
  async after(conversationId: string, afterSeq: number, limit: number): Promise<MessagePage> {
    await this.sequence.ensureSeeded(conversationId);
    const buffered = await this.records.readBuffer(
      conversationId,
      afterSeq + 1,
      Number.MAX_SAFE_INTEGER,
    );
    const rows = await this.db.message.findMany({
      where: { conversationId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit + 1,
    });

    const merged = mergeBySeq(rows.map(toChatMessage), buffered);
    return { messages: merged.slice(0, limit), hasMore: merged.length > limit };
  }
}
