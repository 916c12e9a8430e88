/** An attachment descriptor carried inside a message. */
export interface AttachmentRef {
  id: string;
  contentType: string;
  size: number;
  fileName: string;
}

/** A chat message as clients receive it and as it travels through Kafka. */
export interface ChatMessage {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  attachments: AttachmentRef[];
  /** ISO 8601 UTC with milliseconds, set by the message service when it takes the seq. */
  createdAt: string;
}

export type MemberRole = 'owner' | 'admin' | 'member';

export interface ConversationMemberView {
  userId: string;
  role: MemberRole;
}

export interface ConversationView {
  id: string;
  type: 'direct' | 'group';
  name?: string;
  members: ConversationMemberView[];
  lastMessage?: ChatMessage;
  unreadCount?: number;
  createdAt: string;
}

/** The record written to the messages topic, keyed by conversation id. */
export interface MessageRecord {
  type: 'message';
  message: ChatMessage;
}

export type ReceiptKind = 'delivered' | 'read';

/** A member's receipt cursor moved: every message up to `seq` was delivered or read. */
export interface Receipt {
  conversationId: string;
  userId: string;
  kind: ReceiptKind;
  seq: number;
}

/** The record written to the receipts topic, keyed by conversation id. */
export interface ReceiptRecord extends Receipt {
  type: 'receipt';
  /** ISO 8601 UTC with milliseconds. */
  at: string;
}
