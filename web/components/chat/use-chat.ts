'use client';

import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { ApiError, errorMessage } from '../../lib/api-error';
import {
  getConversation,
  listConversations,
  listMessages,
  openDirectConversation,
  searchUsers,
} from '../../lib/chat-api';
import { emitWithAck } from '../../lib/chat-socket';
import {
  type ChatState,
  chatReducer,
  initialChatState,
  nextTypingExpiry,
  threadOf,
} from '../../lib/chat-state';
import { logWarning } from '../../lib/client-log';
import { otherMemberIds } from '../../lib/conversation-list';
import { firstSeq, lastSeq } from '../../lib/message-merge';
import type { Conversation, Message, Presence } from '../../lib/protocol';
import {
  advanceCursors,
  chunkCursors,
  type SyncCursors,
  syncCursors,
} from '../../lib/sync-cursors';
import { useAppContext } from '../app-services';
import { handleServerEvent } from './server-events';
import { type ServerEventName, useChatSocket } from './use-chat-socket';
import { useLatest } from './use-latest';
import { useOutbox } from './use-outbox';
import { usePageVisible } from './use-page-visible';
import { useUserProfiles } from './use-user-profiles';

const HISTORY_PAGE_SIZE = 50;

/** A `sync` response carries up to 1,000 messages per conversation, so a few rounds cover long gaps. */
const MAX_SYNC_ROUNDS = 10;

/** Conversations per `sync` call, below the message service's limit of 200. */
const SYNC_BATCH_SIZE = 100;

/** Loading and error state of one conversation's history. */
export interface ThreadStatus {
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
}

/**
 * Keeps the chat screen's state current: REST for lists and
 * history, the socket for live events, `sync` after every (re)connect to fill
 * what was missed, and the outbox for sending.
 */
