import type { Database } from '@chat/db';
import type { Logger } from '@chat/kit';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { checkMessageBody } from '../domain/message-body.ts';
import type { ChatMessage } from '../domain/types.ts';
import { resolveAttachments } from '../messaging/attachments.ts';
import type { HistoryReader } from '../messaging/history.ts';
import type { MessageSender } from '../messaging/message-sender.ts';
import type { PresenceTracker } from '../presence/presence-tracker.ts';
import type { ReceiptService } from '../receipts/receipt-service.ts';
import type { Membership } from '../store/membership.ts';
import type { TypingService } from '../typing/typing-service.ts';
import { onEvent, rejectUnknownEvents } from './acknowledge.ts';
import type { InFlight } from './in-flight.ts';
import { presenceRoom } from './socket-server.ts';

const id = z.string().min(1).max(64);
const seq = z.number().int().min(0).max(2_147_483_647);

/** Most conversations one `sync` call may name. */
export const maxSyncConversations = 200;
/** Most messages one `sync` call returns per conversation. */
export const maxSyncMessages = 1_000;
/** Most users one `presence:subscribe` call may name. */
export const maxPresenceSubscriptions = 500;

const schemas = {
  send: z.object({
    conversationId: id,
    clientMsgId: z.string().min(1).max(64),
    body: z.string(),
    attachmentIds: z.array(id).max(10).optional(),
  }),
  receipt: z.object({ conversationId: id, seq }),
  receiptCounts: z.object({ conversationId: id, seqs: z.array(seq).min(1).max(100) }),
  conversation: z.object({ conversationId: id }),
  sync: z.object({
    cursors: z
      .record(id, seq)
      .refine((cursors) => Object.keys(cursors).length <= maxSyncConversations, {
        message: `at most ${maxSyncConversations} conversations per call`,
      }),
  }),
  presence: z.object({ userIds: z.array(id).min(1).max(maxPresenceSubscriptions) }),
};

export interface EventDeps {
  db: Database;
  sender: MessageSender;
  history: HistoryReader;
  membership: Membership;
  receipts: ReceiptService;
  typing: TypingService;
  presence: PresenceTracker;
  logger: Logger;
  inFlight: InFlight;
}

/** Registers the client events of one connected socket. */
export function registerEvents(socket: Socket, deps: EventDeps): void {
  const userId = socket.data.userId as string;

  onEvent(socket, 'message:send', schemas.send, deps, async (payload) => {
    const message = await deps.sender.send({
      senderId: userId,
      conversationId: payload.conversationId,
      clientMsgId: payload.clientMsgId,
      body: checkMessageBody(payload.body),
      attachments: await resolveAttachments(
        deps.db,
        userId,
        payload.conversationId,
        payload.attachmentIds ?? [],
      ),
    });
    return { message };
  });

  onEvent(socket, 'message:delivered', schemas.receipt, deps, async ({ conversationId, seq }) => {
    await deps.receipts.record(userId, conversationId, 'delivered', seq);
    return {};
  });

  onEvent(socket, 'conversation:read', schemas.receipt, deps, async ({ conversationId, seq }) => {
    await deps.receipts.record(userId, conversationId, 'read', seq);
    return {};
  });

  onEvent(
    socket,
    'receipt:counts',
    schemas.receiptCounts,
    deps,
    async ({ conversationId, seqs }) => ({
      counts: await deps.receipts.counts(userId, conversationId, seqs),
    }),
  );

  onEvent(socket, 'typing:start', schemas.conversation, deps, async ({ conversationId }) => {
    await deps.typing.start(userId, conversationId);
    return {};
  });

  onEvent(socket, 'typing:stop', schemas.conversation, deps, async ({ conversationId }) => {
    await deps.typing.stop(userId, conversationId);
    return {};
  });

  onEvent(socket, 'sync', schemas.sync, deps, async ({ cursors }) => {
    const messages: ChatMessage[] = [];
    let hasMore = false;
    for (const [conversationId, afterSeq] of Object.entries(cursors)) {
      await deps.membership.assertMember(conversationId, userId);
      const page = await deps.history.after(conversationId, afterSeq, maxSyncMessages);
      messages.push(...page.messages);
      hasMore ||= page.hasMore;
    }
    return { messages, hasMore };
  });

  onEvent(socket, 'presence:subscribe', schemas.presence, deps, async ({ userIds }) => {
    const unique = [...new Set(userIds)];
    await socket.join(unique.map(presenceRoom));
    return { presence: await deps.presence.statuses(unique) };
  });

  // Every listener so far is a client event registered above.
  const known = socket.eventNames().filter((name): name is string => typeof name === 'string');
  rejectUnknownEvents(socket, new Set(known));
}
