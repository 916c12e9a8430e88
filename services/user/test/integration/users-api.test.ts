import { generateKeyPairSync } from 'node:crypto';
import { parseConfig } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { configShape } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

type Server = { app: FastifyInstance; close: () => Promise<void> };

let database: TestDatabase;
let keyPrefix: string;
let auth: Server;
let users: Server;
let authBase: string;
let base: string;

/** A registered user with a valid access token. */
interface Account {
  id: string;
  username: string;
  token: string;
}

async function register(username: string, displayName?: string): Promise<Account> {
  const response = await request(authBase, 'POST', '/api/auth/register', {
    body: { username, password: 'a long enough password', displayName },
  });
  expect(response.status, `register ${username}`).toBe(201);
  return {
    id: response.body.user.id,
    username: response.body.user.username,
    token: response.body.accessToken,
  };
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

  const config = parseConfig(configShape, {
    DATABASE_URL: database.url,
    JWKS_URL: `${authBase}/.well-known/jwks.json`,
  });
  users = await startServer({ ...config, PORT: 0 }, testLogger);
  base = baseUrl(users.app);
});

afterAll(async () => {
  await users?.close();
  await auth?.close();
  await database?.drop();
  if (keyPrefix) await deleteKeys(keyPrefix);
});

describe('authentication', () => {
  it('rejects a request without a token', async () => {
    const response = await request(base, 'GET', '/api/users/me');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('rejects a malformed token', async () => {
    const response = await request(base, 'GET', '/api/users/me', { token: 'not.a.jwt' });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it('rejects a token signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await new SignJWT({ username: 'mallory' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'forged' })
      .setSubject('00000000-0000-7000-8000-000000000000')
      .setIssuer('chat-platform')
      .setAudience('chat-clients')
      .setExpirationTime('5m')
      .sign(privateKey);

    const response = await request(base, 'GET', '/api/users/me', { token: forged });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it('leaves the health routes open', async () => {
    const response = await request(base, 'GET', '/health/ready');

    expect(response.status).toBe(200);
  });
});

describe('GET /api/users/me', () => {
  it('returns the caller', async () => {
    const alice = await register('alice', 'Alice A.');

    const response = await request(base, 'GET', '/api/users/me', { token: alice.token });

    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(alice.id);
    expect(response.body.user.username).toBe('alice');
    expect(response.body.user.displayName).toBe('Alice A.');
    expect(response.body.user.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(response.body.user.passwordHash).toBeUndefined();
  });
});

describe('PATCH /api/users/me', () => {
  it('changes the display name, trimmed', async () => {
    const bob = await register('bob');

    const response = await request(base, 'PATCH', '/api/users/me', {
      token: bob.token,
      body: { displayName: '  Bobby  ' },
    });
    const reread = await request(base, 'GET', '/api/users/me', { token: bob.token });

    expect(response.status).toBe(200);
    expect(response.body.user.displayName).toBe('Bobby');
    expect(reread.body.user.displayName).toBe('Bobby');
  });

  it('stores and clears the avatar attachment', async () => {
    const carol = await register('carol');
    const attachmentId = '0193a1b2-0000-7000-8000-00000000abcd';

    const set = await request(base, 'PATCH', '/api/users/me', {
      token: carol.token,
      body: { avatarAttachmentId: attachmentId },
    });
    const cleared = await request(base, 'PATCH', '/api/users/me', {
      token: carol.token,
      body: { avatarAttachmentId: null },
    });

    expect(set.status).toBe(200);
    expect(set.body.user.avatarAttachmentId).toBe(attachmentId);
    expect(set.body.user.displayName).toBe('carol');
    expect(cleared.status).toBe(200);
    expect(cleared.body.user.avatarAttachmentId).toBeUndefined();
  });

  it.each([
    ['(root)', {}],
    ['displayName', { displayName: '   ' }],
    ['displayName', { displayName: 'x'.repeat(65) }],
    ['displayName', { displayName: 42 }],
    ['avatarAttachmentId', { avatarAttachmentId: 'x'.repeat(37) }],
    ['(root)', { username: 'new-name' }],
  ])('rejects an invalid %s', async (field, body) => {
    const dave = await register(`dave${Math.random().toString(36).slice(2, 8)}`);

    const response = await request(base, 'PATCH', '/api/users/me', { token: dave.token, body });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields[0].path).toBe(field);
  });
});

describe('GET /api/users/:id', () => {
  it('returns another user', async () => {
    const erin = await register('erin', 'Erin');
    const frank = await register('frank');

    const response = await request(base, 'GET', `/api/users/${frank.id}`, { token: erin.token });

    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ id: frank.id, username: 'frank' });
  });

  it.each([
    ['an unknown id', '0193a1b2-0000-7000-8000-000000000000'],
    ['a malformed id', 'not-an-id'],
  ])('returns NOT_FOUND for %s', async (_case, id) => {
    const grace = await register(`grace${Math.random().toString(36).slice(2, 8)}`);

    const response = await request(base, 'GET', `/api/users/${id}`, { token: grace.token });

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });
});

describe('GET /api/users?query=', () => {
  let searcher: Account;

  beforeAll(async () => {
    searcher = await register('search.owner', 'Zed Searcher');
    await register('marta', 'Marta Lind');
    await register('martin_k', 'Kai Martin');
    await register('lindsey', 'lindsey m');
    await register('percent', '100% real');
    await register('under.score', 'a_b');
    for (let i = 0; i < 25; i++) await register(`bulk${String(i).padStart(2, '0')}`);
  });

  async function search(query: string) {
    return request(base, 'GET', `/api/users?query=${encodeURIComponent(query)}`, {
      token: searcher.token,
    });
  }

  function usernames(response: { body: { users: { username: string }[] } }): string[] {
    return response.body.users.map((user) => user.username);
  }

  it('matches a username prefix in any case', async () => {
    const response = await search('MART');

    expect(response.status).toBe(200);
    expect(usernames(response)).toEqual(['marta', 'martin_k']);
  });

  it('matches a display name prefix in any case', async () => {
    const response = await search('LIND');

    expect(usernames(response)).toEqual(['lindsey']);
  });

  it('matches display names by their start only', async () => {
    const response = await search('Martin');

    expect(usernames(response)).toEqual(['martin_k']);
  });

  it('includes the caller', async () => {
    const response = await search('zed');

    expect(usernames(response)).toEqual(['search.owner']);
  });

  it('returns at most 20 users', async () => {
    const response = await search('bulk');

    expect(response.body.users).toHaveLength(20);
    expect(usernames(response)[0]).toBe('bulk00');
  });

  it('treats LIKE wildcards as plain characters', async () => {
    const percent = await search('%');
    const underscore = await search('a_');
    const literalPercent = await search('100%');

    expect(usernames(percent)).toEqual([]);
    expect(usernames(underscore)).toEqual(['under.score']);
    expect(usernames(literalPercent)).toEqual(['percent']);
  });

  it('returns user objects in the public shape', async () => {
    const response = await search('marta');

    expect(Object.keys(response.body.users[0]).sort()).toEqual([
      'createdAt',
      'displayName',
      'id',
      'username',
    ]);
  });

  it.each([
    ['an empty query', '?query='],
    ['a blank query', '?query=%20%20'],
    ['a missing query', ''],
    ['a query over 64 characters', `?query=${'a'.repeat(65)}`],
  ])('rejects %s', async (_case, queryString) => {
    const response = await request(base, 'GET', `/api/users${queryString}`, {
      token: searcher.token,
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields[0].path).toBe('query');
  });
});
