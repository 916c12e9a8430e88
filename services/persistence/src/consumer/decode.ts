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

export type Decoded = { ok: true; message: StoredMessage } | { ok: false; reason: string };

/** Parses one record of the messages topic; a record that can never be stored says why. */
export function decodeMessageRecord(value: Buffer | null): Decoded {
  if (value === null) return { ok: false, reason: 'record has no value' };

  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'record value is not JSON' };
  }

  const result = recordSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: `record is not a chat message: ${issue?.path.join('.')}: ${issue?.message}`,
    };
  }
  return { ok: true, message: result.data.message };
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

/** Parses one record of the receipts topic. */
export function decodeReceiptRecord(
  value: Buffer | null,
): { ok: true; receipt: StoredReceipt } | { ok: false; reason: string } {
  if (value === null) return { ok: false, reason: 'record has no value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'record value is not JSON' };
  }
  const result = receiptSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: `record is not a receipt: ${issue?.path.join('.')}: ${issue?.message}`,
    };
  }
  return { ok: true, receipt: result.data };
}
