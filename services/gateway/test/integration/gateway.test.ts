import { parseConfig } from '@chat/kit';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../../../test/support/http.ts';
import {
  baseUrl,
  createTestDatabase,
  createTestKeyPrefix,
  deleteKeys,
  generateSigningKey,
  redisUrl,
  type TestDatabase,
  testLogger,
} from '../../../../test/support/service-backing.ts';
import { configShape as authConfigShape } from '../../../auth/src/config.ts';
import { startServer as startAuth } from '../../../auth/src/server.ts';
import { configShape as userConfigShape } from '../../../user/src/config.ts';
import { startServer as startUser } from '../../../user/src/server.ts';
import { configShape, type GatewayConfig } from '../../src/config.ts';
import { type GatewayServer, startServer } from '../../src/server.ts';
import { closedPort, MessageStandIn, type SeenRequest } from '../support/message-stand-in.ts';

type Closable = { close: () => Promise<void> };

let database: TestDatabase;
let keyPrefix: string;
let auth: Closable & { app: { server: { address: () => unknown } } };
let users: Closable & { app: { server: { address: () => unknown } } };
let authBase: string;
let userBase: string;
let messageA: MessageStandIn;
let messageB: MessageStandIn;
let storagePort: number;
let gateway: GatewayServer;
let base: string;
const gateways: GatewayServer[] = [];
const sockets: Socket[] = [];

/** Starts a gateway in front of the test's services, with `overrides` on top. */
async function startGateway(overrides: Record<string, string> = {}): Promise<GatewayServer> {
  const config: GatewayConfig = parseConfig(configShape, {
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `${keyPrefix}gateway${gateways.length}:`,
    JWKS_URL: `${authBase}/.well-known/jwks.json`,
    AUTH_URL: authBase,
    USER_URL: userBase,
    MESSAGE_URLS: `${messageA.url},${messageB.url}`,
    STORAGE_URL: `http://127.0.0.1:${storagePort}`,
    CORS_ORIGINS: 'http://app.test',
    RATE_LIMIT_AUTH_MAX: '1000',
    RATE_LIMIT_PUBLIC_MAX: '1000',
    RATE_LIMIT_USER_MAX: '1000',
    ...overrides,
  });
  const started = await startServer({ ...config, PORT: 0 }, testLogger);
  gateways.push(started);
  return started;
}

/** Registers a user directly at the auth service, outside any gateway rate limit. */
async function register(username: string): Promise<{ id: string; token: string }> {
  const response = await request(authBase, 'POST', '/api/auth/register', {
    body: { username, password: 'a long enough password' },
  });
  expect(response.status, `register ${username}`).toBe(201);
  return { id: response.body.user.id, token: response.body.accessToken };
}

/** Opens a Socket.IO connection through `gatewayBase` and resolves with its greeting. */
async function connectSocket(
  gatewayBase: string,
  token = 'any-token',
): Promise<{ socket: Socket; hello: { instance: string; token: string; forwardedFor: string } }> {
  const socket = io(gatewayBase, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
  });
  sockets.push(socket);
  const hello = await new Promise<{ instance: string; token: string; forwardedFor: string }>(
    (resolve, reject) => {
      socket.once('hello', resolve);
      socket.once('connect_error', reject);
    },
  );
  return { socket, hello };
}

beforeAll(async () => {
  database = await createTestDatabase();
  keyPrefix = createTestKeyPrefix();

  const authConfig = parseConfig(authConfigShape, {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    JWT_PRIVATE_KEY: generateSigningKey().privateKeyPem,
    USERNAME_BLOOM_BITS: String(2 ** 16),
  });
  auth = await startAuth({ ...authConfig, PORT: 0 }, testLogger);
  authBase = baseUrl(auth.app);

  const userConfig = parseConfig(userConfigShape, {
    DATABASE_URL: database.url,
    JWKS_URL: `${authBase}/.well-known/jwks.json`,
  });
  users = await startUser({ ...userConfig, PORT: 0 }, testLogger);
  userBase = baseUrl(users.app);

  messageA = new MessageStandIn('message-a');
  messageB = new MessageStandIn('message-b');
  await messageA.start();
  await messageB.start();
  storagePort = await closedPort();

  gateway = await startGateway();
  base = baseUrl(gateway.app);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  for (const started of gateways) await started.close();
  await messageA?.stop().catch(() => {});
  await messageB?.stop().catch(() => {});
  await users?.close();
  await auth?.close();
  await database?.drop();
  if (keyPrefix) await deleteKeys(keyPrefix);
});

describe('public routes', () => {
  it('forwards the key set from auth', async () => {
    const response = await request(base, 'GET', '/.well-known/jwks.json');

    expect(response.status).toBe(200);
    expect(response.body.keys[0].alg).toBe('EdDSA');
  });

  it('forwards registration and login', async () => {
    const registered = await request(base, 'POST', '/api/auth/register', {
      body: { username: 'via.gateway', password: 'a long enough password' },
    });
    const login = await request(base, 'POST', '/api/auth/login', {
      body: { username: 'VIA.GATEWAY', password: 'a long enough password' },
    });

    expect(registered.status).toBe(201);
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(registered.body.user.id);
  });

  it('passes upstream errors through unchanged', async () => {
    const response = await request(base, 'POST', '/api/auth/login', {
      body: { username: 'via.gateway', password: 'wrong password' },
    });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('forwards the query string', async () => {
    const response = await request(base, 'GET', '/api/auth/username-available?username=free.name');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ available: true });
  });
});

