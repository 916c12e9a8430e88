import { describe, expect, it } from 'vitest';
import {
  advanceCursors,
  chunkCursors,
  groupByConversation,
  syncCursors,
} from '../../lib/sync-cursors';
import { message } from './fixtures';

describe('syncCursors', () => {
  it('uses the last held seq of loaded conversations', () => {
    const cursors = syncCursors({
      c1: { loaded: true, messages: [message(1), message(2), message(9)] },
      c2: { loaded: true, messages: [] },
      c3: { loaded: false, messages: [message(4, { conversationId: 'c3' })] },
    });
    expect(cursors).toEqual({ c1: 9, c2: 0 });
  });

  it('is empty without loaded conversations', () => {
    expect(syncCursors({})).toEqual({});
  });
});

describe('advanceCursors', () => {
  it('moves each cursor to the highest seq returned', () => {
    const result = advanceCursors({ c1: 3, c2: 10 }, [
      message(4),
      message(6),
      message(11, { conversationId: 'c2' }),
    ]);
    expect(result.cursors).toEqual({ c1: 6, c2: 11 });
    expect(result.advanced).toBe(true);
  });

  it('reports no progress for messages at or below the cursors', () => {
    const result = advanceCursors({ c1: 5 }, [message(4), message(5)]);
    expect(result.cursors).toEqual({ c1: 5 });
    expect(result.advanced).toBe(false);
  });

  it('ignores conversations not requested', () => {
    const result = advanceCursors({ c1: 1 }, [message(7, { conversationId: 'other' })]);
    expect(result.cursors).toEqual({ c1: 1 });
    expect(result.advanced).toBe(false);
  });
});

describe('groupByConversation', () => {
  it('keeps the order within each conversation', () => {
    const groups = groupByConversation([
      message(1),
      message(1, { conversationId: 'c2' }),
      message(2),
    ]);
    expect([...groups.keys()]).toEqual(['c1', 'c2']);
    expect(groups.get('c1')?.map((entry) => entry.seq)).toEqual([1, 2]);
  });
});

describe('chunkCursors', () => {
  it('splits cursors into batches of the given size', () => {
    const chunks = chunkCursors({ a: 1, b: 2, c: 3 }, 2);
    expect(chunks).toEqual([{ a: 1, b: 2 }, { c: 3 }]);
  });

  it('returns no batch for no cursors', () => {
    expect(chunkCursors({}, 100)).toEqual([]);
  });
});
