import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** Finds the client address of a request, for rate limits and `X-Forwarded-For`. */
export type ClientAddressResolver = (request: IncomingMessage) => string;

/**
 * Creates a resolver that believes `X-Forwarded-For` only as far as the trusted proxies go.
 *
 * The gateway is the edge: an untrusted client could put any address in that header and
 * escape its rate limit, so with no trusted proxies the socket address is used.
 */
export function createClientAddressResolver(trustedProxies: string[]): ClientAddressResolver {
  const trust = proxyAddr.compile(trustedProxies);
  return (request) => proxyAddr(request, trust);
}
