import { bearerToken, type Logger, type TokenVerifier } from '@chat/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientAddressResolver } from '../client-address.ts';
import { gatewayErrors } from '../errors.ts';
import { forward } from '../forward.ts';
import type { RateLimiter, RateLimitRule } from '../rate-limiter.ts';
import {
  matchRoute,
  normalizePath,
  type RateLimitClass,
  type UpstreamName,
} from '../route-table.ts';
import type { UpstreamGroup } from '../upstream-group.ts';

export interface ApiRouteDependencies {
  groups: Record<UpstreamName, UpstreamGroup>;
  verifyToken: TokenVerifier;
  rateLimiter: RateLimiter;
  rateLimits: Record<RateLimitClass, RateLimitRule>;
  clientAddress: ClientAddressResolver;
  logger: Logger;
}

/**
 * Registers the forwarding routes: everything under `/api` and `/.well-known/jwks.json`.
 *
 * Each request is matched against the route table, its access token is verified when the
 * route needs one, it is counted against its rate limit and then it is forwarded.
 */
export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDependencies): void {
  app.register(async (scope) => {
    // Bodies stay raw bytes: the upstream parses them, and a buffer can be sent twice on retry.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    const handler = (request: FastifyRequest, reply: FastifyReply) => handle(request, reply, deps);
    scope.all('/api/*', handler);
    scope.all('/.well-known/jwks.json', handler);
  });
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ApiRouteDependencies,
): Promise<FastifyReply> {
  const pathname = normalizePath(request.url);
  const route = matchRoute(pathname);
  if (route === undefined) {
    throw gatewayErrors.NOT_FOUND(`No route for ${request.method} ${pathname}.`);
  }

  let limitKey = deps.clientAddress(request.raw);
  if (route.authenticated) {
    const principal = await deps.verifyToken(bearerToken(request.headers.authorization));
    limitKey = principal.userId;
  }

  const rule = deps.rateLimits[route.rateLimit];
  const verdict = await deps.rateLimiter.consume(rule, limitKey);
  if (!verdict.allowed) {
    const seconds = Math.ceil(verdict.retryAfterMs / 1000);
    throw gatewayErrors.RATE_LIMITED(`Too many requests; retry in ${seconds} s.`, {
      retryAfterMs: verdict.retryAfterMs,
    });
  }

  return forward(request, reply, {
    group: deps.groups[route.upstream],
    pathname,
    clientAddress: deps.clientAddress,
    logger: deps.logger,
  });
}