export function useChat(myUserId: string, selectedId: string | null) {
  const { services } = useAppContext();
  const [state, dispatch] = useReducer(chatReducer, myUserId, initialChatState);
  const stateRef = useLatest(state);
  const [threadStatus, setThreadStatus] = useState<Record<string, ThreadStatus>>({});
  const [listError, setListError] = useState<string | null>(null);
  const requestedUsers = useRef(new Set<string>());
  const requestedConversations = useRef(new Set<string>());
  const subscribedPresence = useRef(new Set<string>());
  const readSent = useRef(new Map<string, number>());
  const connectedOnce = useRef(false);
  const socketRef = useRef<Socket | null>(null);
  const outbox = useOutbox(socketRef, stateRef, dispatch);
  const pageVisible = usePageVisible();

  const setStatus = useCallback((conversationId: string, change: Partial<ThreadStatus>) => {
    setThreadStatus((current) => ({
      ...current,
      [conversationId]: {
        ...(current[conversationId] ?? { loading: false, loadingOlder: false, error: null }),
        ...change,
      },
    }));
  }, []);

  const reloadConversations = useCallback(async () => {
    try {
      dispatch({
        type: 'conversations-loaded',
        conversations: await listConversations(services().api),
      });
      setListError(null);
    } catch (error) {
      setListError(errorMessage(error));
    }
  }, [services]);

  /** Fetches a conversation this client has not seen, such as one a `message:new` belongs to. */
  const ensureConversation = useCallback(
    async (conversationId: string) => {
      if (requestedConversations.current.has(conversationId)) return;
      requestedConversations.current.add(conversationId);
      try {
        const conversation = await getConversation(services().api, conversationId);
        dispatch({ type: 'conversation-upserted', conversation });
      } catch (error) {
        requestedConversations.current.delete(conversationId);
        setStatus(conversationId, { error: conversationErrorMessage(error) });
      }
    },
    [services, setStatus],
  );

  const loadHistory = useCallback(
    async (conversationId: string, older: boolean) => {
      const thread = threadOf(stateRef.current, conversationId);
      const beforeSeq = older ? firstSeq(thread.messages) : undefined;
      setStatus(conversationId, older ? { loadingOlder: true } : { loading: true, error: null });
      try {
        const page = await listMessages(services().api, conversationId, {
          beforeSeq,
          limit: HISTORY_PAGE_SIZE,
        });
        dispatch({ type: 'history-loaded', conversationId, ...page, older });
        setStatus(conversationId, { loading: false, loadingOlder: false, error: null });
      } catch (error) {
        setStatus(conversationId, {
          loading: false,
          loadingOlder: false,
          error: conversationErrorMessage(error),
        });
      }
    },
    [services, setStatus, stateRef],
  );

  const syncBatch = useCallback(
    async (socket: Socket, batch: SyncCursors) => {
      let cursors = batch;
      for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
        const ack = await emitWithAck<{ messages?: Message[]; hasMore?: boolean }>(socket, 'sync', {
          cursors,
        });
        if (!ack.ok) {
          logWarning({ code: ack.error.code, cursors }, 'sync failed, reloading history instead');
          for (const conversationId of Object.keys(cursors))
            void loadHistory(conversationId, false);
          return;
        }

        const messages = ack.messages ?? [];
        dispatch({ type: 'messages-received', messages });
        const next = advanceCursors(cursors, messages);
        if (!ack.hasMore || !next.advanced) return;
        cursors = next.cursors;
      }
    },
    [loadHistory],
  );

  /** Fetches what was missed while disconnected, for every conversation the client follows. */
  const syncAfterConnect = useCallback(
    async (socket: Socket) => {
      const batches = chunkCursors(syncCursors(stateRef.current.threads), SYNC_BATCH_SIZE);
      await Promise.all(batches.map((batch) => syncBatch(socket, batch)));
    },
    [syncBatch, stateRef],
  );

  const subscribePresence = useCallback(async (socket: Socket, userIds: string[]) => {
    const fresh = userIds.filter((userId) => !subscribedPresence.current.has(userId));
    if (fresh.length === 0) return;
    for (const userId of fresh) subscribedPresence.current.add(userId);

    const ack = await emitWithAck<{ presence?: Presence[] }>(socket, 'presence:subscribe', {
      userIds: fresh,
    });
    if (ack.ok) {
      dispatch({ type: 'presence', presence: ack.presence ?? [] });
      return;
    }
    for (const userId of fresh) subscribedPresence.current.delete(userId);
    logWarning({ code: ack.error.code }, 'presence subscription failed');
  }, []);

  const onConnect = useCallback(
    (socket: Socket) => {
      socketRef.current = socket;
      subscribedPresence.current.clear();
      readSent.current.clear();
      if (connectedOnce.current) void reloadConversations();
      connectedOnce.current = true;

      void syncAfterConnect(socket).then(() => outbox.resendAll());
      void subscribePresence(socket, allOtherMembers(stateRef.current));
    },
    [reloadConversations, syncAfterConnect, outbox, subscribePresence, stateRef],
  );

  const onEvent = useCallback(
    (name: ServerEventName, payload: unknown) => {
      handleServerEvent(name, payload, {
        state: stateRef.current,
        dispatch,
        ensureConversation,
        acknowledgeDelivery: (message) => {
          const socket = socketRef.current;
          if (!socket) return;
          void emitWithAck(socket, 'message:delivered', {
            conversationId: message.conversationId,
            seq: message.seq,
          });
        },
      });
    },
    [ensureConversation, stateRef],
  );

  const connection = useChatSocket({ onConnect, onEvent });

  useEffect(() => {
    void reloadConversations();
  }, [reloadConversations]);

  useUserProfiles(state, requestedUsers, (users) => dispatch({ type: 'users-loaded', users }));

  useEffect(() => {
    const socket = socketRef.current;
    if (connection.state === 'connected' && socket)
      void subscribePresence(socket, allOtherMembers(state));
  }, [state, connection.state, subscribePresence]);

  useEffect(() => {
    if (selectedId === null) return;
    if (!state.conversations[selectedId] && state.conversationsLoaded)
      void ensureConversation(selectedId);
    const thread = threadOf(stateRef.current, selectedId);
    const status = threadStatus[selectedId];
    if (!thread.loaded && !status?.loading && !status?.error) void loadHistory(selectedId, false);
  }, [
    selectedId,
    state.conversations,
    state.conversationsLoaded,
    threadStatus,
    ensureConversation,
    loadHistory,
    stateRef,
  ]);

  const visibleId = pageVisible ? selectedId : null;
  useEffect(() => {
    dispatch({ type: 'visible-changed', conversationId: visibleId });
  }, [visibleId]);

  const visibleLastSeq = visibleId ? lastSeq(threadOf(state, visibleId).messages) : 0;
  useEffect(() => {
    const socket = socketRef.current;
    if (!visibleId || visibleLastSeq === 0 || connection.state !== 'connected' || !socket) return;
    if ((readSent.current.get(visibleId) ?? 0) >= visibleLastSeq) return;

    readSent.current.set(visibleId, visibleLastSeq);
    dispatch({ type: 'conversation-read', conversationId: visibleId });
    void emitWithAck(socket, 'conversation:read', {
      conversationId: visibleId,
      seq: visibleLastSeq,
    }).then((ack) => {
      if (!ack.ok) readSent.current.delete(visibleId);
    });
  }, [visibleId, visibleLastSeq, connection.state]);

  const typingExpiry = nextTypingExpiry(state);
  useEffect(() => {
    if (typingExpiry === undefined) return;
    const timer = window.setTimeout(
      () => dispatch({ type: 'typing-expired', now: Date.now() }),
      Math.max(0, typingExpiry - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [typingExpiry]);

  const startDirectChat = useCallback(
    async (username: string): Promise<Conversation> => {
      const api = services().api;
      const requested = username.trim().replace(/^@/, '');
      const users = await searchUsers(api, requested);
      // Usernames are unique after NFKC normalisation and lower-casing, so compare them that way.
      const key = usernameKey(requested);
      const match = users.find((user) => usernameKey(user.username) === key);
      if (!match)
        throw new Error(`No user is called “${requested}”. Check the spelling and try again.`);
      if (match.id === myUserId) throw new Error('That is you. Enter someone else’s username.');

      const conversation = await openDirectConversation(api, match.id);
      dispatch({ type: 'users-loaded', users: [match] });
      dispatch({ type: 'conversation-upserted', conversation });
      return conversation;
    },
    [services, myUserId],
  );

  /** Tells the other members that this user started or stopped typing; failures are ignored. */
  const emitTyping = useCallback((conversationId: string, active: boolean) => {
    const socket = socketRef.current;
    if (!socket?.connected) return;
    void emitWithAck(socket, active ? 'typing:start' : 'typing:stop', { conversationId });
  }, []);

  return {
    state,
    threadStatus,
    listError,
    connection,
    send: outbox.send,
    retry: outbox.retry,
    dismiss: (conversationId: string, clientMsgId: string) =>
      dispatch({ type: 'send-dismissed', conversationId, clientMsgId }),
    loadOlder: (conversationId: string) => loadHistory(conversationId, true),
    reloadHistory: (conversationId: string) => loadHistory(conversationId, false),
    startDirectChat,
    emitTyping,
  };
}

function allOtherMembers(state: ChatState): string[] {
  return [
    ...new Set(
      Object.values(state.conversations).flatMap((conversation) =>
        otherMemberIds(conversation, state.myUserId),
      ),
    ),
  ];
}

function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

function conversationErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'NOT_FOUND')
    return 'This conversation does not exist.';
  if (error instanceof ApiError && error.code === 'FORBIDDEN')
    return 'You are not a member of this conversation.';
  return errorMessage(error);
}
