import type { AttachmentRef, ChatMessage } from '../domain/types.ts';

/** The columns of a `messages` row as Prisma returns them. */
export interface MessageRow {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  attachments: unknown;
  createdAt: Date;
}

export function toChatMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    senderId: row.senderId,
    clientMsgId: row.clientMsgId,
    body: row.body,
    attachments: Array.isArray(row.attachments) ? (row.attachments as AttachmentRef[]) : [],
    createdAt: row.createdAt.toISOString(),
  };
}

/** Merges messages from MySQL and the Redis buffer: one per seq, in ascending seq order. */
export function mergeBySeq(...sources: ChatMessage[][]): ChatMessage[] {
  const bySeq = new Map<number, ChatMessage>();
  for (const source of sources) {
    for (const message of source) {
      if (!bySeq.has(message.seq)) bySeq.set(message.seq, message);
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
