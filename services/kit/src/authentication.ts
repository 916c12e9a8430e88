import type { FastifyInstance } from 'fastify';
import { bearerToken, type Principal, type TokenVerifier } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified owner of the request's access token. */
    principal: Principal;
  }
}

/**
 * Requires a valid access token on every route of `scope`; `request.principal` names its user.
 *
 * The gateway has checked the token already, but this service checks again so that it stays
 * safe when reached without the gateway. Verification uses cached keys and costs no request.
 */
export function requireAccessToken(scope: FastifyInstance, verify: TokenVerifier): void {
  scope.decorateRequest('principal', undefined as unknown as Principal);
  scope.addHook('onRequest', async (request) => {
    request.principal = await verify(bearerToken(request.headers.authorization));
  });
}
