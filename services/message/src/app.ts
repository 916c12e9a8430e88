import { createHttpApp, type HttpAppOptions, type Logger, type ReadinessCheck } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { type ConversationRoutesDeps, conversationRoutes } from './routes/conversations.ts';

export interface AppDeps extends ConversationRoutesDeps {
  logger: Logger;
  readiness: ReadinessCheck[];
  serverFactory?: HttpAppOptions['serverFactory'];
}

/** Builds the HTTP side of the message service without listening. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = createHttpApp({
    logger: deps.logger,
    readiness: deps.readiness,
    serverFactory: deps.serverFactory,
  });
  app.register(conversationRoutes, deps);
  return app;
}
