import { createHash } from 'node:crypto';
import { createDatabase, type Database } from '@chat/db';
import { createTokenVerifier, parseConfig } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { decodeProtectedHeader } from 'jose';
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
import { type AuthConfig, configShape } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

let database: TestDatabase;
let db: Database;
let keyPrefix: string;
let config: AuthConfig;
let server: { app: FastifyInstance; close: () => Promise<void> };
let base: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url);
  keyPrefix = createTestKeyPrefix();
  config = parseConfig(configShape, {
    PORT: '1',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    JWT_PRIVATE_KEY: generateSigningKey().privateKeyPem,
    USERNAME_BLOOM_BITS: String(2 ** 16),
  });
  server = await startServer({ ...config, PORT: 0 }, testLogger);
  base = baseUrl(server.app);
});

afterAll(async () => {
  await server?.close();
  await db?.$disconnect();
  await database?.drop();
  if (keyPrefix) await deleteKeys(keyPrefix);
});

async function register(
  username: string,
  password = 'correct horse battery',
  displayName?: string,
) {
  return request(base, 'POST', '/api/auth/register', {
    body: { username, password, ...(displayName === undefined ? {} : { displayName }) },
  });
}

describe('register', () => {
  it('creates a user and returns tokens', async () => {
    const response = await register('Alice.Liddell', 'correct horse battery', '  Alice  ');

    expect(response.status).toBe(201);
    expect(response.body.user.username).toBe('alice.liddell');
    expect(response.body.user.displayName).toBe('Alice');
    expect(response.body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.user.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(response.body.user.passwordHash).toBeUndefined();
    expect(response.body.expiresIn).toBe(900);
    expect(typeof response.body.accessToken).toBe('string');
    expect(response.body.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('defaults the display name to the username', async () => {
    const response = await register('bob_2');

    expect(response.status).toBe(201);
    expect(response.body.user.displayName).toBe('bob_2');
  });

  it('stores an argon2id hash, never the password', async () => {
    await register('carol', 'another long password');
    const row = await db.user.findUniqueOrThrow({ where: { username: 'carol' } });

    expect(row.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(row.passwordHash).not.toContain('another long password');
  });

  it('rejects a taken name in any case or width', async () => {
    await register('dave');

    for (const variant of ['dave', 'DAVE', 'Dave', 'ｄａｖｅ']) {
      const response = await register(variant);
      expect(response.status, variant).toBe(409);
      expect(response.body.error.code, variant).toBe('USERNAME_TAKEN');
    }
  });

  it.each([
    ['username', { username: 'ab', password: 'long enough' }],
    ['username', { username: '-edge', password: 'long enough' }],
    ['username', { username: 'edge.', password: 'long enough' }],
    ['username', { username: 'has space', password: 'long enough' }],
    ['username', { username: 'a'.repeat(33), password: 'long enough' }],
    ['username', { username: 'ünïcode', password: 'long enough' }],
    ['password', { username: 'valid_name', password: 'short' }],
    ['password', { username: 'valid_name', password: 'x'.repeat(257) }],
    ['displayName', { username: 'valid_name', password: 'long enough', displayName: '   ' }],
    [
      'displayName',
      { username: 'valid_name', password: 'long enough', displayName: 'x'.repeat(65) },
    ],
    ['username', { password: 'long enough' }],
  ])('rejects an invalid %s', async (field, body) => {
    const response = await request(base, 'POST', '/api/auth/register', { body });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields[0].path).toBe(field);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    const body = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('login', () => {
  beforeAll(async () => {
    await register('erin', 'erin password 1');
  });

  it('accepts the username in another case', async () => {
    const response = await request(base, 'POST', '/api/auth/login', {
      body: { username: 'ERIN', password: 'erin password 1' },
    });

    expect(response.status).toBe(200);
    expect(response.body.user.username).toBe('erin');
    expect(response.body.refreshToken).toBeTruthy();
    expect(response.body.accessToken).toBeTruthy();
  });

  it.each([
    ['a wrong password', { username: 'erin', password: 'wrong password' }],
    ['an unknown user', { username: 'nobody_here', password: 'erin password 1' }],
    ['a malformed username', { username: '--', password: 'erin password 1' }],
  ])('rejects %s alike', async (_case, body) => {
    const response = await request(base, 'POST', '/api/auth/login', { body });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(response.body.error.message).toBe('The username or password is wrong.');
  });
});

describe('access tokens', () => {
  it('verify against the published key set', async () => {
    const { body } = await register('frank');
    const verify = createTokenVerifier({
      jwksUrl: `${base}/.well-known/jwks.json`,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });

    const principal = await verify(body.accessToken);

    expect(principal).toEqual({ userId: body.user.id, username: 'frank' });
  });

  it('carry the kid and algorithm of the published key', async () => {
    const { body } = await register('grace');
    const jwks = await request(base, 'GET', '/.well-known/jwks.json');
    const header = decodeProtectedHeader(body.accessToken);

    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(jwks.body.keys[0].d).toBeUndefined();
    expect(header.alg).toBe('EdDSA');
    expect(header.kid).toBe(jwks.body.keys[0].kid);
  });
});

describe('refresh', () => {
  async function refresh(refreshToken: string) {
    return request(base, 'POST', '/api/auth/refresh', { body: { refreshToken } });
  }

  it('rotates the refresh token', async () => {
    const { body: first } = await register('heidi');

    const rotated = await refresh(first.refreshToken);
    const again = await refresh(first.refreshToken);

    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken']);
    expect(rotated.body.refreshToken).not.toBe(first.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('UNAUTHORIZED');
  });

  it('revokes the family when a rotated token comes back', async () => {
    const { body: first } = await register('ivan');
    const other = await request(base, 'POST', '/api/auth/login', {
      body: { username: 'ivan', password: 'correct horse battery' },
    });
    const second = await refresh(first.refreshToken);

    const reuse = await refresh(first.refreshToken);
    const afterReuse = await refresh(second.body.refreshToken);
    const otherLogin = await refresh(other.body.refreshToken);

    expect(second.status).toBe(200);
    expect(reuse.status).toBe(401);
    expect(afterReuse.status).toBe(401);
    expect(otherLogin.status).toBe(200);
  });

  it('stores only the hash of the token', async () => {
    const { body } = await register('judy');
    const hash = createHash('sha256').update(body.refreshToken).digest('hex');

    const byHash = await db.refreshToken.count({ where: { tokenHash: hash } });
    const byToken = await db.refreshToken.count({ where: { tokenHash: body.refreshToken } });

    expect(byHash).toBe(1);
    expect(byToken).toBe(0);
  });

  it('rejects an unknown token', async () => {
    const response = await refresh('not-a-token');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it('rejects an expired token', async () => {
    const { body } = await register('kim');
    const hash = createHash('sha256').update(body.refreshToken).digest('hex');
    await db.refreshToken.update({
      where: { tokenHash: hash },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });

    const response = await refresh(body.refreshToken);

    expect(response.status).toBe(401);
    expect(response.body.error.message).toContain('expired');
  });
});

describe('logout', () => {
  it('revokes the refresh token and is idempotent', async () => {
    const { body } = await register('leo');
    const logout = () =>
      request(base, 'POST', '/api/auth/logout', { body: { refreshToken: body.refreshToken } });

    const first = await logout();
    const second = await logout();
    const refresh = await request(base, 'POST', '/api/auth/refresh', {
      body: { refreshToken: body.refreshToken },
    });

    expect(first.status).toBe(204);
    expect(second.status).toBe(204);
    expect(refresh.status).toBe(401);
  });

  it('requires a refresh token', async () => {
    const response = await request(base, 'POST', '/api/auth/logout', { body: {} });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].path).toBe('refreshToken');
  });
});

describe('username availability', () => {
  async function available(username: string) {
    return request(
      base,
      'GET',
      `/api/auth/username-available?username=${encodeURIComponent(username)}`,
    );
  }

  it('reports taken names in any case', async () => {
    await register('mallory');

    const exact = await available('mallory');
    const upper = await available('MALLORY');

    expect(exact.body).toEqual({ available: false });
    expect(upper.body).toEqual({ available: false });
  });

  it('reports free names', async () => {
    const response = await available('nobody.has.this');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ available: true });
  });

  it('rejects an invalid name', async () => {
    const response = await available('x');

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields[0].path).toBe('username');
  });
});

describe('health', () => {
  it('is ready with the database and Redis', async () => {
    const response = await request(base, 'GET', '/health/ready');

    expect(response.status).toBe(200);
    expect(response.body.checks.database.ok).toBe(true);
    expect(response.body.checks.redis.ok).toBe(true);
  });
});
