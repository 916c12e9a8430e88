import { validate } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Users } from '../users.ts';

const profileChangeSchema = z
  .object({
    displayName: z
      .string()
      .trim()
      .min(1, 'must not be blank')
      .max(64, 'must be at most 64 characters')
      .optional(),
    avatarAttachmentId: z
      .string()
      .min(1, 'must not be empty')
      .max(36, 'must be at most 36 characters')
      .nullable()
      .optional(),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, {
    message: 'must contain displayName, avatarAttachmentId or both',
  });

const searchSchema = z.object({
  query: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'must be at least 1 character')
    .max(64, 'must be at most 64 characters'),
});

const idSchema = z.object({ id: z.string().max(64) });

/** Registers the `/api/users` routes; each needs an access token. */
export function registerUserRoutes(scope: FastifyInstance, users: Users): void {
  scope.get('/api/users/me', async (request) => ({
    user: await users.get(request.principal.userId),
  }));

  scope.patch('/api/users/me', async (request) => {
    const change = validate(profileChangeSchema, request.body ?? {}, 'profile change');
    return { user: await users.update(request.principal.userId, change) };
  });

  scope.get('/api/users/:id', async (request) => {
    const { id } = validate(idSchema, request.params, 'user id');
    return { user: await users.get(id) };
  });

  scope.get('/api/users', async (request) => {
    const { query } = validate(searchSchema, request.query, 'user search');
    return { users: await users.search(query) };
  });
}
