import type { Server as HttpServer } from 'node:http';
import { type Logger, type TokenVerifier, toErrorBody } from '@chat/kit';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { ConversationNotifier } from '../conversations/conversation-service.ts';
import type { ChatMessage, ConversationView, Receipt } from '../domain/types.ts';
import type { PresenceStatus } from '../presence/presence-tracker.ts';
import type { RecentMembers } from '../store/send-records.ts';
import type { TypingEvent } from '../typing/typing-service.ts';

export interface SocketServerOptions {
  httpServer: HttpServer;
  /** Two connections of their own: the adapter publishes on one and subscribes on the other. */
  pubClient: Redis;
  subClient: Redis;
  keyPrefix: string;
  verifyToken: TokenVerifier;
  logger: Logger;
}

// Frames up to 1 MiB must reach the handlers so that an oversized body gets a coded ack;
// the margin covers the event name and the JSON around the body.
const maxFrameBytes = 1024 * 1024 + 64 * 1024;

export const userRoom = (userId: string) => `user:${userId}`;
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
export const presenceRoom = (userId: string) => `presence:${userId}`;

/**
 * Creates the Socket.IO server: WebSocket transport only, the Redis adapter so that rooms
 * span every instance, and the handshake token check.
 */
export function createSocketServer(options: SocketServerOptions): Server {
  const io = new Server(options.httpServer, {
    path: '/socket.io',
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: maxFrameBytes,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    adapter: createAdapter(options.pubClient, options.subClient, {
      key: `${options.keyPrefix}socket.io`,
    }),
  });

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    try {
      const principal = await options.verifyToken(typeof token === 'string' ? token : undefined);
      socket.data.userId = principal.userId;
      socket.data.username = principal.username;
      next();
    } catch (error) {
      const body = toErrorBody(error);
      const refusal = new Error(body.message) as Error & { data: unknown };
      refusal.data = body;
      next(refusal);
    }
  });
  return io;
}

/** Delivers messages and conversation events to members' sockets on every instance. */
export class SocketNotifier implements ConversationNotifier {
  private server: Server | undefined;

  constructor(private readonly receiptBroadcastMaxMembers: number) {}

  /** Connects the notifier to the server, which can only exist once the HTTP app does. */
  attach(io: Server): void {
    this.server = io;
  }

  private get io(): Server {
    if (this.server === undefined) throw new Error('socket notifier used before attach()');
    return this.server;
  }

  /**
   * Pushes a message to its conversation with one publish, however many members it has.
   * Members added or removed in the last seconds are reached or excluded through their user
   * rooms, because their sockets may not have joined or left the conversation's room yet.
   */
  messageCreated(message: ChatMessage, recent: RecentMembers = { added: [], removed: [] }): void {
    const rooms = [conversationRoom(message.conversationId), ...recent.added.map(userRoom)];
    this.io.to(rooms).except(recent.removed.map(userRoom)).emit('message:new', { message });
  }

  conversationCreated(conversation: ConversationView): void {
    const rooms = conversation.members.map((member) => userRoom(member.userId));
    this.io.in(rooms).socketsJoin(conversationRoom(conversation.id));
    this.io.to(rooms).emit('conversation:new', { conversation });
  }

  membersAdded(conversation: ConversationView, addedIds: string[]): void {
    const added = new Set(addedIds);
    const addedRooms = addedIds.map(userRoom);
    this.io.in(addedRooms).socketsJoin(conversationRoom(conversation.id));
    this.io.to(addedRooms).emit('conversation:new', { conversation });
    const others = conversation.members.filter((member) => !added.has(member.userId));
    this.io
      .to(others.map((member) => userRoom(member.userId)))
      .emit('conversation:updated', { conversation });
  }

  memberRemoved(conversation: ConversationView, removedId: string): void {
    this.io.in(userRoom(removedId)).socketsLeave(conversationRoom(conversation.id));
    const rooms = [removedId, ...conversation.members.map((member) => member.userId)].map(userRoom);
    this.io.to(rooms).emit('conversation:updated', { conversation });
  }

  conversationUpdated(conversation: ConversationView): void {
    this.io.to(conversationRoom(conversation.id)).emit('conversation:updated', { conversation });
  }

  /**
   * Receipts go to the whole conversation up to a size; in larger groups only to the
   * member's own devices, and senders ask for counts instead.
   */
  receipt(receipt: Receipt, memberCount: number): void {
    const room =
      memberCount <= this.receiptBroadcastMaxMembers
        ? conversationRoom(receipt.conversationId)
        : userRoom(receipt.userId);
    this.io.to(room).emit('receipt', receipt);
  }

  typing(event: TypingEvent): void {
    this.io
      .to(conversationRoom(event.conversationId))
      .except(userRoom(event.userId))
      .emit('typing', event);
  }

  presence(status: PresenceStatus): void {
    this.io.to(presenceRoom(status.userId)).emit('presence', status);
  }
}
