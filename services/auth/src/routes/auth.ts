import { validate } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Accounts } from '../accounts.ts';
import type { Sessions } from '../sessions.ts';
import { usernameSchema } from '../usernames.ts';

const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters');

const registrationSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  displayName: z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(64, 'must be at most 64 characters')
    .optional(),
});

// Login checks only the shape: a wrong format must fail like a wrong password.
const loginSchema = z.object({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(256),
});

const refreshTokenSchema = z.object({ refreshToken: z.string().min(1).max(512) });

const availabilitySchema = z.object({ username: usernameSchema });

/** Registers the `/api/auth` routes. */
export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { accounts: Accounts; sessions: Sessions },
): void {
  const { accounts, sessions } = deps;

  app.post('/api/auth/register', async (request, reply) => {
    const body = validate(registrationSchema, request.body, 'registration');
    const signedIn = await accounts.register(body);
    return reply.status(201).send(signedIn);
  });

  app.post('/api/auth/login', async (request) => {
    const body = validate(loginSchema, request.body, 'login');
    return accounts.login(body.username, body.password);
  });

  app.post('/api/auth/refresh', async (request) => {
    const body = validate(refreshTokenSchema, request.body, 'refresh request');
    return sessions.refresh(body.refreshToken);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const body = validate(refreshTokenSchema, request.body, 'logout request');
    await sessions.end(body.refreshToken);
    return reply.status(204).send();
  });

  app.get('/api/auth/username-available', async (request) => {
    const query = validate(availabilitySchema, request.query, 'username query');
    return { available: await accounts.isAvailable(query.username) };
  });
}
