import type { FastifyInstance, FastifyReply } from 'fastify';
import { gatewayErrors } from './errors.ts';

const allowedMethods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const allowedHeaders = 'authorization, content-type, x-request-id';
const exposedHeaders = 'x-request-id, retry-after';
const preflightMaxAgeSeconds = 600;

/**
 * Handles CORS preflights and adds CORS headers for the configured origins, on every route.
 *
 * Clients authenticate with a bearer token, not cookies, so credentials are not allowed.
 * A preflight from another origin gets 403, which the browser reports as a CORS failure.
 */
export function registerCors(app: FastifyInstance, origins: string[]): void {
  const allowed = new Set(origins);

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;

    reply.header('vary', 'Origin');
    const isPreflight =
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-method'] !== undefined;

    if (!allowed.has(origin)) {
      if (isPreflight) {
        throw gatewayErrors.FORBIDDEN(`The origin ${origin} may not call this API.`);
      }
      return;
    }

    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-expose-headers', exposedHeaders);
    if (isPreflight) return answerPreflight(reply);
  });
}

function answerPreflight(reply: FastifyReply): FastifyReply {
  return reply
    .header('access-control-allow-methods', allowedMethods)
    .header('access-control-allow-headers', allowedHeaders)
    .header('access-control-max-age', preflightMaxAgeSeconds)
    .status(204)
    .send();
}