describe('authenticated routes', () => {
  it('forward a valid token to the user service', async () => {
    const alice = await register('alice');

    const response = await request(base, 'GET', '/api/users/me', { token: alice.token });

    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(alice.id);
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'garbage'],
    ['a token of another signer', 'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vbmUifQ.e30.c2ln'],
  ])('reject %s at the edge', async (_case, token) => {
    const before = messageA.seen.length + messageB.seen.length;

    const response = await request(base, 'GET', '/api/conversations', { token });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
    expect(typeof response.body.error.message).toBe('string');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(messageA.seen.length + messageB.seen.length).toBe(before);
  });

  it('forward method, body, query and headers', async () => {
    const bob = await register('bob');
    const body = '{"type":"group","name":"Größe ✓","n":12345678901234567890}';

    const response = await fetch(`${base}/api/conversations/c1/messages?beforeSeq=7&limit=5`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
      body,
    });
    const seen = (await response.json()) as SeenRequest;

    expect(response.status).toBe(200);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/conversations/c1/messages?beforeSeq=7&limit=5');
    expect(seen.body).toBe(body);
    expect(seen.authorization).toBe(`Bearer ${bob.token}`);
    expect(seen.requestId).toBe(response.headers.get('x-request-id'));
    expect(seen.forwardedFor).toBe('127.0.0.1');
  });

  it('ignore a client-supplied forwarded address', async () => {
    const carol = await register('carol');

    const response = await request(base, 'GET', '/api/conversations', {
      token: carol.token,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });

    expect(response.body.forwardedFor).toBe('127.0.0.1');
  });
});

