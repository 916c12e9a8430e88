import type { Logger } from '@chat/kit';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { checkMessageBody } from '../domain/message-body.ts';
import type { ChatMessage } from '../domain/types.ts';
import { messageErrors } from '../errors.ts';
import type { HistoryReader } from '../messaging/history.ts';
import type { MessageSender } from '../messaging/message-sender.ts';
import type { Membership } from '../store/membership.ts';
import { onEvent } from './acknowledge.ts';
import type { InFlight } from './in-flight.ts';

const id = z.string().min(1).max(64);

const sendSchema = z.object({
  conversationId: id,
  clientMsgId: z.string().min(1).max(64),
  body: z.string(),
  attachmentIds: z.array(id).max(10).optional(),
});

/** Most conversations one `sync` call may name. */
export const maxSyncConversations = 200;
/** Most messages one `sync` call returns per conversation. */
export const maxSyncMessages = 1_000;

const syncSchema = z.object({
  cursors: z
    .record(id, z.number().int().min(0))
    .refine((cursors) => Object.keys(cursors).length <= maxSyncConversations, {
      message: `at most ${maxSyncConversations} conversations per call`,
    }),
});

export interface EventDeps {
  sender: MessageSender;
  history: HistoryReader;
  membership: Membership;
  logger: Logger;
  inFlight: InFlight;
}

/** Registers the client events of one connected socket. */
export function registerEvents(socket: Socket, deps: EventDeps): void {
  const userId = socket.data.userId as string;

  onEvent(socket, 'message:send', sendSchema, deps, async (payload) => {
    // TODO: resolve attachment ids to descriptors through the storage service. Until then a
    // send with attachments is rejected rather than stored without them.
    if (payload.attachmentIds !== undefined && payload.attachmentIds.length > 0) {
      throw messageErrors.VALIDATION_FAILED(
        'Invalid message:send payload: attachments are not supported yet.',
      );
    }
    const message = await deps.sender.send({
      senderId: userId,
      conversationId: payload.conversationId,
      clientMsgId: payload.clientMsgId,
      body: checkMessageBody(payload.body),
      attachments: [],
    });
    return { message };
  });

  onEvent(socket, 'sync', syncSchema, deps, async ({ cursors }) => {
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
}
