import type { Database } from '@chat/db';
import { storageErrors } from './errors.ts';

/**
 * Resolves when `userId` is a member of the conversation. Throws `NOT_FOUND` when the
 * conversation does not exist and `FORBIDDEN` when it exists but the user is not a member,
 * as the protocol requires for every conversation-scoped call.
 */
export async function requireMember(
  db: Database,
  conversationId: string,
  userId: string,
): Promise<void> {
  const conversation = await db.conversation.findUnique({
    where: { id: conversationId },
    select: { members: { where: { userId }, select: { userId: true } } },
  });
  if (!conversation) {
    throw storageErrors.NOT_FOUND(`No conversation has the id "${conversationId}".`);
  }
  if (conversation.members.length === 0) {
    throw storageErrors.FORBIDDEN(`You are not a member of conversation "${conversationId}".`);
  }
}
