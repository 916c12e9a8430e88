'use client';

import { useCallback, useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import { CLIENT_ERROR_CODES } from '../../lib/api-error';
import { emitWithAck } from '../../lib/chat-socket';
import type { ChatAction, ChatState } from '../../lib/chat-state';
import {
  createPending,
  isRetryableSendError,
  messagesToResend,
  type PendingMessage,
} from '../../lib/outbox';
import type { ErrorBody, Message } from '../../lib/protocol';

/** How long a `message:send` acknowledgement may take before the attempt counts as failed. */
const SEND_ACK_TIMEOUT_MS = 10_000;

const MAX_RETRY_DELAY_MS = 30_000;

type SendTarget = Pick<PendingMessage, 'conversationId' | 'clientMsgId' | 'body'>;

/**
 * Sends messages with `message:send` and keeps the unconfirmed ones. Each
 * message keeps its `clientMsgId` across attempts, so a retry after a lost
 * acknowledgement returns the stored message instead of creating a second one.
 */
export function useOutbox(
  socketRef: React.RefObject<Socket | null>,
  stateRef: React.RefObject<ChatState>,
  dispatch: React.Dispatch<ChatAction>,
) {
  const attempts = useRef(new Map<string, number>());
  const inFlight = useRef(new Map<string, Socket>());
  const retryTimers = useRef(new Map<string, number>());

  useEffect(() => {
    const timers = retryTimers.current;
    return () => {
      for (const timer of timers.values()) window.clearTimeout(timer);
    };
  }, []);

  const attempt = useCallback(
    async (target: SendTarget): Promise<void> => {
      const socket = socketRef.current;
      window.clearTimeout(retryTimers.current.get(target.clientMsgId));
      if (!socket?.connected || inFlight.current.get(target.clientMsgId) === socket) return;

      const number = (attempts.current.get(target.clientMsgId) ?? 0) + 1;
      attempts.current.set(target.clientMsgId, number);
      inFlight.current.set(target.clientMsgId, socket);
      dispatch({ type: 'send-attempted', ...idsOf(target), attempt: number });

      const ack = await emitWithAck<{ message?: Message }>(
        socket,
        'message:send',
        {
          conversationId: target.conversationId,
          clientMsgId: target.clientMsgId,
          body: target.body,
        },
        SEND_ACK_TIMEOUT_MS,
      );
      inFlight.current.delete(target.clientMsgId);

      if (ack.ok && ack.message) {
        attempts.current.delete(target.clientMsgId);
        dispatch({ type: 'messages-received', messages: [ack.message] });
        return;
      }

      const error: ErrorBody = ack.ok ? missingMessageError() : ack.error;
      dispatch({ type: 'send-failed', ...idsOf(target), attempt: number, error });
      if (isRetryableSendError(error) && socket.connected) {
        const delay = error.retryAfterMs ?? Math.min(MAX_RETRY_DELAY_MS, 1_000 * 2 ** (number - 1));
        retryTimers.current.set(
          target.clientMsgId,
          window.setTimeout(() => {
            if (isStillPending(stateRef.current, target)) void attempt(target);
          }, delay),
        );
      }
    },
    [socketRef, stateRef, dispatch],
  );

  /** Queues a new message and sends it at once when connected. */
  const send = useCallback(
    (conversationId: string, body: string) => {
      const pending = createPending(conversationId, body, crypto.randomUUID(), new Date());
      dispatch({ type: 'send-queued', pending });
      void attempt(pending);
    },
    [attempt, dispatch],
  );

  /** Sends a queued or failed message again, by hand. */
  const retry = useCallback(
    (target: SendTarget) => {
      dispatch({ type: 'send-retried', ...idsOf(target) });
      void attempt(target);
    },
    [attempt, dispatch],
  );

  /** Sends every message that is not failed for good, after the socket (re)connected. */
  const resendAll = useCallback(() => {
    for (const thread of Object.values(stateRef.current.threads)) {
      for (const pending of messagesToResend(thread.pending)) void attempt(pending);
    }
  }, [attempt, stateRef]);

  return { send, retry, resendAll };
}

function idsOf(target: SendTarget): { conversationId: string; clientMsgId: string } {
  return { conversationId: target.conversationId, clientMsgId: target.clientMsgId };
}

function isStillPending(state: ChatState, target: SendTarget): boolean {
  const entry = state.threads[target.conversationId]?.pending.find(
    (pending) => pending.clientMsgId === target.clientMsgId,
  );
  return entry !== undefined && entry.status !== 'failed';
}

function missingMessageError(): ErrorBody {
  return {
    code: CLIENT_ERROR_CODES.badAck,
    message: 'The server accepted the message but did not return it.',
  };
}
