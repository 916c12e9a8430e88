import { describe, expect, it } from 'vitest';
import {
  type ChatAction,
  type ChatState,
  chatReducer,
  initialChatState,
  nextTypingExpiry,
  ownMessageStatus,
  threadOf,
  typingUserIds,
} from '../../lib/chat-state';
import { createPending } from '../../lib/outbox';
import { directConversation, message } from './fixtures';

function reduce(actions: ChatAction[], state: ChatState = initialChatState('alice')): ChatState {
  return actions.reduce(chatReducer, state);
}

const seqs = (state: ChatState, conversationId = 'c1') =>
  threadOf(state, conversationId).messages.map((entry) => entry.seq);

describe('messages', () => {
  it('merges history, live and sync by seq', () => {
    const state = reduce([
      {
        type: 'history-loaded',
        conversationId: 'c1',
        messages: [message(1), message(2)],
        hasMore: false,
        older: false,
      },
      { type: 'messages-received', messages: [message(4)] },
      { type: 'messages-received', messages: [message(2), message(3), message(4)] },
    ]);
    expect(seqs(state)).toEqual([1, 2, 3, 4]);
  });

  it('loads older pages in front', () => {
    const state = reduce([
      {
        type: 'history-loaded',
        conversationId: 'c1',
        messages: [message(3), message(4)],
        hasMore: true,
        older: false,
      },
      {
        type: 'history-loaded',
        conversationId: 'c1',
        messages: [message(1), message(2)],
        hasMore: false,
        older: true,
      },
    ]);
    expect(seqs(state)).toEqual([1, 2, 3, 4]);
    expect(threadOf(state, 'c1').hasMoreOlder).toBe(false);
  });

  it('keeps hasMoreOlder when the latest page is loaded again', () => {
    const state = reduce([
      {
        type: 'history-loaded',
        conversationId: 'c1',
        messages: [message(51)],
        hasMore: true,
        older: false,
      },
      {
        type: 'history-loaded',
        conversationId: 'c1',
        messages: [message(51), message(52)],
        hasMore: false,
        older: false,
      },
    ]);
    expect(threadOf(state, 'c1').hasMoreOlder).toBe(true);
  });
});

describe('sending', () => {
  const pending = createPending('c1', 'hi there ', 'client-a', new Date(0));
  const stored = message(5, { senderId: 'alice', clientMsgId: 'client-a', body: 'hi there ' });

  it('replaces the pending entry when the ack arrives', () => {
    const state = reduce([
      { type: 'send-queued', pending },
      { type: 'send-attempted', conversationId: 'c1', clientMsgId: 'client-a', attempt: 1 },
      { type: 'messages-received', messages: [stored] },
    ]);
    expect(threadOf(state, 'c1').pending).toEqual([]);
    expect(seqs(state)).toEqual([5]);
  });

  it('shows one message when message:new comes before the ack', () => {
    const state = reduce([
      { type: 'send-queued', pending },
      { type: 'messages-received', messages: [stored] },
      { type: 'messages-received', messages: [stored] },
    ]);
    expect(threadOf(state, 'c1').pending).toEqual([]);
    expect(seqs(state)).toEqual([5]);
  });

  it('keeps rejection of too-long message', () => {
    const error = {
      code: 'MESSAGE_TOO_LONG',
      message: 'A message can have at most 4000 characters.',
    };
    const state = reduce([
      { type: 'send-queued', pending },
      { type: 'send-attempted', conversationId: 'c1', clientMsgId: 'client-a', attempt: 1 },
      { type: 'send-failed', conversationId: 'c1', clientMsgId: 'client-a', attempt: 1, error },
    ]);
    const [entry] = threadOf(state, 'c1').pending;
    expect(entry?.status).toBe('failed');
    expect(entry?.error).toEqual(error);
  });

  it('queues a timed-out attempt for a retry with the same client id', () => {
    const state = reduce([
      { type: 'send-queued', pending },
      { type: 'send-attempted', conversationId: 'c1', clientMsgId: 'client-a', attempt: 1 },
      {
        type: 'send-failed',
        conversationId: 'c1',
        clientMsgId: 'client-a',
        attempt: 1,
        error: { code: 'ACK_TIMEOUT', message: 'late' },
      },
    ]);
    const [entry] = threadOf(state, 'c1').pending;
    expect(entry?.status).toBe('queued');
    expect(entry?.clientMsgId).toBe('client-a');
  });

  it('ignores the failure of an older attempt', () => {
    const state = reduce([
      { type: 'send-queued', pending },
      { type: 'send-attempted', conversationId: 'c1', clientMsgId: 'client-a', attempt: 1 },
      { type: 'send-attempted', conversationId: 'c1', clientMsgId: 'client-a', attempt: 2 },
      {
        type: 'send-failed',
        conversationId: 'c1',
        clientMsgId: 'client-a',
        attempt: 1,
        error: { code: 'DISCONNECTED', message: 'gone' },
      },
    ]);
    expect(threadOf(state, 'c1').pending[0]?.status).toBe('sending');
  });

  it('drops a dismissed message', () => {
    const state = reduce([
      { type: 'send-queued', pending },
      { type: 'send-dismissed', conversationId: 'c1', clientMsgId: 'client-a' },
    ]);
    expect(threadOf(state, 'c1').pending).toEqual([]);
  });
});

