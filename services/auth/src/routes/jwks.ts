import type { FastifyInstance } from 'fastify';
import type { SigningKeys } from '../signing-keys.ts';

/** Registers `/.well-known/jwks.json`, the public keys that verify access tokens. */
export function registerJwksRoutes(app: FastifyInstance, keys: SigningKeys): void {
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    // Verifiers cache the set for up to ten minutes and refetch on an unknown `kid`, so a
    // short cache lifetime here costs little and lets a rotation spread quickly.
    reply.header('cache-control', 'public, max-age=300');
    return keys.jwks;
  });
}
