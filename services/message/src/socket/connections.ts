import type { Database } from '@chat/db';
import type { AppError } from '@chat/kit';
import type { Server } from 'socket.io';
import { messageErrors } from '../errors.ts';
import { messageMetrics } from '../metrics.ts';
import { type EventDeps, registerEvents } from './events.ts';
import { conversationRoom, userRoom } from './socket-server.ts';

export interface ConnectionDeps extends EventDeps {
  db: Database;
  instanceId: string;
}

/**
 * Joins each authenticated socket to its user's room and its conversations' rooms, then
 * registers its events and tells the client which instance it reached.
 */
export function acceptConnections(io: Server, deps: ConnectionDeps): void {
  io.use(async (socket, next) => {
    if (deps.inFlight.isClosing) {
      next(
        socketRefusal(
          messageErrors.UNAVAILABLE('This instance is shutting down; reconnect.', {
            retryAfterMs: 100,
          }),
        ),
      );
      return;
    }
    try {
      const memberships = await deps.db.conversationMember.findMany({
        where: { userId: socket.data.userId },
        select: { conversationId: true },
      });
      socket.join([
        userRoom(socket.data.userId),
        ...memberships.map((m) => conversationRoom(m.conversationId)),
      ]);
      next();
    } catch (error) {
      deps.logger.warn(
        { err: error, userId: socket.data.userId },
        'could not load conversations for a connection',
      );
      next(
        socketRefusal(
          messageErrors.UNAVAILABLE(
            'Conversations cannot be loaded right now; reconnect shortly.',
            { retryAfterMs: 1_000 },
          ),
        ),
      );
    }
  });

  io.on('connection', (socket) => {
    const userId = socket.data.userId as string;
    registerEvents(socket, deps);
    messageMetrics.connections.add(1);
    void deps.presence.connected(userId, socket.id).catch((error: unknown) => {
      deps.logger.warn({ err: error, userId }, 'could not record presence');
    });
    socket.on('disconnect', () => {
      messageMetrics.connections.add(-1);
      deps.typing.endAllOf(userId);
      void deps.presence.disconnected(userId, socket.id).catch((error: unknown) => {
        deps.logger.warn({ err: error, userId }, 'could not record a disconnect');
      });
    });
    socket.emit('session', { userId: socket.data.userId, instanceId: deps.instanceId });
    deps.logger.debug({ userId: socket.data.userId, socketId: socket.id }, 'socket connected');
  });
}

/** A handshake refusal carrying the protocol error in `data`, as `connect_error` shows it. */
export function socketRefusal(error: AppError): Error & { data: unknown } {
  const refusal = new Error(error.message) as Error & { data: unknown };
  refusal.data = error.toBody();
  return refusal;
}
