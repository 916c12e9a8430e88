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

// Headers that describe the original request. Upstreams trust them because the gateway is
// their only caller, so a client must not be able to set them.
const forwardingHeaderNames = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
];

/**
 * Copies request headers for an upstream, replacing every forwarding header with the
 * gateway's own `X-Forwarded-For` (the resolved client address) and `X-Request-Id`.
 */
export function upstreamHeaders<Headers extends Record<string, unknown>>(
  headers: Headers,
  clientAddress: string,
  requestId: string,
): Headers & { 'x-forwarded-for': string; 'x-request-id': string } {
  const copy: Record<string, unknown> = { ...headers };
  for (const name of forwardingHeaderNames) delete copy[name];
  return { ...copy, 'x-forwarded-for': clientAddress, 'x-request-id': requestId } as Headers & {
    'x-forwarded-for': string;
    'x-request-id': string;
  };
}
