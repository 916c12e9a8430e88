import { applyIncomingMessage } from './conversation-list';
import { lastSeq, mergeBySeq } from './message-merge';
import { type PendingMessage, statusAfterFailure, withoutConfirmed } from './outbox';
import type {
  Conversation,
  ErrorBody,
  Message,
  Presence,
  ReceiptEvent,
  TypingEvent,
  User,
} from './protocol';
import { groupByConversation } from './sync-cursors';

/** Messages of one conversation as stored in the client. */
export interface ThreadState {
  /** Confirmed messages ordered by `seq`, without duplicates. */
  messages: Message[];
  /** This user's messages that await confirmation, in the order they were written. */
  pending: PendingMessage[];
  /** True once the latest history page was fetched. */
  loaded: boolean;
  /** True while older history exists on the server. */
  hasMoreOlder: boolean;
}

/** Everything the chat screen shows, kept outside React so that it can be tested alone. */
export interface ChatState {
  myUserId: string;
  conversations: Record<string, Conversation>;
  conversationsLoaded: boolean;
  users: Record<string, User>;
  threads: Record<string, ThreadState>;
  /** Conversation id to user id to the epoch milliseconds when typing turns stale. */
  typing: Record<string, Record<string, number>>;
  /** Conversation id to user id to the highest `seq` that user has read. */
  readSeqs: Record<string, Record<string, number>>;
  /** Conversation id to user id to the highest `seq` delivered to that user. */
  deliveredSeqs: Record<string, Record<string, number>>;
  presence: Record<string, Presence>;
  /** The conversation on screen while the page is visible, or null. */
  visibleConversationId: string | null;
}

/** State changes of the chat screen. */
export type ChatAction =
  | { type: 'conversations-loaded'; conversations: Conversation[] }
  | { type: 'conversation-upserted'; conversation: Conversation }
  | { type: 'users-loaded'; users: User[] }
  | {
      type: 'history-loaded';
      conversationId: string;
      messages: Message[];
      hasMore: boolean;
      older: boolean;
    }
  | { type: 'messages-received'; messages: Message[] }
  | { type: 'send-queued'; pending: PendingMessage }
  | { type: 'send-attempted'; conversationId: string; clientMsgId: string; attempt: number }
  | {
      type: 'send-failed';
      conversationId: string;
      clientMsgId: string;
      attempt: number;
      error: ErrorBody;
    }
  | { type: 'send-retried'; conversationId: string; clientMsgId: string }
  | { type: 'send-dismissed'; conversationId: string; clientMsgId: string }
  | { type: 'conversation-read'; conversationId: string }
  | { type: 'visible-changed'; conversationId: string | null }
  | { type: 'typing'; event: TypingEvent; expiresAt: number }
  | { type: 'typing-expired'; now: number }
  | { type: 'receipt'; event: ReceiptEvent }
  | { type: 'presence'; presence: Presence[] };

/** The client state of a conversation that was never opened. */
export const EMPTY_THREAD: ThreadState = Object.freeze({
  messages: [],
  pending: [],
  loaded: false,
  hasMoreOlder: false,
}) as ThreadState;

/** Creates the state of a freshly signed-in chat screen. */
export function initialChatState(myUserId: string): ChatState {
  return {
    myUserId,
    conversations: {},
    conversationsLoaded: false,
    users: {},
    threads: {},
    typing: {},
    readSeqs: {},
    deliveredSeqs: {},
    presence: {},
    visibleConversationId: null,
  };
}

/** Applies one action; returns the same state object when nothing changed. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'conversations-loaded':
      return loadConversations(state, action.conversations);
    case 'conversation-upserted':
      return upsertConversation(state, action.conversation);
    case 'users-loaded':
      return loadUsers(state, action.users);
    case 'history-loaded':
      return loadHistory(state, action);
    case 'messages-received':
      return receiveMessages(state, action.messages);
    case 'send-queued':
      return updatePending(state, action.pending.conversationId, (pending) => [
        ...pending.filter((entry) => entry.clientMsgId !== action.pending.clientMsgId),
        action.pending,
      ]);
    case 'send-attempted':
      return updatePendingEntry(state, action.conversationId, action.clientMsgId, (entry) => ({
        ...entry,
        status: 'sending',
        attempt: action.attempt,
        error: undefined,
      }));
    case 'send-failed':
      return updatePendingEntry(state, action.conversationId, action.clientMsgId, (entry) =>
        entry.attempt === action.attempt
          ? { ...entry, status: statusAfterFailure(action.error), error: action.error }
          : entry,
      );
    case 'send-retried':
      return updatePendingEntry(state, action.conversationId, action.clientMsgId, (entry) => ({
        ...entry,
        status: 'queued',
        error: undefined,
      }));
    case 'send-dismissed':
      return updatePending(state, action.conversationId, (pending) =>
        pending.filter((entry) => entry.clientMsgId !== action.clientMsgId),
      );
    case 'conversation-read':
      return markRead(state, action.conversationId);
    case 'visible-changed':
      if (state.visibleConversationId === action.conversationId) return state;
      return { ...state, visibleConversationId: action.conversationId };
    case 'typing':
      return applyTyping(state, action.event, action.expiresAt);
    case 'typing-expired':
      return expireTyping(state, action.now);
    case 'receipt':
      return applyReceipt(state, action.event);
    case 'presence':
      return applyPresence(state, action.presence);
  }
}

/** Returns a conversation's thread, or the empty one when it was never opened. */
export function threadOf(state: ChatState, conversationId: string): ThreadState {
  return state.threads[conversationId] ?? EMPTY_THREAD;
}

