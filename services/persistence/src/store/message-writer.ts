import { type Database, Prisma } from '@chat/db';
import type { StoredMessage } from '../consumer/decode.ts';
import { classifyDatabaseError, mysqlErrorCode } from './database-errors.ts';

export interface Rejected {
  message: StoredMessage;
  reason: string;
}

/**
 * Writes messages to MySQL, one multi-row statement per batch.
 *
 * Redelivery is harmless: a message already stored hits a unique key, and
 * `ON DUPLICATE KEY UPDATE id = id` turns that into a no-op while still raising every other
 * error (unlike `INSERT IGNORE`, which would hide truncation and bad values as warnings).
 * A different message that collides with a stored one is returned as rejected, so it is
 * dead-lettered instead of vanishing.
 */
export class MessageWriter {
  constructor(private readonly db: Database) {}

  /**
   * Stores the messages. Transient failures are thrown for the caller to retry; rows that
   * can never be stored are isolated and returned with the reason.
   */
  async write(messages: StoredMessage[]): Promise<Rejected[]> {
    if (messages.length === 0) return [];
    let rejected: Rejected[] = [];
    try {
      await this.insert(messages);
    } catch (error) {
      if (classifyDatabaseError(error) === 'transient') throw error;
      rejected = await this.insertOneByOne(messages);
    }

    const refused = new Set(rejected.map((item) => item.message));
    const conflicts = await this.findConflicts(messages.filter((m) => !refused.has(m)));
    return [...rejected, ...conflicts];
  }

  /** Finds which row of a batch is bad by writing them one at a time. */
  private async insertOneByOne(messages: StoredMessage[]): Promise<Rejected[]> {
    const rejected: Rejected[] = [];
    for (const message of messages) {
      try {
        await this.insert([message]);
      } catch (error) {
        if (classifyDatabaseError(error) === 'transient') throw error;
        rejected.push({ message, reason: describe(error) });
      }
    }
    return rejected;
  }

  /**
   * Finds the messages that are not stored after an insert: another message already had
   * their seq or their (sender, clientMsgId), and `ON DUPLICATE KEY` skipped them. A
   * redelivered message has its own id in the table and is not a conflict.
   */
  private async findConflicts(messages: StoredMessage[]): Promise<Rejected[]> {
    if (messages.length === 0) return [];
    const rows = await this.db.message.findMany({
      where: { id: { in: messages.map((message) => message.id) } },
      select: { id: true },
    });
    const stored = new Set(rows.map((row) => row.id));
    return messages
      .filter((message) => !stored.has(message.id))
      .map((message) => ({
        message,
        reason: `conflict: conversation ${message.conversationId} already has another message with seq ${message.seq}, or sender ${message.senderId} already used clientMsgId ${message.clientMsgId}`,
      }));
  }

  private async insert(messages: StoredMessage[]): Promise<void> {
    const rows = messages.map(
      (m) =>
        Prisma.sql`(${m.id}, ${m.conversationId}, ${m.seq}, ${m.senderId}, ${m.clientMsgId}, ${m.body}, ${JSON.stringify(m.attachments)}, ${new Date(m.createdAt)})`,
    );
    const latest = latestPerConversation(messages).map(
      (m) =>
        Prisma.sql`SELECT ${m.conversationId} AS id, ${m.seq} AS seq, ${new Date(m.createdAt)} AS at`,
    );

    await this.db.$transaction([
      this.db.$executeRaw`
        INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, body, attachments, created_at)
        VALUES ${Prisma.join(rows)}
        ON DUPLICATE KEY UPDATE id = id`,
      // Keeps each conversation's latest stored seq for listing, in the same transaction.
      // Neither assignment reads the other's column: MySQL does not fix their order in a
      // multiple-table UPDATE.
      this.db.$executeRaw`
        UPDATE conversations c
        JOIN (${Prisma.join(latest, ' UNION ALL ')}) latest ON latest.id = c.id
        SET c.last_seq = GREATEST(c.last_seq, latest.seq),
            c.last_message_at = GREATEST(COALESCE(c.last_message_at, latest.at), latest.at)`,
    ]);
  }
}

function latestPerConversation(messages: StoredMessage[]): StoredMessage[] {
  const latest = new Map<string, StoredMessage>();
  for (const message of messages) {
    const current = latest.get(message.conversationId);
    if (current === undefined || message.seq > current.seq)
      latest.set(message.conversationId, message);
  }
  return [...latest.values()];
}

function describe(error: unknown): string {
  const code = mysqlErrorCode(error);
  const message =
    error instanceof Error ? error.message.split('\n').filter(Boolean).at(-1) : String(error);
  return code === undefined
    ? `database rejected the row: ${message}`
    : `database error ${code}: ${message}`;
}
