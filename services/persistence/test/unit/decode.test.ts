import { describe, expect, it } from 'vitest';
import { decodeMessageRecord } from '../../src/consumer/decode.ts';
import { classifyDatabaseError } from '../../src/store/database-errors.ts';

const valid = {
  type: 'message',
  message: {
    id: '0190f3a0-0000-7000-8000-000000000001',
    conversationId: 'c1',
    seq: 1,
    senderId: 'u1',
    clientMsgId: 'k1',
    body: 'hello 👋',
    attachments: [],
    createdAt: '2026-12-04T12:00:00.123Z',
  },
};

describe('decodeMessageRecord', () => {
  it('decodes a message record', () => {
    const decoded = decodeMessageRecord(Buffer.from(JSON.stringify(valid)));
    expect(decoded).toEqual({ ok: true, value: valid.message });
  });

  it.each([
    ['no value', null, 'record has no value'],
    ['text that is not JSON', Buffer.from('{oops'), 'not JSON'],
    [
      'a record without seq',
      Buffer.from(JSON.stringify({ ...valid, message: { ...valid.message, seq: undefined } })),
      'seq',
    ],
    [
      'a seq of zero',
      Buffer.from(JSON.stringify({ ...valid, message: { ...valid.message, seq: 0 } })),
      'seq',
    ],
    ['another record type', Buffer.from(JSON.stringify({ ...valid, type: 'other' })), 'type'],
  ])('rejects %s with a reason', (_name, value, reason) => {
    const decoded = decodeMessageRecord(value);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.reason).toContain(reason);
  });
});

describe('classifyDatabaseError', () => {
  const withCode = (code: string) => ({
    meta: { driverAdapterError: { cause: { originalCode: code } } },
  });

  it.each([
    ['1452', 'data'],
    ['1406', 'data'],
    ['1366', 'data'],
    ['45028', 'transient'],
    ['1205', 'transient'],
    ['1213', 'transient'],
  ])('classifies MySQL error %s as %s', (code, kind) => {
    expect(classifyDatabaseError(withCode(code))).toBe(kind);
  });

  it('treats an error without a MySQL code as transient', () => {
    expect(classifyDatabaseError(new Error('socket hang up'))).toBe('transient');
  });
});