/**
 * Returns how far other members got with one of this user's messages:
 * `read` or `delivered` from receipts, else `sent`.
 */
export function ownMessageStatus(
  state: ChatState,
  conversationId: string,
  seq: number,
): 'sent' | 'delivered' | 'read' {
  const reached = (seqs: Record<string, number> | undefined) =>
    Object.entries(seqs ?? {}).some(
      ([userId, memberSeq]) => userId !== state.myUserId && memberSeq >= seq,
    );

  if (reached(state.readSeqs[conversationId])) return 'read';
  if (reached(state.deliveredSeqs[conversationId])) return 'delivered';
  return 'sent';
}

/** Returns the ids of the other members typing in a conversation at `now`. */
export function typingUserIds(state: ChatState, conversationId: string, now: number): string[] {
  return Object.entries(state.typing[conversationId] ?? {})
    .filter(([userId, expiresAt]) => userId !== state.myUserId && expiresAt > now)
    .map(([userId]) => userId);
}

/** Returns the earliest time a typing entry turns stale, or undefined when none is held. */
export function nextTypingExpiry(state: ChatState): number | undefined {
  const times = Object.values(state.typing).flatMap((users) => Object.values(users));
  return times.length === 0 ? undefined : Math.min(...times);
}

function loadConversations(state: ChatState, conversations: Conversation[]): ChatState {
  const next: Record<string, Conversation> = {};
  for (const conversation of conversations) {
    // Messages that arrived while the list was in flight are newer than its response.
    const localLast = newerMessage(
      state.conversations[conversation.id]?.lastMessage ?? undefined,
      threadOf(state, conversation.id).messages.at(-1),
    );
    const keepLocal = localLast && localLast.seq > (conversation.lastMessage?.seq ?? 0);
    next[conversation.id] = keepLocal ? { ...conversation, lastMessage: localLast } : conversation;
  }
  return { ...state, conversations: next, conversationsLoaded: true };
}

function newerMessage(a: Message | undefined, b: Message | undefined): Message | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return a.seq >= b.seq ? a : b;
}

function upsertConversation(state: ChatState, conversation: Conversation): ChatState {
  const local = state.conversations[conversation.id];
  const thread = threadOf(state, conversation.id);
  // A message:new can arrive before its conversation, whose response may lack list extras.
  const lastMessage = newerMessage(
    conversation.lastMessage ?? local?.lastMessage ?? undefined,
    thread.messages.at(-1),
  );
  const unreadCount =
    conversation.unreadCount ?? local?.unreadCount ?? unreadInThread(state, conversation.id);

  const merged: Conversation = { ...conversation, lastMessage: lastMessage ?? null, unreadCount };
  return { ...state, conversations: { ...state.conversations, [conversation.id]: merged } };
}

function unreadInThread(state: ChatState, conversationId: string): number {
  if (state.visibleConversationId === conversationId) return 0;
  return threadOf(state, conversationId).messages.filter(
    (message) => message.senderId !== state.myUserId,
  ).length;
}

function loadUsers(state: ChatState, users: User[]): ChatState {
  if (users.length === 0) return state;
  const next = { ...state.users };
  for (const user of users) next[user.id] = user;
  return { ...state, users: next };
}

function loadHistory(
  state: ChatState,
  action: Extract<ChatAction, { type: 'history-loaded' }>,
): ChatState {
  const thread = threadOf(state, action.conversationId);
  const messages = mergeBySeq(thread.messages, action.messages);
  // Only a page that reaches further back can tell whether even older history exists.
  const hasMoreOlder = action.older || !thread.loaded ? action.hasMore : thread.hasMoreOlder;
  const next: ThreadState = {
    messages,
    pending: withoutConfirmed(thread.pending, messages, state.myUserId),
    loaded: true,
    hasMoreOlder,
  };
  return withConversationLast(
    { ...state, threads: { ...state.threads, [action.conversationId]: next } },
    action.conversationId,
  );
}

