import { bearerToken, type Principal, type TokenVerifier } from '@chat/kit';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** A preHandler that verifies the bearer token and sets `request.principal`. */
export function authenticate(verifyToken: TokenVerifier) {
  return async (request: FastifyRequest) => {
    request.principal = await verifyToken(bearerToken(request.headers.authorization));
  };
}
