import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gatewayErrors } from '../errors.ts';

/**
 * Registers `/socket.io/` for plain HTTP requests, which are all rejected.
 *
 * Long-polling needs every request of a session on one message instance, and the gateway
 * spreads requests round-robin, so only the WebSocket transport is offered. WebSocket
 * upgrades never reach these routes because the server's `upgrade` listener takes them.
 */
export function registerSocketIoRoutes(app: FastifyInstance): void {
  const reject = async (request: FastifyRequest) => {
    const transport = (request.query as Record<string, unknown>).transport;
    const message =
      transport === 'websocket'
        ? 'A Socket.IO WebSocket connection must be an HTTP upgrade request.'
        : 'Long-polling is not supported; connect with the WebSocket transport only (transports: ["websocket"]).';
    throw gatewayErrors.TRANSPORT_UNSUPPORTED(message);
  };
  app.all('/socket.io', reject);
  app.all('/socket.io/*', reject);
}
