import { createHttpApp, type Logger, type TokenVerifier } from '@chat/kit';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance } from 'fastify';
import type { ClientAddressResolver } from './client-address.ts';
import { registerCors } from './cors.ts';
import type { RateLimiter, RateLimitRule } from './rate-limiter.ts';
import type { RateLimitClass, UpstreamName } from './route-table.ts';
import { registerApiRoutes } from './routes/api.ts';
import { registerSocketIoRoutes } from './routes/socket-io.ts';
import type { UpstreamGroup } from './upstream-group.ts';
import { WebSocketProxy } from './websocket-proxy.ts';

/** Everything the gateway's routes use, built by `startServer` or by a test. */
export interface GatewayDependencies {
  logger: Logger;
  groups: Record<UpstreamName, UpstreamGroup>;
  verifyToken: TokenVerifier;
  rateLimiter: RateLimiter;
  rateLimits: Record<RateLimitClass, RateLimitRule>;
  clientAddress: ClientAddressResolver;
  corsOrigins: string[];
  jwksUrl: string;
  upstreamTimeoutMs: number;
}

/** The gateway app and its WebSocket proxy, which the app's close hook shuts down. */
export interface GatewayApp {
  app: FastifyInstance;
  webSockets: WebSocketProxy;
}

/** Builds the gateway's fastify app and WebSocket proxy, without listening. */
export function buildApp(deps: GatewayDependencies): GatewayApp {
  const app = createHttpApp({
    logger: deps.logger,
    // The gateway is the edge; client addresses come from `clientAddress`, which trusts
    // only the configured proxies.
    trustProxy: false,
    readiness: [
      { name: 'auth-jwks', check: () => checkJwks(deps.jwksUrl) },
      { name: 'message', check: async () => checkAnyReady(deps.groups.message) },
    ],
  });

  app.register(replyFrom, {
    disableCache: true,
    disableRequestLogging: true,
    destroyAgent: true,
    undici: {
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: deps.upstreamTimeoutMs,
      connect: { timeout: 3_000, rejectUnauthorized: true },
    },
  });

  registerCors(app, deps.corsOrigins);
  registerApiRoutes(app, deps);
  registerSocketIoRoutes(app);

  const webSockets = new WebSocketProxy({
    group: deps.groups.message,
    clientAddress: deps.clientAddress,
    rateLimiter: deps.rateLimiter,
    rateLimit: deps.rateLimits.public,
    logger: deps.logger.child({ component: 'websocket-proxy' }),
    handshakeTimeoutMs: 10_000,
  });
  webSockets.attach(app.server);
  app.addHook('preClose', async () => webSockets.closeAll());

  return { app, webSockets };
}

async function checkJwks(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_500) });
  const body = (await response.json().catch(() => undefined)) as { keys?: unknown[] } | undefined;
  if (!response.ok || !Array.isArray(body?.keys) || body.keys.length === 0) {
    throw new Error(`${url} returned ${response.status} without keys`);
  }
}

function checkAnyReady(group: UpstreamGroup): void {
  if (group.hasHealthy()) return;
  const states = group.instances.map(
    (i) => `${i.url} ${i.state}${i.reason ? ` (${i.reason})` : ''}`,
  );
  throw new Error(`no ${group.name} instance is ready: ${states.join(', ')}`);
}
