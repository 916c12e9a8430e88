import { z } from 'zod';

const attachmentSchema = z.object({
  id: z.string().min(1).max(36),
  contentType: z.string().min(1).max(255),
  size: z.number().int().min(0),
  fileName: z.string().min(1).max(255),
});

const messageSchema = z.object({
  id: z.string().min(1).max(36),
  conversationId: z.string().min(1).max(36),
  seq: z.number().int().min(1).max(2_147_483_647),
  senderId: z.string().min(1).max(36),
  clientMsgId: z.string().min(1).max(64),
  body: z.string(),
  attachments: z.array(attachmentSchema).default([]),
  createdAt: z.iso.datetime(),
});

const recordSchema = z.object({ type: z.literal('message'), message: messageSchema });

export type StoredMessage = z.infer<typeof messageSchema>;

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses one record of the messages topic, or returns why it can never be stored. */
export function decodeMessageRecord(value: Buffer | null): Decoded<StoredMessage> {
  const decoded = decodeRecord(value, recordSchema, 'a chat message');
  return decoded.ok ? { ok: true, value: decoded.value.message } : decoded;
}

const receiptSchema = z.object({
  type: z.literal('receipt'),
  conversationId: z.string().min(1).max(36),
  userId: z.string().min(1).max(36),
  kind: z.enum(['delivered', 'read']),
  seq: z.number().int().min(0).max(2_147_483_647),
  at: z.iso.datetime(),
});

export type StoredReceipt = z.infer<typeof receiptSchema>;

/** Parses one record of the receipts topic, or returns why it can never be stored. */
export function decodeReceiptRecord(value: Buffer | null): Decoded<StoredReceipt> {
  return decodeRecord(value, receiptSchema, 'a receipt');
}

function decodeRecord<T>(value: Buffer | null, schema: z.ZodType<T>, what: string): Decoded<T> {
  if (value === null) return { ok: false, reason: 'record has no value' };

  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'record value is not JSON' };
  }

  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: `record is not ${what}: ${issue?.path.join('.')}: ${issue?.message}`,
    };
  }
  return { ok: true, value: result.data };
}
