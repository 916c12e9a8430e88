import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Server as SocketServer } from 'socket.io';

/** What a stand-in saw of one forwarded request. */
export interface SeenRequest {
  instance: string;
  method: string;
  url: string;
  authorization?: string;
  requestId?: string;
  forwardedFor?: string;
  body: string;
}

/**
 * A small real HTTP and Socket.IO server in place of one message instance: the real message
 * service needs Kafka, and these tests are about what the gateway does. It echoes every
 * `/api` request, greets each socket with its name, and reports ready while `ready` is true.
 */
export class MessageStandIn {
  readonly seen: SeenRequest[] = [];
  ready = true;
  private readonly server: Server;
  private readonly io: SocketServer;
  private readonly connections = new Set<Socket>();
  private port = 0;

  constructor(readonly name: string) {
    this.server = createServer((request, response) => void this.answer(request, response));
    this.server.on('connection', (connection: Socket) => {
      this.connections.add(connection);
      connection.once('close', () => this.connections.delete(connection));
    });
    this.io = new SocketServer(this.server, { transports: ['websocket'] });
    this.io.on('connection', (socket) => {
      socket.emit('hello', {
        instance: this.name,
        token: (socket.handshake.auth as { token?: string }).token,
        forwardedFor: socket.handshake.headers['x-forwarded-for'],
      });
    });
  }

  /** Origin of the stand-in, such as `http://127.0.0.1:40123`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `port`, or on a free port the first time. */
  async start(port = this.port): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and destroys every connection without a goodbye, as a crash would. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    await closed;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.url === '/health/ready') {
      response.writeHead(this.ready ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: this.ready ? 'ready' : 'not-ready' }));
      return;
    }

    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const seen: SeenRequest = {
      instance: this.name,
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      requestId: header(request, 'x-request-id'),
      forwardedFor: header(request, 'x-forwarded-for'),
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.seen.push(seen);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(seen));
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Returns a port that nothing listens on, found by opening and closing a server. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
