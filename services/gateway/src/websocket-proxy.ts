import http, { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type AppError, type Logger, uuidv7 } from '@chat/kit';
import { type ClientAddressResolver, upstreamHeaders } from './client-address.ts';
import { gatewayErrors } from './errors.ts';
import type { RateLimiter, RateLimitRule } from './rate-limiter.ts';
import { parseRequestTarget } from './route-table.ts';
import { failureCode, isConnectFailure, mayRetry } from './upstream-failures.ts';
import type { UpstreamGroup, UpstreamInstance } from './upstream-group.ts';

export interface WebSocketProxyOptions {
  group: UpstreamGroup;
  clientAddress: ClientAddressResolver;
  rateLimiter: RateLimiter;
  rateLimit: RateLimitRule;
  logger: Logger;
  /** Maximum time, in milliseconds, to connect to an instance and receive its handshake response. */
  handshakeTimeoutMs: number;
}

/** A client upgrade request on its way to a message instance. */
interface PendingUpgrade {
  request: IncomingMessage;
  /** The normalised path and query sent upstream. */
  path: string;
  client: Duplex;
  head: Buffer;
  requestId: string;
  clientAddress: string;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/**
 * Proxies Socket.IO WebSocket upgrades to message instances, chosen round-robin among the
 * healthy ones. The gateway relays the handshake and then copies bytes both ways, so the
 * access token in the Socket.IO handshake is checked by the message service.
 */
export class WebSocketProxy {
  private readonly tunnels = new Set<Duplex>();
  private closing = false;

  constructor(private readonly options: WebSocketProxyOptions) {}

  /** Number of open client connections. */
  get openTunnels(): number {
    return this.tunnels.size;
  }

