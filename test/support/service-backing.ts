import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { databaseName, migrate, poolConfigFromUrl } from '@chat/db';
import { createLogger } from '@chat/kit';
import { Redis } from 'ioredis';
import mariadb from 'mariadb';
import { inject } from 'vitest';

/** Servers provided by the integration project's global setup, when it ran. */
const provided = (inject as (key: string) => unknown)('backing') as
  | { mysql?: { url: string }; redis?: { url: string } }
  | undefined;

/** The MariaDB server every integration test uses, without a database name. */
export const mariadbServerUrl = serverUrl(provided?.mysql?.url ?? 'mysql://root@127.0.0.1:3306');

/** The Redis server every integration test uses. */
export const redisUrl = provided?.redis?.url ?? 'redis://127.0.0.1:6379';

/** A logger for services under test; set TEST_LOG_LEVEL=debug to see their logs. */
export const testLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** Creates and migrates a database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `chat_test_${randomBytes(6).toString('hex')}`;
  const url = `${mariadbServerUrl}/${name}`;
  await migrate(url, testLogger);

  return { url, name, drop: () => dropDatabase(url) };
}

/** Drops the database a URL names, if it exists. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const connection = await mariadb.createConnection(
    poolConfigFromUrl(url, { database: undefined }),
  );
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

/** Creates a Redis key prefix of its own for one test file, such as `test:3f9a0c1b:`. */
export function createTestKeyPrefix(): string {
  return `test:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under a test's prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/** Generates an Ed25519 key pair as PEM strings. */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Returns the base URL of a listening fastify app, such as `http://127.0.0.1:39211`. */
export function baseUrl(app: { server: { address: () => unknown } }): string {
  const address = app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** Drops the database name from a server URL, keeping credentials, host and port. */
function serverUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '';
  parsed.search = '';
  return parsed.href.replace(/\/$/, '');
}
