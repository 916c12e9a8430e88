import { validate } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Attachments } from '../attachments.ts';
import {
  avatarContentTypes,
  maxContentTypeLength,
  normaliseContentType,
} from '../content-types.ts';
import { fileNameProblem } from '../file-names.ts';

/**
 * The body of `POST /api/storage/uploads`. Only the shape is checked here: the size limit
 * depends on configuration and is rejected with `FILE_TOO_LARGE`, not `VALIDATION_FAILED`.
 */
export const uploadRequestSchema = z
  .object({
    purpose: z.enum(['attachment', 'avatar'], { error: 'must be "attachment" or "avatar"' }),
    conversationId: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(36, 'must be at most 36 characters')
      .optional(),
    fileName: z.string({ error: 'is required' }).superRefine((name, context) => {
      const problem = fileNameProblem(name);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
    contentType: z
      .string({ error: 'is required' })
      .max(maxContentTypeLength, `must be at most ${maxContentTypeLength} characters`)
      .transform((value, context) => {
        const normalised = normaliseContentType(value);
        if (normalised === undefined) {
          context.addIssue({
            code: 'custom',
            message: 'must be a media type such as "image/png", without parameters',
          });
          return z.NEVER;
        }
        return normalised;
      }),
    size: z
      .number({ error: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .min(1, 'must be at least 1 byte'),
  })
  .strict()
  .superRefine((request, context) => {
    if (request.purpose === 'attachment' && request.conversationId === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['conversationId'],
        message: 'is required for an attachment',
      });
    }
    if (request.purpose === 'avatar' && request.conversationId !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['conversationId'],
        message: 'must be absent for an avatar',
      });
    }
    if (request.purpose === 'avatar' && !avatarContentTypes.includes(request.contentType)) {
      context.addIssue({
        code: 'custom',
        path: ['contentType'],
        message: `must be one of ${avatarContentTypes.join(', ')} for an avatar`,
      });
    }
  });

/** Registers `POST /api/storage/uploads`; it needs an access token. */
export function registerUploadRoutes(scope: FastifyInstance, attachments: Attachments): void {
  scope.post('/api/storage/uploads', async (request, reply) => {
    const upload = validate(uploadRequestSchema, request.body ?? {}, 'upload request');
    const grant = await attachments.createUpload(request.principal, upload);
    return reply.status(201).send(grant);
  });
}