describe('conversation list', () => {
  it('counts unread messages from others once', () => {
    const incoming = message(1, { senderId: 'bob' });
    const state = reduce([
      {
        type: 'conversations-loaded',
        conversations: [directConversation('c1', 'bob', { unreadCount: 0 })],
      },
      { type: 'messages-received', messages: [incoming] },
      { type: 'messages-received', messages: [incoming] },
    ]);
    expect(state.conversations.c1?.unreadCount).toBe(1);
    expect(state.conversations.c1?.lastMessage?.seq).toBe(1);
  });

  it('does not count messages in the visible conversation', () => {
    const state = reduce([
      {
        type: 'conversations-loaded',
        conversations: [directConversation('c1', 'bob', { unreadCount: 0 })],
      },
      { type: 'visible-changed', conversationId: 'c1' },
      { type: 'messages-received', messages: [message(1, { senderId: 'bob' })] },
    ]);
    expect(state.conversations.c1?.unreadCount).toBe(0);
  });

  it('does not count own messages', () => {
    const state = reduce([
      {
        type: 'conversations-loaded',
        conversations: [directConversation('c1', 'bob', { unreadCount: 0 })],
      },
      { type: 'messages-received', messages: [message(1, { senderId: 'alice' })] },
    ]);
    expect(state.conversations.c1?.unreadCount).toBe(0);
  });

  it('resets the count when read', () => {
    const state = reduce([
      {
        type: 'conversations-loaded',
        conversations: [directConversation('c1', 'bob', { unreadCount: 3 })],
      },
      { type: 'conversation-read', conversationId: 'c1' },
    ]);
    expect(state.conversations.c1?.unreadCount).toBe(0);
  });

  it('fills in a conversation that arrives after its message', () => {
    const state = reduce([
      { type: 'messages-received', messages: [message(1, { senderId: 'bob' })] },
      { type: 'conversation-upserted', conversation: directConversation('c1', 'bob') },
    ]);
    expect(state.conversations.c1?.lastMessage?.seq).toBe(1);
    expect(state.conversations.c1?.unreadCount).toBe(1);
  });

  it('keeps newer local last message', () => {
    const state = reduce([
      { type: 'conversations-loaded', conversations: [directConversation('c1', 'bob')] },
      { type: 'messages-received', messages: [message(2)] },
      {
        type: 'conversations-loaded',
        conversations: [directConversation('c1', 'bob', { lastMessage: message(1) })],
      },
    ]);
    expect(state.conversations.c1?.lastMessage?.seq).toBe(2);
  });
});

describe('receipts, typing and presence', () => {
  it('marks own messages read up to the receipt seq', () => {
    const state = reduce([
      {
        type: 'receipt',
        event: { conversationId: 'c1', userId: 'bob', kind: 'delivered', seq: 5 },
      },
      { type: 'receipt', event: { conversationId: 'c1', userId: 'bob', kind: 'read', seq: 3 } },
      { type: 'receipt', event: { conversationId: 'c1', userId: 'bob', kind: 'read', seq: 2 } },
    ]);
    expect(ownMessageStatus(state, 'c1', 3)).toBe('read');
    expect(ownMessageStatus(state, 'c1', 4)).toBe('delivered');
    expect(ownMessageStatus(state, 'c1', 6)).toBe('sent');
  });

  it('ignores receipts of this user', () => {
    const state = reduce([
      { type: 'receipt', event: { conversationId: 'c1', userId: 'alice', kind: 'read', seq: 9 } },
    ]);
    expect(ownMessageStatus(state, 'c1', 1)).toBe('sent');
  });

  it('expires typing entries', () => {
    const started = reduce([
      {
        type: 'typing',
        event: { conversationId: 'c1', userId: 'bob', active: true },
        expiresAt: 6_000,
      },
    ]);
    expect(typingUserIds(started, 'c1', 1_000)).toEqual(['bob']);
    expect(nextTypingExpiry(started)).toBe(6_000);

    const expired = chatReducer(started, { type: 'typing-expired', now: 6_000 });
    expect(typingUserIds(expired, 'c1', 6_000)).toEqual([]);
    expect(nextTypingExpiry(expired)).toBeUndefined();
  });

  it('stops typing when the typist sends', () => {
    const state = reduce([
      {
        type: 'typing',
        event: { conversationId: 'c1', userId: 'bob', active: true },
        expiresAt: 6_000,
      },
      { type: 'messages-received', messages: [message(1, { senderId: 'bob' })] },
    ]);
    expect(typingUserIds(state, 'c1', 0)).toEqual([]);
  });

  it('stores presence by user', () => {
    const state = reduce([
      { type: 'presence', presence: [{ userId: 'bob', status: 'online', lastSeenAt: null }] },
      {
        type: 'presence',
        presence: [{ userId: 'bob', status: 'offline', lastSeenAt: '2025-01-01T00:00:00.000Z' }],
      },
    ]);
    expect(state.presence.bob?.status).toBe('offline');
  });
});
