import { randomUUID } from 'node:crypto';
import mariadb from 'mariadb';
import { poolConfigFromUrl } from '../../services/db/src/connection.ts';
import type { ChatMessage } from './chat-client.ts';
import { waitUntil } from './wait.ts';

/** A `messages` row as the tests compare it with what clients received. */
export type StoredMessage = Pick<
  ChatMessage,
  'id' | 'conversationId' | 'seq' | 'senderId' | 'clientMsgId' | 'body'
>;

/**
 * Runs one statement on its own connection, so a test can keep querying across a database
 * restart without a pool holding dead connections.
 */
export async function query<T>(databaseUrl: string, sql: string, values: unknown[] = []) {
  const connection = await mariadb.createConnection({
    ...poolConfigFromUrl(databaseUrl),
    bigIntAsNumber: true,
    insertIdAsNumber: true,
  });
  try {
    return (await connection.query(sql, values)) as T[];
  } finally {
    await connection.end();
  }
}

/** Reads the stored messages of a conversation in seq order. */
export function storedMessages(databaseUrl: string, conversationId: string) {
  return query<StoredMessage>(
    databaseUrl,
    `SELECT id, conversation_id AS conversationId, seq, sender_id AS senderId,
            client_msg_id AS clientMsgId, body
     FROM messages WHERE conversation_id = ? ORDER BY seq`,
    [conversationId],
  );
}

/** Waits until MySQL contains at least `count` messages of the conversation, and returns them. */
export function waitForStored(
  databaseUrl: string,
  conversationId: string,
  count: number,
  timeoutMs = 60_000,
): Promise<StoredMessage[]> {
  return waitUntil(
    `${count} messages of ${conversationId} are stored`,
    async () => {
      const rows = await storedMessages(databaseUrl, conversationId);
      return rows.length >= count ? rows : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Reads a member's receipt cursors as the persistence service stored them. */
export async function storedCursors(
  databaseUrl: string,
  conversationId: string,
  userId: string,
): Promise<{ deliveredSeq: number; readSeq: number } | undefined> {
  const [row] = await query<{ deliveredSeq: number; readSeq: number }>(
    databaseUrl,
    `SELECT delivered_seq AS deliveredSeq, read_seq AS readSeq
     FROM conversation_members WHERE conversation_id = ? AND user_id = ?`,
    [conversationId, userId],
  );
  return row;
}

/**
 * Inserts users straight into MySQL, much faster than registering them, for groups of
 * thousands. They cannot log in: their password hash is not a real one.
 */
export async function insertUsers(databaseUrl: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let start = 0; start < ids.length; start += 1_000) {
    const batch = ids.slice(start, start + 1_000);
    const rows = batch.map(() => '(?, ?, ?, ?)').join(', ');
    const values = batch.flatMap((id) => {
      const username = `bulk${id.replaceAll('-', '').slice(0, 24)}`;
      return [id, username, username, 'not-a-password-hash'];
    });
    await query(
      databaseUrl,
      `INSERT INTO users (id, username, display_name, password_hash) VALUES ${rows}`,
      values,
    );
  }
  return ids;
}
