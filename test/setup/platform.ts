import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mariadb from 'mariadb';
import { databaseName, poolConfigFromUrl } from '../../services/db/src/index.ts';
import type { BackingServices } from '../../tools/devstack/src/types.ts';
import { generateSigningKey } from '../../tools/launcher/jwt-key.ts';
import {
  startPlatform as launch,
  type Platform,
  repositoryRoot,
} from '../../tools/launcher/platform.ts';
import { buildWebIfStale } from '../../tools/launcher/web-build.ts';

export type { Platform, ServiceName } from '../../tools/launcher/platform.ts';

export interface TestPlatformOptions {
  /** Also run the web app, building it first if its build is missing or stale. */
  web?: boolean;
  logLevel?: string;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the whole platform for one test file, isolated from `npm start` and from other
 * runs: free ports, its own database, Redis key prefix, Kafka topics and signing key.
 */
export async function startPlatform(
  backing: BackingServices,
  options: TestPlatformOptions = {},
): Promise<Platform> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  if (options.web) await buildWebIfStale((message) => process.stdout.write(`${message}\n`));

  const platform = await launch({
    backing: withConnectionLimit(backing, 4),
    ports: 'random',
    database: `chat_test_${runId}`,
    redisKeyPrefix: `test:${runId}:`,
    kafkaPrefix: `test.${runId}.`,
    signingKeyPem: await generateSigningKey(),
    logDir: path.join(repositoryRoot, '.run', 'test-logs', runId),
    web: options.web ?? false,
    logLevel: options.logLevel ?? 'info',
    env: options.env,
  });
  const stop = platform.stop;
  return {
    ...platform,
    stop: async () => {
      await stop();
      await removeRunData(backing, platform);
    },
  };
}

/**
 * Caps each service's MySQL pool, because several test platforms may share one server and
 * its default limit of 151 connections.
 */
function withConnectionLimit(backing: BackingServices, limit: number): BackingServices {
  const url = new URL(backing.mysql.url);
  url.searchParams.set('connection_limit', String(limit));
  return { ...backing, mysql: { url: url.toString() } };
}

/** Drops what a run left in the shared servers: its database, Redis keys and topics. */
async function removeRunData(backing: BackingServices, platform: Platform): Promise<void> {
  const connection = await mariadb.createConnection(
    poolConfigFromUrl(platform.databaseUrl, { database: undefined }),
  );
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${databaseName(platform.databaseUrl)}\``);
  } finally {
    await connection.end();
  }

  const redis = new Redis(backing.redis.url);
  try {
    for await (const keys of redis.scanStream({
      match: `${platform.redisKeyPrefix}*`,
      count: 500,
    }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }

  const admin = new Kafka({ brokers: backing.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: Object.values(platform.topics) });
  } finally {
    await admin.disconnect();
  }
}
