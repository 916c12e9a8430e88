import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../lib/api-client';
import { ApiError } from '../../lib/api-error';
import {
  type KeyValueStorage,
  SESSION_STORAGE_KEY,
  SessionManager,
} from '../../lib/session-manager';
import { sessionFromTokens } from '../../lib/token-expiry';
import { user } from './fixtures';

/** The part of the gateway these tests need, on a loopback port, with scripted responses. */
interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

type Handler = (request: RecordedRequest) => { status: number; body?: unknown };

let server: Server;
let gatewayUrl: string;
let requests: RecordedRequest[];
let handler: Handler;

beforeAll(async () => {
  server = createServer((request, response) => void respond(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  handler = () => ({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } });
});

async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const recorded: RecordedRequest = {
    method: request.method ?? '',
    path: request.url ?? '',
    authorization: request.headers.authorization,
    body: text ? JSON.parse(text) : undefined,
  };
  requests.push(recorded);

  // Respond late so that concurrent callers overlap while the first request is open.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const { status, body } = handler(recorded);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

class MemoryStorage implements KeyValueStorage {
  readonly values = new Map<string, string>();
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
  removeItem(key: string): void {
    this.values.delete(key);
  }
}

function signedInStorage(accessToken: string, refreshToken: string, now = Date.now()) {
  const storage = new MemoryStorage();
  const session = sessionFromTokens(
    user('alice'),
    { accessToken, refreshToken, expiresIn: 900 },
    now,
  );
  storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  return storage;
}

const refreshRequests = () => requests.filter((request) => request.path === '/api/auth/refresh');

describe('SessionManager.refresh', () => {
  it('sends one request for concurrent callers', async () => {
    handler = () => ({
      status: 200,
      body: { accessToken: 'a2', refreshToken: 'r2', expiresIn: 900 },
    });
    const storage = signedInStorage('a1', 'r1');
    const manager = new SessionManager({ gatewayUrl, storage });

    const results = await Promise.all([
      manager.refresh('a1'),
      manager.refresh('a1'),
      manager.refresh('a1'),
    ]);

    expect(refreshRequests()).toHaveLength(1);
    expect(refreshRequests()[0]?.body).toEqual({ refreshToken: 'r1' });
    expect(results.map((session) => session?.accessToken)).toEqual(['a2', 'a2', 'a2']);
    expect(JSON.parse(storage.getItem(SESSION_STORAGE_KEY) ?? '{}').refreshToken).toBe('r2');
  });

  it('signs out when the refresh token is rejected', async () => {
    handler = () => ({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'revoked' } },
    });
    const storage = signedInStorage('a1', 'r1');
    const manager = new SessionManager({ gatewayUrl, storage });
    let changes = 0;
    manager.subscribe(() => {
      changes += 1;
    });

    expect(await manager.refresh('a1')).toBeNull();
    expect(manager.current()).toBeNull();
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(changes).toBe(1);
  });

  it('adopts tokens another tab stored meanwhile', async () => {
    const storage = signedInStorage('a1', 'r1');
    const manager = new SessionManager({ gatewayUrl, storage });
    const otherTab = sessionFromTokens(
      user('alice'),
      { accessToken: 'a9', refreshToken: 'r9', expiresIn: 900 },
      Date.now(),
    );
    storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(otherTab));

    const session = await manager.refresh('a1');

    expect(session?.accessToken).toBe('a9');
    expect(refreshRequests()).toHaveLength(0);
  });

  it('keeps the session when the server fails', async () => {
    handler = () => ({ status: 503, body: { error: { code: 'UNAVAILABLE', message: 'down' } } });
    const manager = new SessionManager({ gatewayUrl, storage: signedInStorage('a1', 'r1') });

    const failure = await manager.refresh('a1').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('UNAVAILABLE');
    expect(manager.current()?.accessToken).toBe('a1');
  });

  it('refreshes a token that is due before handing it out', async () => {
    handler = () => ({
      status: 200,
      body: { accessToken: 'a2', refreshToken: 'r2', expiresIn: 900 },
    });
    const issuedLongAgo = Date.now() - 890_000;
    const manager = new SessionManager({
      gatewayUrl,
      storage: signedInStorage('a1', 'r1', issuedLongAgo),
    });

    expect(await manager.accessToken()).toBe('a2');
    expect(refreshRequests()).toHaveLength(1);
  });
});

describe('SessionManager.logout', () => {
  it('revokes the refresh token and clears storage', async () => {
    handler = () => ({ status: 204 });
    const storage = signedInStorage('a1', 'r1');
    const manager = new SessionManager({ gatewayUrl, storage });

    await manager.logout();

    expect(requests.map((request) => [request.path, request.body])).toEqual([
      ['/api/auth/logout', { refreshToken: 'r1' }],
    ]);
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });
});

describe('ApiClient', () => {
  it('refreshes once on a 401 and repeats the request', async () => {
    handler = (request) => {
      if (request.path === '/api/auth/refresh') {
        return { status: 200, body: { accessToken: 'a2', refreshToken: 'r2', expiresIn: 900 } };
      }
      if (request.authorization === 'Bearer a2') return { status: 200, body: { users: [] } };
      return { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'expired' } } };
    };
    const session = new SessionManager({ gatewayUrl, storage: signedInStorage('a1', 'r1') });
    const api = new ApiClient(gatewayUrl, session);

    const body = await api.request('/api/users', { query: { query: 'bo b' } });

    expect(body).toEqual({ users: [] });
    expect(requests.map((request) => [request.path, request.authorization])).toEqual([
      ['/api/users?query=bo+b', 'Bearer a1'],
      ['/api/auth/refresh', undefined],
      ['/api/users?query=bo+b', 'Bearer a2'],
    ]);
  });

  it('surfaces the server error code and message', async () => {
    handler = () => ({
      status: 409,
      body: { error: { code: 'USERNAME_TAKEN', message: 'That username is taken.' } },
    });
    const api = new ApiClient(
      gatewayUrl,
      new SessionManager({ gatewayUrl, storage: new MemoryStorage() }),
    );

    const failure = await api
      .request('/api/auth/register', { method: 'POST', body: { username: 'x' }, auth: false })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(409);
    expect((failure as ApiError).code).toBe('USERNAME_TAKEN');
    expect((failure as ApiError).message).toBe('That username is taken.');
  });

  it('reports a signed-out user without calling the server', async () => {
    const api = new ApiClient(
      gatewayUrl,
      new SessionManager({ gatewayUrl, storage: new MemoryStorage() }),
    );

    const failure = await api.request('/api/conversations').catch((error: unknown) => error);

    expect((failure as ApiError).code).toBe('SIGNED_OUT');
    expect(requests).toHaveLength(0);
  });
});
