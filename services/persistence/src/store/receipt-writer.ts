import { type Database, Prisma } from '@chat/db';
import type { StoredReceipt } from '../consumer/decode.ts';

/**
 * Moves members' delivered and read cursors forward, one statement per batch.
 *
 * `GREATEST` inside a single UPDATE makes each change atomic: concurrent writers, or a
 * receipt redelivered after a newer one, can never move a cursor back.
 */
export class ReceiptWriter {
  constructor(private readonly db: Database) {}

  async write(receipts: StoredReceipt[]): Promise<void> {
    const cursors = highestPerMember(receipts);
    if (cursors.length === 0) return;

    const rows = cursors.map(
      (c) =>
        Prisma.sql`SELECT ${c.conversationId} AS conversation_id, ${c.userId} AS user_id, ${c.delivered} AS delivered, ${c.read} AS read_up_to`,
    );
    await this.db.$executeRaw`
      UPDATE conversation_members cm
      JOIN (${Prisma.join(rows, ' UNION ALL ')}) r
        ON r.conversation_id = cm.conversation_id AND r.user_id = cm.user_id
      SET cm.delivered_seq = GREATEST(cm.delivered_seq, r.delivered),
          cm.read_seq = GREATEST(cm.read_seq, r.read_up_to)`;
  }
}

/** Folds a batch into one row per member with the highest cursor of each kind. */
export function highestPerMember(receipts: StoredReceipt[]) {
  const byMember = new Map<
    string,
    { conversationId: string; userId: string; delivered: number; read: number }
  >();
  for (const receipt of receipts) {
    const key = `${receipt.conversationId}|${receipt.userId}`;
    const cursor = byMember.get(key) ?? {
      conversationId: receipt.conversationId,
      userId: receipt.userId,
      delivered: 0,
      read: 0,
    };
    cursor[receipt.kind] = Math.max(cursor[receipt.kind], receipt.seq);
    byMember.set(key, cursor);
  }
  return [...byMember.values()];
}
