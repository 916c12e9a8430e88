import { requireAccessToken, type TokenVerifier, validate } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type ConversationService,
  maxGroupMembers,
} from '../conversations/conversation-service.ts';
import type { HistoryReader } from '../messaging/history.ts';
import type { Membership } from '../store/membership.ts';

export interface ConversationRoutesDeps {
  conversations: ConversationService;
  history: HistoryReader;
  membership: Membership;
  verifyToken: TokenVerifier;
}

const id = z.string().min(1).max(64);

const createSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('direct'), userId: id }),
  z.object({
    type: z.literal('group'),
    name: z.string().trim().min(1).max(128),
    memberIds: z.array(id).max(maxGroupMembers - 1),
  }),
]);

const historySchema = z.object({
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const paramsSchema = z.object({ id });
const memberParamsSchema = z.object({ id, userId: id });
const addMembersSchema = z.object({ userIds: z.array(id).min(1).max(maxGroupMembers) });
const roleSchema = z.object({ role: z.enum(['owner', 'admin', 'member']) });

/** `/api/conversations` and the messages of each conversation. */
export async function conversationRoutes(
  app: FastifyInstance,
  deps: ConversationRoutesDeps,
): Promise<void> {
  requireAccessToken(app, deps.verifyToken);

  app.post('/api/conversations', async (request, reply) => {
    const body = validate(createSchema, request.body, 'conversation');
    const userId = request.principal.userId;

    if (body.type === 'direct') {
      const { conversation, created } = await deps.conversations.openDirect(userId, body.userId);
      return reply.status(created ? 201 : 200).send({ conversation });
    }
    const conversation = await deps.conversations.createGroup(userId, body.name, body.memberIds);
    return reply.status(201).send({ conversation });
  });

  app.get('/api/conversations', async (request) => ({
    conversations: await deps.conversations.list(request.principal.userId),
  }));

  app.get('/api/conversations/:id', async (request) => {
    const { id: conversationId } = validate(paramsSchema, request.params, 'conversation id');
    return { conversation: await deps.conversations.get(request.principal.userId, conversationId) };
  });

  app.post('/api/conversations/:id/members', async (request) => {
    const { id: conversationId } = validate(paramsSchema, request.params, 'conversation id');
    const { userIds } = validate(addMembersSchema, request.body, 'members');
    return {
      conversation: await deps.conversations.addMembers(
        request.principal.userId,
        conversationId,
        userIds,
      ),
    };
  });

  app.delete('/api/conversations/:id/members/:userId', async (request, reply) => {
    const params = validate(memberParamsSchema, request.params, 'member');
    await deps.conversations.removeMember(request.principal.userId, params.id, params.userId);
    return reply.status(204).send();
  });

  app.patch('/api/conversations/:id/members/:userId', async (request) => {
    const params = validate(memberParamsSchema, request.params, 'member');
    const { role } = validate(roleSchema, request.body, 'role');
    return {
      conversation: await deps.conversations.setRole(
        request.principal.userId,
        params.id,
        params.userId,
        role,
      ),
    };
  });

  app.get('/api/conversations/:id/messages', async (request) => {
    const { id: conversationId } = validate(paramsSchema, request.params, 'conversation id');
    const query = validate(historySchema, request.query, 'history query');
    await deps.membership.assertMember(conversationId, request.principal.userId);
    return deps.history.before(conversationId, query.beforeSeq, query.limit);
  });
}
