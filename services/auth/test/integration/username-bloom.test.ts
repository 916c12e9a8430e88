import type { Database } from '@chat/db';
import { parseConfig } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
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
import { Accounts } from '../../src/accounts.ts';
import { buildApp } from '../../src/app.ts';
import { bloomPositions } from '../../src/bloom-positions.ts';
import { type AuthConfig, configShape } from '../../src/config.ts';
import { type AuthRuntime, createDependencies } from '../../src/server.ts';

const bits = 2 ** 16;
const hashes = 7;

let database: TestDatabase;
let keyPrefix: string;
let config: AuthConfig;
let runtime: AuthRuntime;
let app: FastifyInstance;
let base: string;
let redis: Redis;
/** While true, any use of the `users` table by the availability route fails the request. */
let databaseForbidden = false;

// The accounts component gets a database handle that throws while `databaseForbidden` is set,
// which proves that a result came from the filter alone. Registration uses the same handle,
// so tests turn the guard on only around availability checks.
function guard(db: Database): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (databaseForbidden && property === 'user') {
        throw new Error('the users table was queried while the test forbade it');
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  keyPrefix = createTestKeyPrefix();
  redis = new Redis(redisUrl);
  config = parseConfig(configShape, {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    JWT_PRIVATE_KEY: generateSigningKey().privateKeyPem,
    USERNAME_BLOOM_BITS: String(bits),
    USERNAME_BLOOM_HASHES: String(hashes),
  });

  runtime = await createDependencies(config, testLogger);
  const accounts = new Accounts({ ...runtime, db: guard(runtime.db) });
  app = buildApp({ ...runtime, accounts });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = baseUrl(app);
  await runtime.redis.ping();
});

afterAll(async () => {
  await app?.close();
  await runtime?.bloom.settled();
  await runtime?.db.$disconnect();
  await runtime?.redis.quit();
  redis?.disconnect();
  await database?.drop();
  if (keyPrefix) await deleteKeys(keyPrefix);
});

async function register(username: string) {
  const response = await request(base, 'POST', '/api/auth/register', {
    body: { username, password: 'a long enough password' },
  });
  expect(response.status, `register ${username}`).toBe(201);
}

async function isAvailable(username: string): Promise<{ status: number; available?: boolean }> {
  const response = await request(base, 'GET', `/api/auth/username-available?username=${username}`);
  return { status: response.status, available: response.body.available };
}

async function waitForFilter(): Promise<void> {
  await runtime.bloom.settled();
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await redis.exists(runtime.bloom.key)) === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the filter key ${runtime.bloom.key} did not appear`);
}

async function bitsSet(username: string): Promise<boolean> {
  const positions = bloomPositions(username, bits, hashes);
  const values = await Promise.all(positions.map((p) => redis.getbit(runtime.bloom.key, p)));
  return values.every((value) => value === 1);
}

describe('username filter', () => {
  it('is built at first use from the users table', async () => {
    await register('olivia');
    await register('peggy');
    expect(await redis.exists(runtime.bloom.key)).toBe(0);

    const beforeBuild = await isAvailable('olivia');
    await waitForFilter();

    expect(beforeBuild).toEqual({ status: 200, available: false });
    expect(await bitsSet('olivia')).toBe(true);
    expect(await bitsSet('peggy')).toBe(true);
  });

  it('answers for an absent name without the database', async () => {
    await waitForFilter();
    databaseForbidden = true;
    try {
      const answers = await Promise.all(
        ['quentin', 'rupert', 'sybil', 'trent', 'uma'].map(isAvailable),
      );

      for (const answer of answers) expect(answer).toEqual({ status: 200, available: true });
    } finally {
      databaseForbidden = false;
    }
  });

  it('asks the database when every bit is set', async () => {
    await waitForFilter();
    databaseForbidden = true;
    let answer: { status: number };
    try {
      answer = await isAvailable('olivia');
    } finally {
      databaseForbidden = false;
    }

    expect(answer.status).toBe(500);
    expect(await isAvailable('olivia')).toEqual({ status: 200, available: false });
  });

  it('records names registered after the build', async () => {
    await waitForFilter();
    await register('victor');

    expect(await bitsSet('victor')).toBe(true);
    expect(await isAvailable('VICTOR')).toEqual({ status: 200, available: false });
  });

  it('is rebuilt after its key is deleted', async () => {
    await waitForFilter();
    await redis.del(runtime.bloom.key);

    const whileMissing = await isAvailable('peggy');
    await waitForFilter();

    expect(whileMissing).toEqual({ status: 200, available: false });
    for (const name of ['olivia', 'peggy', 'victor']) expect(await bitsSet(name), name).toBe(true);
  });

  it('never reports a taken name as available while missing', async () => {
    await waitForFilter();
    await redis.del(runtime.bloom.key);

    const answers = await Promise.all(['olivia', 'peggy', 'victor'].map(isAvailable));
    await waitForFilter();

    for (const answer of answers) expect(answer).toEqual({ status: 200, available: false });
  });

  it('keeps names registered during a rebuild', async () => {
    await waitForFilter();
    await redis.del(runtime.bloom.key);

    await Promise.all([isAvailable('walter'), register('walter')]);
    await waitForFilter();

    expect(await bitsSet('walter')).toBe(true);
  });
});