describe('routing', () => {
  it('alternates REST requests between message instances', async () => {
    const dave = await register('dave');

    const instances: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await request(base, 'GET', '/api/conversations', { token: dave.token });
      expect(response.status).toBe(200);
      instances.push(response.body.instance);
    }

    expect(new Set(instances)).toEqual(new Set(['message-a', 'message-b']));
    expect(instances[0]).not.toBe(instances[1]);
    expect(instances[2]).toBe(instances[0]);
  });

  it('alternates WebSocket connections between instances', async () => {
    const first = await connectSocket(base, 'token-1');
    const second = await connectSocket(base, 'token-2');

    expect(first.hello.instance).not.toBe(second.hello.instance);
    expect(first.hello.token).toBe('token-1');
    expect(second.hello.forwardedFor).toBe('127.0.0.1');
  });

  it('rejects Socket.IO long-polling', async () => {
    const response = await request(base, 'GET', '/socket.io/?EIO=4&transport=polling');

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('TRANSPORT_UNSUPPORTED');
    expect(response.body.error.message).toContain('WebSocket');
  });

  it('fails a polling client with a connect error', async () => {
    const socket = io(base, { transports: ['polling'], reconnection: false });
    sockets.push(socket);

    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));

    expect(error).toBeInstanceOf(Error);
  });

  it('returns NOT_FOUND for an unknown API path', async () => {
    const response = await request(base, 'GET', '/api/nothing-here');

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('matches prefixes on whole segments', async () => {
    const erin = await register('erin');

    const response = await request(base, 'GET', '/api/usersX', { token: erin.token });

    expect(response.status).toBe(404);
  });

  it('routes on the path with dot segments resolved', async () => {
    const response = await request(base, 'GET', '/api/auth/%2e%2e/conversations');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it('reports an unreachable upstream in the error shape', async () => {
    const frank = await register('frank');

    const response = await request(base, 'GET', '/api/storage/attachments/x', {
      token: frank.token,
    });

    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(response.body.error.message).toContain('storage');
    expect(response.headers.get('retry-after')).toBe('1');
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(`${base}/api/users/me`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('rejects a preflight from another origin', async () => {
    const response = await fetch(`${base}/api/users/me`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'GET' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes the request id to an allowed origin', async () => {
    const response = await fetch(`${base}/.well-known/jwks.json`, {
      headers: { origin: 'http://app.test' },
    });

    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('adds the headers to error responses too', async () => {
    const response = await fetch(`${base}/api/users/me`, {
      headers: { origin: 'http://app.test' },
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
  });
});

describe('rate limits', () => {
  it('limit credential routes per client address', async () => {
    const limited = await startGateway({ RATE_LIMIT_AUTH_MAX: '3' });
    const limitedBase = baseUrl(limited.app);
    const login = () =>
      request(limitedBase, 'POST', '/api/auth/login', {
        body: { username: 'nobody', password: 'whatever password' },
      });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await login()).status);
    const rejected = await login();

    expect(statuses).toEqual([401, 401, 401]);
    expect(rejected.status).toBe(429);
    expect(rejected.body.error.code).toBe('RATE_LIMITED');
    expect(rejected.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(rejected.headers.get('retry-after'))).toBe(
      Math.ceil(rejected.body.error.retryAfterMs / 1000),
    );
  });

  it('limit authenticated routes per user', async () => {
    const limited = await startGateway({ RATE_LIMIT_USER_MAX: '2' });
    const limitedBase = baseUrl(limited.app);
    const grace = await register('grace');
    const heidi = await register('heidi');
    const me = (token: string) => request(limitedBase, 'GET', '/api/users/me', { token });

    const first = await me(grace.token);
    const second = await me(grace.token);
    const third = await me(grace.token);
    const otherUser = await me(heidi.token);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
    expect(otherUser.status).toBe(200);
  });

  it('let requests through while Redis is down', async () => {
    const port = await closedPort();
    const failOpen = await startGateway({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LIMIT_USER_MAX: '1',
    });
    const failOpenBase = baseUrl(failOpen.app);
    const ivan = await register('ivan');

    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await request(failOpenBase, 'GET', '/api/users/me', { token: ivan.token })).status,
      );
    }

    expect(statuses).toEqual([200, 200, 200]);
  });
});

describe('health', () => {
  it('is ready when auth and a message instance are', async () => {
    await gateway.poller.pollOnce();

    const response = await request(base, 'GET', '/health/ready');

    expect(response.status).toBe(200);
    expect(response.body.checks['auth-jwks'].ok).toBe(true);
    expect(response.body.checks.message.ok).toBe(true);
  });

  it('skips an instance that reports not ready', async () => {
    const judy = await register('judy');
    messageB.ready = false;
    try {
      await gateway.poller.pollOnce();
      const instances = [];
      for (let i = 0; i < 4; i++) {
        instances.push(
          (await request(base, 'GET', '/api/conversations', { token: judy.token })).body.instance,
        );
      }

      expect(instances).toEqual(['message-a', 'message-a', 'message-a', 'message-a']);
    } finally {
      messageB.ready = true;
      await gateway.poller.pollOnce();
    }
  });
});

// These tests stop instance B and then A, so they run last.
describe('an instance going down', () => {
  // Gateways that probe only at start still believe B is healthy after it stops, so their
  // first attempts hit the dead instance and must be retried on the live one.
  let forSockets: GatewayServer;
  let forRest: GatewayServer;

  beforeAll(async () => {
    forSockets = await startGateway({ UPSTREAM_HEALTH_INTERVAL_MS: '600000' });
    forRest = await startGateway({ UPSTREAM_HEALTH_INTERVAL_MS: '600000' });
    await forSockets.poller.pollOnce();
    await forRest.poller.pollOnce();
  });

  it('drops the sockets of a stopped instance', async () => {
    let onB = await connectSocket(base);
    if (onB.hello.instance !== 'message-b') onB = await connectSocket(base);
    expect(onB.hello.instance).toBe('message-b');
    const disconnected = new Promise((resolve) => onB.socket.once('disconnect', resolve));

    await messageB.stop();

    await expect(disconnected).resolves.toBe('transport close');
  });

  it('retries a WebSocket upgrade on the live instance', async () => {
    const first = await connectSocket(baseUrl(forSockets.app));
    const second = await connectSocket(baseUrl(forSockets.app));

    expect(first.hello.instance).toBe('message-a');
    expect(second.hello.instance).toBe('message-a');
  });

  it('retries refused POST requests on the live instance', async () => {
    const kim = await register('kim');
    const post = () =>
      request(baseUrl(forRest.app), 'POST', '/api/conversations', {
        token: kim.token,
        body: { type: 'direct', userId: 'x' },
      });

    const first = await post();
    const second = await post();

    expect(first.status).toBe(200);
    expect(first.body.instance).toBe('message-a');
    expect(second.status).toBe(200);
    expect(second.body.instance).toBe('message-a');
    expect(second.body.body).toBe('{"type":"direct","userId":"x"}');
  });

  it('sends later requests to the live instance only', async () => {
    const lena = await register('lena');

    const instances = [];
    for (let i = 0; i < 4; i++) {
      const response = await request(base, 'GET', '/api/conversations', { token: lena.token });
      expect(response.status).toBe(200);
      instances.push(response.body.instance);
    }

    expect(instances).toEqual(['message-a', 'message-a', 'message-a', 'message-a']);
  });

  it('stays ready while one instance lives', async () => {
    await gateway.poller.pollOnce();

    const response = await request(base, 'GET', '/health/ready');

    expect(response.status).toBe(200);
  });

  it('turns not ready when no instance lives', async () => {
    const leo = await register('leo');
    await messageA.stop();
    await gateway.poller.pollOnce();

    const ready = await request(base, 'GET', '/health/ready');
    const conversations = await request(base, 'GET', '/api/conversations', { token: leo.token });
    const socket = io(base, { transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const socketError = await new Promise<Error>((resolve) =>
      socket.once('connect_error', resolve),
    );

    expect(ready.status).toBe(503);
    expect(ready.body.checks.message.ok).toBe(false);
    expect(conversations.status).toBe(502);
    expect(conversations.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(socketError).toBeInstanceOf(Error);
  });
});
