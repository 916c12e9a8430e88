'use client';

import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { createChatSocket } from '../../lib/chat-socket';
import { logWarning } from '../../lib/client-log';
import type { ErrorBody, SessionEvent } from '../../lib/protocol';
import type { SessionManager } from '../../lib/session-manager';
import { useAppContext } from '../app-services';
import { useLatest } from './use-latest';

/** State of the socket connection, as shown in the connection indicator. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** Server events the chat screen listens to, besides `session`. */
export const SERVER_EVENTS = [
  'message:new',
  'conversation:new',
  'conversation:updated',
  'receipt',
  'typing',
  'presence',
] as const;

/** A name from {@link SERVER_EVENTS}. */
export type ServerEventName = (typeof SERVER_EVENTS)[number];

/** Callbacks of {@link useChatSocket}; the latest ones are called. */
export interface ChatSocketHandlers {
  onConnect: (socket: Socket) => void;
  onEvent: (name: ServerEventName, payload: unknown) => void;
}

const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * Connects one Socket.IO client for the signed-in user and keeps it connected.
 * The client reconnects by itself after network failures. A handshake that the
 * server rejects with `UNAUTHORIZED` is retried with a refreshed token. Delays
 * grow with each rejection so that a server that keeps rejecting is not flooded.
 */
export function useChatSocket(handlers: ChatSocketHandlers) {
  const { services } = useAppContext();
  const handlersRef = useLatest(handlers);
  const [socket, setSocket] = useState<Socket | null>(null);
  const [state, setState] = useState<ConnectionState>('connecting');
  const [instanceId, setInstanceId] = useState<string | null>(null);

  useEffect(() => {
    const { session, gatewayUrl } = services();
    const client = createChatSocket(gatewayUrl, async () => {
      try {
        return await session.accessToken();
      } catch {
        return session.current()?.accessToken ?? null;
      }
    });
    let everConnected = false;
    let rejectedHandshakes = 0;
    let retryTimer: number | undefined;

    const reconnectLater = (withRefresh: boolean, retryAfterMs = 0) => {
      const backoff = Math.min(MAX_RECONNECT_DELAY_MS, rejectedHandshakes * 1_000);
      const delay = Math.max(backoff, retryAfterMs);
      rejectedHandshakes += 1;
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(async () => {
        if (withRefresh && !(await refreshForHandshake(session))) return;
        client.connect();
      }, delay);
    };

    client.on('connect', () => {
      everConnected = true;
      rejectedHandshakes = 0;
      setState('connected');
      handlersRef.current.onConnect(client);
    });
    client.on('disconnect', (reason) => {
      setInstanceId(null);
      if (reason === 'io client disconnect') {
        setState('offline');
        return;
      }
      setState('reconnecting');
      // The server closed the socket, maybe because the token expired; it will not reconnect alone.
      if (reason === 'io server disconnect') reconnectLater(true);
    });
    client.on('connect_error', (error: Error & { data?: Partial<ErrorBody> }) => {
      setState(everConnected ? 'reconnecting' : 'connecting');
      if (error.data?.code === 'UNAUTHORIZED') reconnectLater(true);
      else if (!client.active) reconnectLater(false, error.data?.retryAfterMs);
      else logWarning({ error: error.message }, 'socket connection failed, retrying');
    });
    client.on('session', (payload: Partial<SessionEvent> | undefined) => {
      if (typeof payload?.instanceId === 'string') setInstanceId(payload.instanceId);
    });
    for (const name of SERVER_EVENTS) {
      client.on(name, (payload: unknown) => handlersRef.current.onEvent(name, payload));
    }

    setSocket(client);
    client.connect();

    return () => {
      window.clearTimeout(retryTimer);
      client.removeAllListeners();
      client.disconnect();
      setSocket(null);
    };
  }, [services, handlersRef]);

  return { socket, state, instanceId };
}

/** Renews the tokens after a rejected handshake; returns false when signed out. */
async function refreshForHandshake(session: SessionManager): Promise<boolean> {
  const token = session.current()?.accessToken;
  if (token === undefined) return false;

  try {
    return (await session.refresh(token)) !== null;
  } catch (error) {
    // The server was unreachable; connecting again lets the client's own retries take over.
    logWarning({ error: String(error) }, 'token refresh before reconnecting failed');
    return true;
  }
}