  /** Handles the `upgrade` events of `server`. */
  attach(server: http.Server): void {
    server.on('upgrade', (request: IncomingMessage, client: Duplex, head: Buffer) => {
      void this.accept(request, client, head).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'websocket upgrade failed');
        client.destroy();
      });
    });
  }

  /** Rejects new upgrades and closes every open connection; clients reconnect elsewhere. */
  closeAll(): void {
    this.closing = true;
    for (const socket of this.tunnels) socket.destroy();
    this.tunnels.clear();
  }

  private async accept(request: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    client.on('error', (error) => this.options.logger.debug({ err: error }, 'client socket error'));
    const incomingId = request.headers['x-request-id'];
    const requestId =
      typeof incomingId === 'string' && requestIdPattern.test(incomingId) ? incomingId : uuidv7();

    const target = parseRequestTarget(request.url ?? '/');
    const clientAddress = this.options.clientAddress(request);
    const rejection = await this.check(target, clientAddress);
    if (rejection !== undefined) {
      writeError(client, rejection, requestId);
      return;
    }
    if (client.destroyed) return;

    const path = `${target.pathname}${target.search}`;
    this.connect({ request, path, client, head, requestId, clientAddress });
  }

  /** Returns the error that rejects the upgrade, or undefined when it may proceed. */
  private async check(url: URL, clientAddress: string): Promise<AppError | undefined> {
    if (this.closing) {
      return gatewayErrors.UNAVAILABLE('The gateway is shutting down; reconnect.', {
        retryAfterMs: 1_000,
      });
    }
    if (url.pathname !== '/socket.io/' && url.pathname !== '/socket.io') {
      return gatewayErrors.NOT_FOUND(`No WebSocket endpoint at ${url.pathname}.`);
    }
    if (url.searchParams.get('transport') !== 'websocket') {
      return gatewayErrors.TRANSPORT_UNSUPPORTED(
        'Only the WebSocket transport is supported; connect with transport=websocket.',
      );
    }

    const verdict = await this.options.rateLimiter.consume(this.options.rateLimit, clientAddress);
    if (verdict.allowed) return undefined;
    return gatewayErrors.RATE_LIMITED('Too many connection attempts; retry later.', {
      retryAfterMs: verdict.retryAfterMs,
    });
  }

  private connect(pending: PendingUpgrade, failed?: UpstreamInstance): void {
    const { group, logger, handshakeTimeoutMs } = this.options;
    const instance = group.pick('websocket', failed);
    if (instance === undefined) {
      writeError(pending.client, unavailable(group), pending.requestId);
      return;
    }

    const target = new URL(instance.url);
    const upstreamRequest = http.request({
      hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: target.port,
      path: pending.path,
      method: 'GET',
      headers: {
        ...upstreamHeaders(pending.request.headers, pending.clientAddress, pending.requestId),
        host: target.host,
      },
      timeout: handshakeTimeoutMs,
    });

    const abandon = () => upstreamRequest.destroy();
    pending.client.once('close', abandon);

    upstreamRequest.on('timeout', () => {
      upstreamRequest.destroy(
        Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' }),
      );
    });
    upstreamRequest.on('upgrade', (response, upstream, upstreamHead) => {
      pending.client.off('close', abandon);
      this.join(pending, response, upstream, upstreamHead);
      logger.debug({ url: instance.url, requestId: pending.requestId }, 'websocket connected');
    });
    upstreamRequest.on('response', (response) => {
      pending.client.off('close', abandon);
      relayResponse(pending.client, response);
    });
    upstreamRequest.on('error', (error) => {
      pending.client.off('close', abandon);
      this.onConnectError(pending, instance, error, failed);
    });
    upstreamRequest.end();
  }

  private onConnectError(
    pending: PendingUpgrade,
    instance: UpstreamInstance,
    error: Error,
    failed: UpstreamInstance | undefined,
  ): void {
    const { group, logger } = this.options;
    if (pending.client.destroyed) return;

    const code = failureCode(error);
    if (isConnectFailure(code) && group.markUnhealthy(instance, code ?? 'connect failed')) {
      logger.warn({ upstream: group.name, url: instance.url, code }, 'upstream unhealthy');
    }
    if (failed === undefined && mayRetry('GET', code) && group.instances.length > 1) {
      logger.info(
        { url: instance.url, code, requestId: pending.requestId },
        'retrying websocket upgrade on another instance',
      );
      this.connect(pending, instance);
      return;
    }
    logger.warn(
      { err: error, url: instance.url, requestId: pending.requestId },
      'websocket upstream failed',
    );
    writeError(pending.client, unavailable(group), pending.requestId);
  }

  /** Sends the upstream's 101 response to the client, then copies bytes both ways. */
  private join(
    pending: PendingUpgrade,
    response: IncomingMessage,
    upstream: Socket,
    upstreamHead: Buffer,
  ): void {
    const { client, head } = pending;
    if (client.destroyed) {
      upstream.destroy();
      return;
    }

    // The handshake timeout would otherwise close an idle but healthy socket.
    upstream.setTimeout(0);
    upstream.setNoDelay(true);
    client.write(statusLineAndHeaders(response));
    if (upstreamHead.length > 0) client.write(upstreamHead);
    if (head.length > 0) upstream.write(head);

    this.tunnels.add(client);
    const teardown = () => {
      this.tunnels.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', teardown);
    upstream.on('close', teardown);
    upstream.on('error', teardown);
    client.on('error', teardown);
    upstream.pipe(client);
    client.pipe(upstream);
  }
}

function unavailable(group: UpstreamGroup): AppError {
  return gatewayErrors.UPSTREAM_UNAVAILABLE(
    `The ${group.name} service is unavailable; retry shortly.`,
    { retryAfterMs: 1_000 },
  );
}

/** Relays an upstream's refusal of the upgrade, such as a 400 for a bad handshake. */
function relayResponse(client: Duplex, response: IncomingMessage): void {
  if (client.destroyed) {
    response.destroy();
    return;
  }
  client.write(statusLineAndHeaders(response));
  response.pipe(client);
}

function statusLineAndHeaders(response: IncomingMessage): string {
  const status = response.statusCode ?? 502;
  const lines = [`HTTP/1.1 ${status} ${response.statusMessage || STATUS_CODES[status] || ''}`];
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Responds to an upgrade request with the protocol's error body and closes the connection. */
function writeError(client: Duplex, error: AppError, requestId: string): void {
  if (!client.writable) {
    client.destroy();
    return;
  }
  const payload = JSON.stringify({ error: error.toBody() });
  const headers = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(payload)}`,
    `x-request-id: ${requestId}`,
    'connection: close',
  ];
  if (error.retryAfterMs !== undefined) {
    headers.push(`retry-after: ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))}`);
  }
  client.end(`${headers.join('\r\n')}\r\n\r\n${payload}`);
}
