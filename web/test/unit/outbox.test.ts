import { describe, expect, it } from 'vitest';
import {
  createPending,
  isRetryableSendError,
  messagesToResend,
  type PendingMessage,
  statusAfterFailure,
  withoutConfirmed,
} from '../../lib/outbox';
import { message } from './fixtures';

function pending(clientMsgId: string, status: PendingMessage['status'] = 'queued'): PendingMessage {
  return { ...createPending('c1', `body ${clientMsgId}`, clientMsgId, new Date(0)), status };
}

describe('createPending', () => {
  it('keeps the body exactly as written', () => {
    const body = '  two spaces, a tab\t and a line\n';
    const entry = createPending('c1', body, 'id-1', new Date('2025-01-01T00:00:00Z'));
    expect(entry.body).toBe(body);
    expect(entry.clientMsgId).toBe('id-1');
    expect(entry.status).toBe('queued');
    expect(entry.attempt).toBe(0);
    expect(entry.createdAt).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('withoutConfirmed', () => {
  it('removes entries whose message arrived', () => {
    const queue = [pending('a'), pending('b')];
    const confirmed = [message(7, { senderId: 'alice', clientMsgId: 'a' })];
    expect(withoutConfirmed(queue, confirmed, 'alice').map((entry) => entry.clientMsgId)).toEqual([
      'b',
    ]);
  });

  it('ignores equal client ids of other senders', () => {
    const queue = [pending('a')];
    const confirmed = [message(7, { senderId: 'bob', clientMsgId: 'a' })];
    expect(withoutConfirmed(queue, confirmed, 'alice')).toBe(queue);
  });

  it('returns the same list when nothing matched', () => {
    const queue = [pending('a')];
    const confirmed = [message(7, { senderId: 'alice', clientMsgId: 'z' })];
    expect(withoutConfirmed(queue, confirmed, 'alice')).toBe(queue);
  });
});

describe('retry decisions', () => {
  it.each([
    ['ACK_TIMEOUT', true],
    ['DISCONNECTED', true],
    ['RATE_LIMITED', true],
    ['MESSAGE_TOO_LONG', false],
    ['MESSAGE_EMPTY', false],
    ['FORBIDDEN', false],
    ['NOT_FOUND', false],
  ])('%s retryable: %s', (code, retryable) => {
    expect(isRetryableSendError({ code, message: '' })).toBe(retryable);
    expect(statusAfterFailure({ code, message: '' })).toBe(retryable ? 'queued' : 'failed');
  });

  it('resends all but failed messages', () => {
    const queue = [pending('a', 'sending'), pending('b', 'failed'), pending('c', 'queued')];
    expect(messagesToResend(queue).map((entry) => entry.clientMsgId)).toEqual(['a', 'c']);
  });
});
