import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/domain/types.ts';
import { mergeBySeq } from '../../src/messaging/message-rows.ts';

const message = (seq: number, body = `m${seq}`): ChatMessage => ({
  id: `id-${seq}`,
  conversationId: 'c1',
  seq,
  senderId: 'u1',
  clientMsgId: `client-${seq}`,
  body,
  attachments: [],
  createdAt: '2026-12-04T12:00:00.000Z',
});

describe('mergeBySeq', () => {
  it('orders messages from both sources by seq', () => {
    const merged = mergeBySeq([message(3), message(1)], [message(2), message(4)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps one message per seq, preferring the first source', () => {
    const merged = mergeBySeq([message(2, 'stored')], [message(2, 'buffered'), message(3)]);
    expect(merged.map((m) => m.body)).toEqual(['stored', 'm3']);
  });

  it('returns nothing for empty sources', () => {
    expect(mergeBySeq([], [])).toEqual([]);
  });
});
