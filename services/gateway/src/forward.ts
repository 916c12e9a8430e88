import type { Logger } from '@chat/kit';
import type {} from '@fastify/reply-from';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ClientAddressResolver, upstreamHeaders } from './client-address.ts';
import { gatewayErrors } from './errors.ts';
import { failureCode, isConnectFailure, isTimeout, mayRetry } from './upstream-failures.ts';
import type { UpstreamGroup, UpstreamInstance } from './upstream-group.ts';

export interface ForwardOptions {
  group: UpstreamGroup;
  /** The normalised path sent upstream; the query string is kept from the request. */
  pathname: string;
  clientAddress: ClientAddressResolver;
  logger: Logger;
}

const bodylessMethods = new Set(['GET', 'HEAD']);

/**
 * Forwards a request to the next instance of `group` with `@fastify/reply-from` and streams
 * the response back.
 *
 * An instance that cannot be connected to is marked unhealthy at once. The request then
 * goes to one other instance when {@link mayRetry} allows it, so one dead instance costs a
 * client no error. The body was read into a buffer, which is what makes resending it safe.
 */
export function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ForwardOptions,
  failed?: UpstreamInstance,
): FastifyReply {
  const { group, pathname, logger } = options;
  const instance = group.pick('http', failed);
  if (instance === undefined) {
    return reply.send(gatewayErrors.UPSTREAM_UNAVAILABLE(unavailableMessage(group)));
  }

  const body = request.body;
  const hasBody = Buffer.isBuffer(body) && !bodylessMethods.has(request.method);
  const clientAddress = options.clientAddress(request.raw);

  return reply.from(new URL(pathname, instance.url).href, {
    ...(hasBody
      ? { body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
      : {}),
    rewriteRequestHeaders: (_request, headers) =>
      upstreamHeaders(headers, clientAddress, request.id),
    // reply-from would retry a GET that got 503 up to ten times against the same instance.
    retryDelay: () => null,
    onError: (errorReply, { error }) => {
      const code = failureCode(error);
      if (isConnectFailure(code) && group.markUnhealthy(instance, code ?? 'connect failed')) {
        logger.warn({ upstream: group.name, url: instance.url, code }, 'upstream unhealthy');
      }
      if (failed === undefined && mayRetry(request.method, code) && group.instances.length > 1) {
        request.log.info(
          { upstream: group.name, url: instance.url, code },
          'retrying on another instance',
        );
        forward(request, reply, options, instance);
        return;
      }

      request.log.warn(
        { err: error, upstream: group.name, url: instance.url, code },
        'upstream request failed',
      );
      const appError = isTimeout(code)
        ? gatewayErrors.UPSTREAM_TIMEOUT(
            `The ${group.name} service did not respond in time; retry shortly.`,
          )
        : gatewayErrors.UPSTREAM_UNAVAILABLE(unavailableMessage(group), { retryAfterMs: 1_000 });
      errorReply.send(appError);
    },
  });
}

function unavailableMessage(group: UpstreamGroup): string {
  return `The ${group.name} service is unavailable; retry shortly.`;
}
