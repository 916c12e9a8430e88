import { describe, expect, it } from 'vitest';
import { findByClientMsgId, firstSeq, lastSeq, mergeBySeq } from '../../lib/message-merge';
import { message } from './fixtures';

const seqs = (list: { seq: number }[]) => list.map((entry) => entry.seq);

describe('mergeBySeq', () => {
  it('appends newer messages in order', () => {
    const merged = mergeBySeq([message(1), message(2)], [message(3), message(4)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 4]);
  });

  it('orders messages that arrive out of order', () => {
    const merged = mergeBySeq([message(2), message(5)], [message(4), message(1), message(3)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops duplicates of held messages', () => {
    const held = [message(1), message(2), message(3)];
    const merged = mergeBySeq(held, [message(2), message(3), message(4)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 4]);
  });

  it('drops duplicates inside one batch', () => {
    const merged = mergeBySeq([], [message(2), message(1), message(2)]);
    expect(seqs(merged)).toEqual([1, 2]);
  });

  it('keeps the held copy of a duplicate', () => {
    const held = [message(1)];
    const merged = mergeBySeq(held, [message(1, { body: 'other copy' })]);
    expect(merged[0]).toBe(held[0]);
  });

  it('returns the same list when nothing is new', () => {
    const held = [message(1), message(2)];
    expect(mergeBySeq(held, [message(2)])).toBe(held);
    expect(mergeBySeq(held, [])).toBe(held);
  });

  it('does not modify its inputs', () => {
    const held = [message(3)];
    const incoming = [message(2), message(1)];
    mergeBySeq(held, incoming);
    expect(seqs(held)).toEqual([3]);
    expect(seqs(incoming)).toEqual([2, 1]);
  });

  it('places older history before held messages', () => {
    const merged = mergeBySeq([message(51), message(52)], [message(1), message(2), message(50)]);
    expect(seqs(merged)).toEqual([1, 2, 50, 51, 52]);
  });
});

describe('seq bounds', () => {
  it('reads first and last seq', () => {
    expect(firstSeq([message(4), message(9)])).toBe(4);
    expect(lastSeq([message(4), message(9)])).toBe(9);
  });

  it('handles an empty list', () => {
    expect(firstSeq([])).toBeUndefined();
    expect(lastSeq([])).toBe(0);
  });
});

describe('findByClientMsgId', () => {
  it('matches sender and client id together', () => {
    const mine = message(2, { senderId: 'alice', clientMsgId: 'x' });
    const theirs = message(1, { senderId: 'bob', clientMsgId: 'x' });
    expect(findByClientMsgId([theirs, mine], 'alice', 'x')).toBe(mine);
    expect(findByClientMsgId([theirs], 'alice', 'x')).toBeUndefined();
  });
});
