import type { Conversation, Message, User } from '../../lib/protocol';

/** Builds a stored message; times follow `seq` so that ordering by either agrees. */
export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m-${overrides.conversationId ?? 'c1'}-${seq}`,
    conversationId: 'c1',
    seq,
    senderId: 'bob',
    clientMsgId: `client-${seq}`,
    body: `message ${seq}`,
    attachments: [],
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    ...overrides,
  };
}

/** Builds a direct conversation between alice and `other`. */
export function directConversation(
  id: string,
  other: string,
  overrides: Partial<Conversation> = {},
): Conversation {
  return {
    id,
    type: 'direct',
    members: [
      { userId: 'alice', role: 'member' },
      { userId: other, role: 'member' },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Builds a user profile. */
export function user(id: string, displayName = ''): User {
  return { id, username: id, displayName, createdAt: '2025-01-01T00:00:00.000Z' };
}
