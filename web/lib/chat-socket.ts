import { io, type Socket } from 'socket.io-client';
import { CLIENT_ERROR_CODES } from './api-error';
import type { Ack } from './protocol';

/** How long an acknowledgement may take before the call counts as failed, by default. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/**
 * Creates the Socket.IO client for the gateway, not yet connected. `getToken`
 * runs before every connection attempt, so a reconnect presents the newest
 * access token instead of the one the socket was created with.
 */
export function createChatSocket(
  gatewayUrl: string,
  getToken: () => Promise<string | null>,
): Socket {
  return io(gatewayUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    auth: (callback) => {
      getToken().then(
        (token) => callback({ token: token ?? '' }),
        () => callback({ token: '' }),
      );
    },
  });
}

/**
 * Emits an event and resolves to its acknowledgement. Never rejects: a socket
 * that is not connected, an acknowledgement that does not come within
 * `timeoutMs`, and one that is not in the `{ok, ...}` shape all resolve to
 * `{ok: false, error}` with a client-side code, so callers handle one shape.
 */
export function emitWithAck<T extends object>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs: number = DEFAULT_ACK_TIMEOUT_MS,
): Promise<Ack<T>> {
  if (!socket.connected) {
    return Promise.resolve(
      failure(CLIENT_ERROR_CODES.disconnected, 'Not connected to the server right now.'),
    );
  }

  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (error: Error | null, ack: unknown) => {
      if (error)
        resolve(failure(CLIENT_ERROR_CODES.ackTimeout, 'The server did not answer in time.'));
      else resolve(parseAck<T>(ack));
    });
  });
}

/** Checks that an acknowledgement has the `{ok: true, ...}` or `{ok: false, error}` shape. */
export function parseAck<T extends object>(ack: unknown): Ack<T> {
  if (typeof ack !== 'object' || ack === null) return badAck();
  const candidate = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } };

  if (candidate.ok === true) return ack as Ack<T>;
  if (
    candidate.ok === false &&
    typeof candidate.error?.code === 'string' &&
    typeof candidate.error.message === 'string'
  ) {
    return ack as Ack<T>;
  }
  return badAck();
}

function badAck(): { ok: false; error: { code: string; message: string } } {
  return failure(
    CLIENT_ERROR_CODES.badAck,
    'The server sent an acknowledgement in an unknown shape.',
  );
}

function failure(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}
