import { validate } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Attachments } from '../attachments.ts';

const idSchema = z.object({ id: z.string().max(64, 'must be at most 64 characters') });

/** Registers `GET /api/storage/attachments/:id`; it needs an access token. */
export function registerAttachmentRoutes(scope: FastifyInstance, attachments: Attachments): void {
  scope.get('/api/storage/attachments/:id', async (request) => {
    const { id } = validate(idSchema, request.params, 'attachment id');
    return attachments.getDownload(request.principal, id);
  });
}
