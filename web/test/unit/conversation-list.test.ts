import { describe, expect, it } from 'vitest';
import {
  applyIncomingMessage,
  conversationTitle,
  sortByActivity,
  userLabel,
} from '../../lib/conversation-list';
import { directConversation, message, user } from './fixtures';

describe('sortByActivity', () => {
  it('puts the newest activity first', () => {
    const quiet = directConversation('quiet', 'bob', { createdAt: '2025-01-01T00:00:00.000Z' });
    const busy = directConversation('busy', 'carol', {
      lastMessage: message(1, { createdAt: '2025-03-01T00:00:00.000Z' }),
    });
    const fresh = directConversation('fresh', 'dave', { createdAt: '2025-02-01T00:00:00.000Z' });
    expect(sortByActivity([quiet, busy, fresh]).map((entry) => entry.id)).toEqual([
      'busy',
      'fresh',
      'quiet',
    ]);
  });
});

describe('conversationTitle', () => {
  it('names a direct conversation after the other member', () => {
    const conversation = directConversation('c1', 'bob');
    expect(conversationTitle(conversation, 'alice', { bob: user('bob', 'Bob B.') })).toBe('Bob B.');
  });

  it('falls back to the username and then to a placeholder', () => {
    const conversation = directConversation('c1', 'bob');
    expect(conversationTitle(conversation, 'alice', { bob: user('bob') })).toBe('bob');
    expect(conversationTitle(conversation, 'alice', {})).toBe('Unknown user');
  });

  it('uses a group name', () => {
    const group = { ...directConversation('g', 'bob'), type: 'group' as const, name: 'Team' };
    expect(conversationTitle(group, 'alice', {})).toBe('Team');
  });

  it('labels a missing profile', () => {
    expect(userLabel(undefined)).toBe('Unknown user');
  });
});

describe('applyIncomingMessage', () => {
  const options = { myUserId: 'alice', visible: false, knownLastSeq: 0 };

  it('sets the last message and counts it', () => {
    const updated = applyIncomingMessage(directConversation('c1', 'bob'), message(1), options);
    expect(updated.lastMessage?.seq).toBe(1);
    expect(updated.unreadCount).toBe(1);
  });

  it('skips messages at or below the known seq', () => {
    const conversation = directConversation('c1', 'bob', { unreadCount: 2 });
    const updated = applyIncomingMessage(conversation, message(4), { ...options, knownLastSeq: 4 });
    expect(updated).toBe(conversation);
  });
});