function receiveMessages(state: ChatState, messages: Message[]): ChatState {
  let next = state;
  for (const [conversationId, group] of groupByConversation(messages)) {
    next = receiveInConversation(next, conversationId, group);
  }
  return next;
}

function receiveInConversation(
  state: ChatState,
  conversationId: string,
  messages: Message[],
): ChatState {
  const thread = threadOf(state, conversationId);
  const merged = mergeBySeq(thread.messages, messages);
  const pending = withoutConfirmed(thread.pending, messages, state.myUserId);
  if (merged === thread.messages && pending === thread.pending) return state;

  const conversation = state.conversations[conversationId];
  const conversations = conversation
    ? {
        ...state.conversations,
        [conversationId]: messages.reduce(
          (current, message) =>
            applyIncomingMessage(current, message, {
              myUserId: state.myUserId,
              visible: state.visibleConversationId === conversationId,
              knownLastSeq: lastSeq(thread.messages),
            }),
          conversation,
        ),
      }
    : state.conversations;

  return {
    ...state,
    conversations,
    threads: { ...state.threads, [conversationId]: { ...thread, messages: merged, pending } },
    typing: withoutTypists(
      state.typing,
      conversationId,
      messages.map((message) => message.senderId),
    ),
  };
}

function withConversationLast(state: ChatState, conversationId: string): ChatState {
  const conversation = state.conversations[conversationId];
  const newest = threadOf(state, conversationId).messages.at(-1);
  if (!conversation || !newest || newest.seq <= (conversation.lastMessage?.seq ?? 0)) return state;

  return {
    ...state,
    conversations: {
      ...state.conversations,
      [conversationId]: { ...conversation, lastMessage: newest },
    },
  };
}

function updatePending(
  state: ChatState,
  conversationId: string,
  change: (pending: PendingMessage[]) => PendingMessage[],
): ChatState {
  const thread = threadOf(state, conversationId);
  const pending = change(thread.pending);
  if (pending === thread.pending) return state;
  return { ...state, threads: { ...state.threads, [conversationId]: { ...thread, pending } } };
}

function updatePendingEntry(
  state: ChatState,
  conversationId: string,
  clientMsgId: string,
  change: (entry: PendingMessage) => PendingMessage,
): ChatState {
  return updatePending(state, conversationId, (pending) => {
    const index = pending.findIndex((entry) => entry.clientMsgId === clientMsgId);
    const entry = pending[index];
    if (entry === undefined) return pending;

    const changed = change(entry);
    if (changed === entry) return pending;
    return pending.map((current, position) => (position === index ? changed : current));
  });
}

function markRead(state: ChatState, conversationId: string): ChatState {
  const conversation = state.conversations[conversationId];
  if (!conversation?.unreadCount) return state;
  return {
    ...state,
    conversations: {
      ...state.conversations,
      [conversationId]: { ...conversation, unreadCount: 0 },
    },
  };
}

function applyTyping(state: ChatState, event: TypingEvent, expiresAt: number): ChatState {
  if (!event.active)
    return { ...state, typing: withoutTypists(state.typing, event.conversationId, [event.userId]) };

  const users = { ...(state.typing[event.conversationId] ?? {}), [event.userId]: expiresAt };
  return { ...state, typing: { ...state.typing, [event.conversationId]: users } };
}

function expireTyping(state: ChatState, now: number): ChatState {
  let changed = false;
  const typing: ChatState['typing'] = {};

  for (const [conversationId, users] of Object.entries(state.typing)) {
    const live = Object.entries(users).filter(([, expiresAt]) => expiresAt > now);
    if (live.length !== Object.keys(users).length) changed = true;
    if (live.length > 0) typing[conversationId] = Object.fromEntries(live);
  }
  return changed ? { ...state, typing } : state;
}

function withoutTypists(
  typing: ChatState['typing'],
  conversationId: string,
  userIds: string[],
): ChatState['typing'] {
  const users = typing[conversationId];
  if (!users || !userIds.some((userId) => userId in users)) return typing;

  const remaining = Object.fromEntries(
    Object.entries(users).filter(([userId]) => !userIds.includes(userId)),
  );
  return { ...typing, [conversationId]: remaining };
}

function applyReceipt(state: ChatState, event: ReceiptEvent): ChatState {
  const key = event.kind === 'read' ? 'readSeqs' : 'deliveredSeqs';
  const seqs = state[key][event.conversationId] ?? {};
  if ((seqs[event.userId] ?? 0) >= event.seq) return state;

  const updated = { ...state[key], [event.conversationId]: { ...seqs, [event.userId]: event.seq } };
  return { ...state, [key]: updated };
}

function applyPresence(state: ChatState, presence: Presence[]): ChatState {
  if (presence.length === 0) return state;
  const next = { ...state.presence };
  for (const entry of presence) next[entry.userId] = entry;
  return { ...state, presence: next };
}
