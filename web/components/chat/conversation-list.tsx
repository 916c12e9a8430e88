import Link from 'next/link';
import type { ChatState } from '../../lib/chat-state';
import { conversationTitle, otherMemberIds, sortByActivity } from '../../lib/conversation-list';
import type { Conversation } from '../../lib/protocol';
import { formatListTime } from './format-time';

/** Renders the signed-in user's conversations, newest activity first. */
export function ConversationList({
  state,
  selectedId,
  error,
}: {
  state: ChatState;
  selectedId: string | null;
  error: string | null;
}) {
  const conversations = sortByActivity(Object.values(state.conversations));

  return (
    <nav
      className="conversation-list"
      aria-label="Your conversations"
      data-testid="conversation-list"
    >
      {error !== null && (
        <p className="form-error" role="alert" data-testid="conversation-list-error">
          Could not load your conversations: {error}
        </p>
      )}
      {state.conversationsLoaded && conversations.length === 0 && (
        <p className="muted" data-testid="conversation-list-empty">
          No conversations yet.
        </p>
      )}
      <ul>
        {conversations.map((conversation) => (
          <li key={conversation.id}>
            <ConversationItem
              conversation={conversation}
              state={state}
              selected={conversation.id === selectedId}
            />
          </li>
        ))}
      </ul>
    </nav>
  );
}

function ConversationItem({
  conversation,
  state,
  selected,
}: {
  conversation: Conversation;
  state: ChatState;
  selected: boolean;
}) {
  const title = conversationTitle(conversation, state.myUserId, state.users);
  const unread = conversation.unreadCount ?? 0;
  const last = conversation.lastMessage;
  const otherId =
    conversation.type === 'direct' ? otherMemberIds(conversation, state.myUserId)[0] : undefined;
  const online = otherId !== undefined && state.presence[otherId]?.status === 'online';

  return (
    <Link
      href={`/chat/${encodeURIComponent(conversation.id)}`}
      className="conversation-item"
      data-testid="conversation-item"
      data-conversation-id={conversation.id}
      data-unread={unread}
      aria-current={selected ? 'page' : undefined}
    >
      <span className="conversation-line">
        <span className="conversation-name">
          {online && (
            <>
              <span className="presence-dot online" aria-hidden="true" />
              <span className="visually-hidden">Online: </span>
            </>
          )}
          <span data-testid="conversation-name">{title}</span>
        </span>
        {last && <time dateTime={last.createdAt}>{formatListTime(last.createdAt)}</time>}
      </span>
      <span className="conversation-line">
        <span className="conversation-last-message" data-testid="conversation-last-message">
          {last ? last.body : 'No messages yet'}
        </span>
        {unread > 0 && (
          <span className="unread-badge">
            <span data-testid="conversation-unread">{unread}</span>
            <span className="visually-hidden">
              {unread === 1 ? ' unread message' : ' unread messages'}
            </span>
          </span>
        )}
      </span>
    </Link>
  );
}
