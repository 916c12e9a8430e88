'use client';

import Link from 'next/link';
import { useState } from 'react';
import { type ChatState, threadOf, typingUserIds } from '../../lib/chat-state';
import { conversationTitle, otherMemberIds, userLabel } from '../../lib/conversation-list';
import type { PendingMessage } from '../../lib/outbox';
import { Composer, type EditRequest } from './composer';
import { formatLastSeen } from './format-time';
import { MessageList } from './message-list';
import type { ThreadStatus } from './use-chat';

/** Renders one open conversation: header, history with live updates, and the composer. */
export function ConversationView({
  conversationId,
  state,
  status,
  connected,
  onSend,
  onRetry,
  onDismiss,
  onLoadOlder,
  onReload,
  onTyping,
}: {
  conversationId: string;
  state: ChatState;
  status: ThreadStatus | undefined;
  connected: boolean;
  onSend: (body: string) => void;
  onRetry: (pending: PendingMessage) => void;
  onDismiss: (clientMsgId: string) => void;
  onLoadOlder: () => void;
  onReload: () => void;
  onTyping: (active: boolean) => void;
}) {
  const [editRequest, setEditRequest] = useState<EditRequest | null>(null);
  const conversation = state.conversations[conversationId];
  const thread = threadOf(state, conversationId);
  const title = conversation
    ? conversationTitle(conversation, state.myUserId, state.users)
    : 'Conversation';
  const typists = typingUserIds(state, conversationId, Date.now()).map((userId) =>
    userLabel(state.users[userId]),
  );

  return (
    <section
      className="conversation-view"
      aria-label={title}
      data-testid="conversation-view"
      data-conversation-id={conversationId}
    >
      <header className="conversation-header">
        <Link
          href="/chat"
          className="back-link"
          data-testid="back-to-list"
          aria-label="Back to conversations"
        >
          ‹
        </Link>
        <div className="conversation-heading">
          <h1 data-testid="conversation-title">{title}</h1>
          {conversation && <PresenceLine state={state} conversationId={conversationId} />}
        </div>
      </header>

      {status?.error && (
        <div className="banner error" role="alert" data-testid="conversation-error">
          <span>{status.error}</span>
          <button
            type="button"
            className="button subtle"
            onClick={onReload}
            data-testid="conversation-reload"
          >
            Try again
          </button>
        </div>
      )}

      <MessageList
        conversationId={conversationId}
        state={state}
        thread={thread}
        loading={status?.loading ?? !thread.loaded}
        loadingOlder={status?.loadingOlder ?? false}
        onLoadOlder={onLoadOlder}
        onRetry={onRetry}
        onEdit={(pending) => {
          onDismiss(pending.clientMsgId);
          setEditRequest({ body: pending.body, id: Date.now() });
        }}
        onDismiss={onDismiss}
      />

      <p className="typing-indicator" data-testid="typing-indicator" aria-live="polite">
        {typists.length > 0
          ? `${typists.join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…`
          : ''}
      </p>

      {(conversation || !status?.error) && (
        <Composer
          key={conversationId}
          connected={connected}
          editRequest={editRequest}
          onSend={onSend}
          onTyping={onTyping}
        />
      )}
    </section>
  );
}

/** Renders the other member's online state in a direct conversation, from presence events. */
function PresenceLine({ state, conversationId }: { state: ChatState; conversationId: string }) {
  const conversation = state.conversations[conversationId];
  if (conversation?.type !== 'direct') return null;

  const otherId = otherMemberIds(conversation, state.myUserId)[0];
  const presence = otherId ? state.presence[otherId] : undefined;
  if (!presence) return null;

  const online = presence.status === 'online';
  return (
    <p className="presence-line" data-testid="presence-status" data-status={presence.status}>
      <span className={`presence-dot ${online ? 'online' : 'offline'}`} aria-hidden="true" />
      {online ? 'online' : formatLastSeen(presence.lastSeenAt)}
    </p>
  );
}
