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

/** A chat user talking to the platform through the gateway, as a client app would. */
export class ChatClient {
  readonly events: { name: string; payload: unknown }[] = [];
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
    const body = (await response.json()) as { user: { id: string }; accessToken: string; refreshToken: string };
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(body)}`);
    return new ChatClient(gatewayUrl, {
      id: body.user.id,
      username,
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
    });
  }

  /** Calls the REST API; returns the status and the parsed body. */
  async api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.gatewayUrl}${path}`, {
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
    const { status, body } = await this.api<{ conversation: { id: string } }>('POST', '/api/conversations', {
      type: 'direct',
      userId: other.user.id,
    });
    if (status !== 201 && status !== 200) throw new Error(`open direct failed: ${status} ${JSON.stringify(body)}`);
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
    socket.onAny((name, payload) => this.events.push({ name, payload }));
    const instanceId = await new Promise<string>((resolve, reject) => {
      socket.once('session', (session: { instanceId: string }) => resolve(session.instanceId));
      socket.once('connect_error', (error) => reject(error));
    });
    return { socket, instanceId };
  }

  /** Connects until the socket lands on the given instance (the gateway alternates). */
  async connectTo(instanceId: string, attempts = 6): Promise<Socket> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const connection = await this.connect();
      if (connection.instanceId === instanceId) return connection.socket;
      connection.socket.close();
    }
    throw new Error(`could not reach instance ${instanceId} in ${attempts} attempts`);
  }

  /** Waits for an event matching the predicate, including ones already received. */
  async waitFor<T>(name: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.find((event) => event.name === name && predicate(event.payload as T));
      if (found) return found.payload as T;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no "${name}" event matching within ${timeoutMs} ms for ${this.user.username}`);
  }

  received<T>(name: string): T[] {
    return this.events.filter((event) => event.name === name).map((event) => event.payload as T);
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
    this.sockets = [];
  }
}

/** Emits with an acknowledgement and a bounded wait. */
export async function emitWithAck<T = Ack>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return (await socket.timeout(20_000).emitWithAck(event, ...args)) as T;
}
