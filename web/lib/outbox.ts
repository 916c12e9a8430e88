import { CLIENT_ERROR_CODES } from './api-error';
import type { ErrorBody, Message } from './protocol';

/**
 * State of an unconfirmed message: `sending` while an attempt awaits its
 * acknowledgement, `queued` while it waits for a connection or a retry, and
 * `failed` once the server rejected it for a reason a retry cannot fix.
 */
export type PendingStatus = 'sending' | 'queued' | 'failed';

/** A message this user wrote that the server has not confirmed yet. */
export interface PendingMessage {
  conversationId: string;
  /** Stays the same across retries so that the server stores the message once. */
  clientMsgId: string;
  body: string;
  createdAt: string;
  status: PendingStatus;
  /** Counts send attempts, so that a late acknowledgement of an older attempt is ignored. */
  attempt: number;
  error?: ErrorBody;
}

/**
 * Codes after which sending the same message again can succeed. Anything else,
 * such as `MESSAGE_TOO_LONG` or `FORBIDDEN`, needs the user to act first.
 */
const RETRYABLE_CODES = new Set<string>([
  CLIENT_ERROR_CODES.ackTimeout,
  CLIENT_ERROR_CODES.disconnected,
  CLIENT_ERROR_CODES.network,
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'INTERNAL',
  'UNAVAILABLE',
]);

/** Creates the pending entry of a message that was just written. */
export function createPending(
  conversationId: string,
  body: string,
  clientMsgId: string,
  now: Date,
): PendingMessage {
  return {
    conversationId,
    clientMsgId,
    body,
    createdAt: now.toISOString(),
    status: 'queued',
    attempt: 0,
  };
}

/** Tells whether a rejected or unacknowledged send should be tried again by itself. */
export function isRetryableSendError(error: ErrorBody): boolean {
  return RETRYABLE_CODES.has(error.code);
}

/** Returns the status a pending message takes after its attempt failed with `error`. */
export function statusAfterFailure(error: ErrorBody): PendingStatus {
  return isRetryableSendError(error) ? 'queued' : 'failed';
}

/**
 * Picks the messages to send again once a socket is connected: all that did
 * not fail for good. Messages still marked `sending` belong to a connection
 * that is gone, and resending them is safe because the server deduplicates by
 * `clientMsgId`.
 */
export function messagesToResend(pending: readonly PendingMessage[]): PendingMessage[] {
  return pending.filter((message) => message.status !== 'failed');
}

/** Drops the pending entries whose stored copy arrived, matched by `clientMsgId`. */
export function withoutConfirmed(
  pending: readonly PendingMessage[],
  confirmed: readonly Message[],
  myUserId: string,
): PendingMessage[] {
  const confirmedIds = new Set(
    confirmed
      .filter((message) => message.senderId === myUserId)
      .map((message) => message.clientMsgId),
  );
  if (confirmedIds.size === 0) return pending as PendingMessage[];

  const remaining = pending.filter((message) => !confirmedIds.has(message.clientMsgId));
  return remaining.length === pending.length ? (pending as PendingMessage[]) : remaining;
}
