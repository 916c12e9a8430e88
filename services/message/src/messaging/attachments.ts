import type { Database } from '@chat/db';
import type { AttachmentRef } from '../domain/types.ts';
import { messageErrors } from '../errors.ts';

/**
 * Turns attachment ids into the descriptors a message carries. Only the sender's own
 * uploads for this conversation qualify; the bytes themselves stay in the object store.
 *
 * This reads MySQL, so while MySQL is away only messages with attachments fail, with
 * `UNAVAILABLE`; plain messages never wait for it.
 */
export async function resolveAttachments(
  db: Database,
  senderId: string,
  conversationId: string,
  ids: string[],
): Promise<AttachmentRef[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const rows = await db.attachment.findMany({
    where: { id: { in: unique }, ownerId: senderId, conversationId, purpose: 'attachment' },
    select: { id: true, contentType: true, size: true, fileName: true },
  });

  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw messageErrors.VALIDATION_FAILED(
      `Invalid message:send payload: attachment ${missing[0]} is not one of your uploads for this conversation.`,
      { details: { attachmentIds: missing } },
    );
  }
  return unique.map((id) => byId.get(id) as AttachmentRef);
}
