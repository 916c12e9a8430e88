'use client';

import { useLayoutEffect, useRef } from 'react';
import { type ChatState, ownMessageStatus, type ThreadState } from '../../lib/chat-state';
import { userLabel } from '../../lib/conversation-list';
import { firstSeq, lastSeq } from '../../lib/message-merge';
import type { PendingMessage } from '../../lib/outbox';
import { ConfirmedMessageItem, PendingMessageItem } from './message-item';

/** Keep following new messages while the view is scrolled to within this many pixels of the end. */
const STICK_TO_BOTTOM_PX = 80;

/** Renders the history of one conversation, oldest first, followed by unconfirmed messages. */
export function MessageList({
  conversationId,
  state,
  thread,
  loading,
  loadingOlder,
  onLoadOlder,
  onRetry,
  onEdit,
  onDismiss,
}: {
  conversationId: string;
  state: ChatState;
  thread: ThreadState;
  loading: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (pending: PendingMessage) => void;
  onEdit: (pending: PendingMessage) => void;
  onDismiss: (clientMsgId: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const nearBottom = useRef(true);
  const beforeOlder = useRef<{ height: number; top: number } | null>(null);
  const oldest = firstSeq(thread.messages);
  const newest = lastSeq(thread.messages);
  const isGroup = state.conversations[conversationId]?.type === 'group';

  // biome-ignore lint/correctness/useExhaustiveDependencies: the scroll position is fixed up whenever the list grows at either end.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const anchor = beforeOlder.current;
    if (anchor !== null) {
      // Older messages were put above; keep the ones on screen where they were.
      element.scrollTop = element.scrollHeight - anchor.height + anchor.top;
      beforeOlder.current = null;
      return;
    }
    if (nearBottom.current) element.scrollTop = element.scrollHeight;
  }, [oldest, newest, thread.pending]);

  function onScroll() {
    const element = scrollRef.current;
    if (!element) return;
    nearBottom.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < STICK_TO_BOTTOM_PX;
  }

  function loadOlder() {
    const element = scrollRef.current;
    if (element) beforeOlder.current = { height: element.scrollHeight, top: element.scrollTop };
    onLoadOlder();
  }

  return (
    <div className="message-scroll" ref={scrollRef} onScroll={onScroll}>
      {thread.hasMoreOlder && (
        <button
          type="button"
          className="button subtle load-older"
          data-testid="load-older"
          onClick={loadOlder}
          disabled={loadingOlder}
        >
          {loadingOlder ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      {loading && thread.messages.length === 0 && (
        <p className="muted centered" role="status">
          Loading messages…
        </p>
      )}
      {!loading && thread.loaded && thread.messages.length === 0 && thread.pending.length === 0 && (
        <p className="muted centered" data-testid="conversation-empty">
          No messages yet. Say hello!
        </p>
      )}
      <ol
        className="message-list"
        data-testid="message-list"
        role="log"
        aria-live="polite"
        aria-label="Messages"
      >
        {thread.messages.map((message) => {
          const own = message.senderId === state.myUserId;
          return (
            <ConfirmedMessageItem
              key={message.seq}
              message={message}
              own={own}
              senderName={isGroup && !own ? userLabel(state.users[message.senderId]) : null}
              status={own ? ownMessageStatus(state, conversationId, message.seq) : null}
            />
          );
        })}
        {thread.pending.map((pending) => (
          <PendingMessageItem
            key={pending.clientMsgId}
            pending={pending}
            onRetry={() => onRetry(pending)}
            onEdit={() => onEdit(pending)}
            onDismiss={() => onDismiss(pending.clientMsgId)}
          />
        ))}
      </ol>
    </div>
  );
}
