'use client';

import { useParams, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { userLabel } from '../../lib/conversation-list';
import type { User } from '../../lib/protocol';
import { useAppContext, useHydrated, useSession } from '../app-services';
import { ConnectionStatus } from './connection-status';
import { ConversationList } from './conversation-list';
import { ConversationView } from './conversation-view';
import { StartChatForm } from './start-chat-form';
import { useChat } from './use-chat';

/** Renders the signed-in screen: the conversation list beside the open conversation. */
export function ChatScreen() {
  const router = useRouter();
  const hydrated = useHydrated();
  const session = useSession();

  useEffect(() => {
    if (hydrated && session === null) router.replace('/login');
  }, [hydrated, session, router]);

  if (session === null) {
    return (
      <main className="centered-page">
        <p role="status">Loading…</p>
      </main>
    );
  }
  return <SignedInChat key={session.user.id} user={session.user} />;
}

function SignedInChat({ user }: { user: User }) {
  const router = useRouter();
  const { services } = useAppContext();
  const params = useParams<{ conversationId?: string }>();
  const selectedId = params.conversationId ?? null;
  const chat = useChat(user.id, selectedId);
  const { state } = chat;

  async function startChat(username: string): Promise<void> {
    const conversation = await chat.startDirectChat(username);
    router.push(`/chat/${encodeURIComponent(conversation.id)}`);
  }

  return (
    <div className="chat-app" data-view={selectedId ? 'conversation' : 'list'}>
      <header className="app-header">
        <span className="app-name">Chat</span>
        <ConnectionStatus state={chat.connection.state} instanceId={chat.connection.instanceId} />
        <span className="current-user" data-testid="current-user" title={`@${user.username}`}>
          {userLabel(user)}
        </span>
        <button
          type="button"
          className="button subtle"
          data-testid="logout-button"
          onClick={() => void services().session.logout()}
        >
          Sign out
        </button>
      </header>
      <div className="chat-body">
        <aside className="sidebar" aria-label="Conversations">
          <StartChatForm onStart={startChat} />
          <ConversationList state={state} selectedId={selectedId} error={chat.listError} />
        </aside>
        <main className="conversation-pane">
          {selectedId ? (
            <ConversationView
              key={selectedId}
              conversationId={selectedId}
              state={state}
              status={chat.threadStatus[selectedId]}
              connected={chat.connection.state === 'connected'}
              onSend={(body) => chat.send(selectedId, body)}
              onRetry={chat.retry}
              onDismiss={(clientMsgId) => chat.dismiss(selectedId, clientMsgId)}
              onLoadOlder={() => chat.loadOlder(selectedId)}
              onReload={() => chat.reloadHistory(selectedId)}
              onTyping={(active) => chat.emitTyping(selectedId, active)}
            />
          ) : (
            <div className="empty-pane">
              <p>Pick a conversation, or start one with a username.</p>
            </div>
          )}
        </main>
      </div>
    </div>
  );
}
