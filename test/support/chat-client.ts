import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

export interface RegisteredUser {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

export interface Ack<T = Record<string, unknown>> {
  ok: boolean;
  error?: { code: string; message: string; retryAfterMs?: number };
  [key: string]: unknown;
  message?: T;
}

/** A chat message as the platform returns it. */
export interface ChatMessage {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  attachments: unknown[];
  createdAt: string;
}

/** How long a socket may take to be accepted or refused before `connect` gives up. */
const connectTimeoutMs = 10_000;

/**
 * A chat user talking to the platform through the gateway, as a client app would.
 *
 * One instance is one device: it records the events of its own sockets only. Call
 * {@link device} for another device of the same user.
 */
export class ChatClient {
  readonly events: { name: string; payload: unknown; at: number }[] = [];
  private sockets: Socket[] = [];

  constructor(
    readonly gatewayUrl: string,
    readonly user: RegisteredUser,
  ) {}

  /** Registers a fresh user with a unique name. */
  static async register(gatewayUrl: string, prefix = 'user'): Promise<ChatClient> {
    const username = `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`.slice(0, 32);
    const response = await fetch(`${gatewayUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'correct horse battery staple' }),
    });
    const body = (await response.json()) as {
      user: { id: string };
      accessToken: string;
      refreshToken: string;
    };
    if (response.status !== 201)
      throw new Error(`register failed: ${response.status} ${JSON.stringify(body)}`);
    return new ChatClient(gatewayUrl, {
      id: body.user.id,
      username,
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
    });
  }

  /** Another device of the same user, with its own sockets and its own event list. */
  device(): ChatClient {
    return new ChatClient(this.gatewayUrl, this.user);
  }

  /** Calls the REST API; returns the status and the parsed body. */
  async api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    baseUrl = this.gatewayUrl,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.user.accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  async openDirect(other: ChatClient): Promise<string> {
    const { status, body } = await this.api<{ conversation: { id: string } }>(
      'POST',
      '/api/conversations',
      {
        type: 'direct',
        userId: other.user.id,
      },
    );
    if (status !== 201 && status !== 200)
      throw new Error(`open direct failed: ${status} ${JSON.stringify(body)}`);
    return body.conversation.id;
  }

  /** Creates a group owned by this user; returns its id. */
  async createGroup(name: string, members: (ChatClient | string)[]): Promise<string> {
    const memberIds = members.map((member) =>
      typeof member === 'string' ? member : member.user.id,
    );
    const { status, body } = await this.api<{ conversation: { id: string } }>(
      'POST',
      '/api/conversations',
      { type: 'group', name, memberIds },
    );
    if (status !== 201) throw new Error(`create group failed: ${status} ${JSON.stringify(body)}`);
    return body.conversation.id;
  }

  /** Opens a socket through the gateway and resolves with the instance it reached. */
  async connect(): Promise<{ socket: Socket; instanceId: string }> {
    const socket = io(this.gatewayUrl, {
      transports: ['websocket'],
      auth: { token: this.user.accessToken },
      reconnection: false,
    });
    this.sockets.push(socket);
    socket.onAny((name, payload) => this.events.push({ name, payload, at: Date.now() }));
    let timer: NodeJS.Timeout | undefined;
    try {
      const instanceId = await new Promise<string>((resolve, reject) => {
        socket.once('session', (session: { instanceId: string }) => resolve(session.instanceId));
        socket.once('connect_error', (error) => reject(error));
        timer = setTimeout(
          () => reject(new Error(`socket not accepted within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
      });
      return { socket, instanceId };
    } catch (error) {
      socket.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Connects until the socket lands on the given instance (the gateway alternates). Refused
   * or failed attempts are retried too, because the gateway keeps routing to an instance
   * for a moment after it died and skips one whose health probe was slow.
   */
  async connectTo(instanceId: string, timeoutMs = 30_000): Promise<Socket> {
    const deadline = Date.now() + timeoutMs;
    let lastOutcome = 'no attempt';
    while (Date.now() < deadline) {
      try {
        const connection = await this.connect();
        if (connection.instanceId === instanceId) return connection.socket;
        connection.socket.close();
        lastOutcome = `reached ${connection.instanceId}`;
      } catch (error) {
        lastOutcome = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `could not reach instance ${instanceId} within ${timeoutMs} ms (last attempt: ${lastOutcome})`,
    );
  }

  /** Waits for an event matching the predicate, including ones already received. */
  async waitFor<T>(
    name: string,
    predicate: (payload: T) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.find(
        (event) => event.name === name && predicate(event.payload as T),
      );
      if (found) return found.payload as T;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no "${name}" event matching within ${timeoutMs} ms for ${this.user.username}`);
  }

  received<T>(name: string): T[] {
    return this.events.filter((event) => event.name === name).map((event) => event.payload as T);
  }

  /** Returns the `message:new` messages of one conversation, one per id, in seq order. */
  delivered(conversationId: string): ChatMessage[] {
    const byId = new Map<string, ChatMessage>();
    for (const { message } of this.received<{ message: ChatMessage }>('message:new')) {
      if (message.conversationId === conversationId) byId.set(message.id, message);
    }
    return [...byId.values()].sort((a, b) => a.seq - b.seq);
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
    this.sockets = [];
  }
}

/** Emits once with an acknowledgement and a bounded wait, whatever the response. */
export async function emitOnce<T = Ack>(
  socket: Socket,
  event: string,
  ...args: unknown[]
): Promise<T> {
  return (await socket.timeout(20_000).emitWithAck(event, ...args)) as T;
}

/**
 * Emits with an acknowledgement and a bounded wait. A `RATE_LIMITED` response is retried
 * after its `retryAfterMs`, as a well-behaved client does, so that tests about other
 * behaviour do not depend on the platform's rate limits; use {@link emitOnce} to see them.
 */
export async function emitWithAck<T = Ack>(
  socket: Socket,
  event: string,
  ...args: unknown[]
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const ack = await emitOnce<T>(socket, event, ...args);
    const retryAfterMs = rateLimitDelay(ack);
    if (retryAfterMs === undefined || attempt >= 100) return ack;
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
  }
}

/** Returns the `retryAfterMs` of a `RATE_LIMITED` ack, or undefined for any other ack. */
export function rateLimitDelay(ack: unknown): number | undefined {
  const error = (ack as Ack | undefined)?.error;
  if (error?.code !== 'RATE_LIMITED') return undefined;
  return Math.min(Math.max(error.retryAfterMs ?? 100, 10), 15_000);
}

type SyncAck = Ack & { messages: ChatMessage[]; hasMore: boolean };

/**
 * Calls `sync` for one conversation from `fromSeq` until `hasMore` is false, as a client
 * catching up would, and returns every page's messages in order.
 */
export async function syncAll(
  socket: Socket,
  conversationId: string,
  fromSeq = 0,
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  let cursor = fromSeq;
  for (let call = 0; call < 100; call++) {
    const page = await emitWithAck<SyncAck>(socket, 'sync', {
      cursors: { [conversationId]: cursor },
    });
    if (!page.ok) throw new Error(`sync failed with ${page.error?.code}: ${page.error?.message}`);
    messages.push(...page.messages);
    if (!page.hasMore) return messages;
    cursor = page.messages.at(-1)?.seq ?? cursor;
  }
  throw new Error(`sync of ${conversationId} still had more after 100 calls`);
}

/** The clients of one test file: registers them and closes every socket at the end. */
export class ChatClients {
  private readonly all: ChatClient[] = [];

  constructor(readonly gatewayUrl: string) {}

  /** Registers one user per prefix, in parallel; returns them in the same order. */
  async register<const Prefixes extends readonly string[]>(
    ...prefixes: Prefixes
  ): Promise<{ -readonly [K in keyof Prefixes]: ChatClient }> {
    const clients = await Promise.all(
      prefixes.map((prefix) => ChatClient.register(this.gatewayUrl, prefix)),
    );
    this.all.push(...clients);
    return clients as { -readonly [K in keyof Prefixes]: ChatClient };
  }

  /** Another device of a registered user. */
  device(client: ChatClient): ChatClient {
    const device = client.device();
    this.all.push(device);
    return device;
  }

  closeAll(): void {
    for (const client of this.all) client.close();
  }
}
