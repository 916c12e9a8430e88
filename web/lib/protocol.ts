/**
 * Shapes of the gateway's REST responses and Socket.IO events, as the web app
 * relies on them. Fields the app does not read are left out.
 */

/** A registered account as the API returns it. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  avatarUrl?: string;
  createdAt: string;
}

/** A file attached to a message. */
export interface AttachmentRef {
  id: string;
  contentType: string;
  size: number;
  fileName: string;
}

/** A stored message; `seq` starts at 1 in each conversation and has no gaps. */
export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  attachments: AttachmentRef[];
  createdAt: string;
}

/** A member entry of a conversation. */
export interface ConversationMember {
  userId: string;
  role: string;
}

/** A direct or group conversation, with list extras when the API includes them. */
export interface Conversation {
  id: string;
  type: 'direct' | 'group';
  name?: string | null;
  members: ConversationMember[];
  lastMessage?: Message | null;
  unreadCount?: number | null;
  createdAt: string;
}

/** The body of `POST /api/auth/register` and `POST /api/auth/login` responses. */
export interface AuthResponse {
  user: User;
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the access token, in seconds. */
  expiresIn: number;
}

/** The body of a `POST /api/auth/refresh` response. */
export interface RefreshResponse {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the new access token, in seconds. */
  expiresIn: number;
}

/** A page of history from `GET /api/conversations/:id/messages`, oldest first. */
export interface MessagePage {
  messages: Message[];
  hasMore: boolean;
}

/** The error part of a REST error body or of a rejecting Socket.IO acknowledgement. */
export interface ErrorBody {
  code: string;
  message: string;
  retryAfterMs?: number;
}

/** An acknowledgement of a client-to-server Socket.IO event. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/** Online state of one user. */
export interface Presence {
  userId: string;
  status: 'online' | 'offline';
  lastSeenAt?: string | null;
}

/** Payload of the server's `receipt` event. */
export interface ReceiptEvent {
  conversationId: string;
  userId: string;
  kind: 'delivered' | 'read';
  seq: number;
}

/** Payload of the server's `typing` event. */
export interface TypingEvent {
  conversationId: string;
  userId: string;
  active: boolean;
}

/** Payload of the server's `session` event, sent once a socket is accepted. */
export interface SessionEvent {
  userId: string;
  instanceId: string;
}
