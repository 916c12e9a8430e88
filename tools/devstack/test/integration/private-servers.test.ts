import { access } from 'node:fs/promises';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mariadb from 'mariadb';
import { describe, expect, it } from 'vitest';
import {
  createS3Client,
  ensureBucket,
  ensureTopics,
  startPrivateKafka,
  startPrivateMariadb,
  startPrivateRedis,
  startPrivateS3,
} from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { isPortOpen } from '../../src/ports.ts';
import { mysqlConnectionOptions } from '../../src/probe/mysql.ts';

async function exists(file: string): Promise<boolean> {
  return await access(file).then(
    () => true,
    () => false,
  );
}

async function withRedis<T>(url: string, action: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    return await action(redis);
  } finally {
    redis.disconnect();
  }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const connection = await mariadb.createConnection(mysqlConnectionOptions(url));
  try {
    return (await connection.query(sql)) as T[];
  } finally {
    await connection.end();
  }
}

describe('private servers', () => {
  it('Redis survives SIGKILL and restarts on its port with its data', async () => {
    const redis = await startPrivateRedis({ log: silentLogger });
    try {
      const firstPid = redis.pid;
      await withRedis(redis.url, (client) => client.set('kept', 'yes'));

      await redis.kill();
      expect(redis.pid).toBeUndefined();
      expect(await isPortOpen('127.0.0.1', redis.port)).toBe(false);

      await redis.start();
      expect(redis.pid).toBeDefined();
      expect(redis.pid).not.toBe(firstPid);
      expect(new URL(redis.url).port).toBe(String(redis.port));
      expect(await withRedis(redis.url, (client) => client.get('kept'))).toBe('yes');

      await redis.terminate();
      await redis.start();
      expect(await withRedis(redis.url, (client) => client.get('kept'))).toBe('yes');
    } finally {
      await redis.stop();
    }
    expect(await exists(redis.dataDir)).toBe(false);
    expect(await isPortOpen('127.0.0.1', redis.port)).toBe(false);
  });

  it('MariaDB survives SIGKILL and restarts on its port with its data', async () => {
    const server = await startPrivateMariadb({ log: silentLogger });
    try {
      await query(server.url, 'CREATE DATABASE kept CHARACTER SET utf8mb4');
      await query(server.url, 'CREATE TABLE kept.rows (id INT PRIMARY KEY)');
      await query(server.url, 'INSERT INTO kept.rows VALUES (7)');
      const [charset] = await query<{ value: string }>(
        server.url,
        'SELECT @@character_set_server AS value',
      );
      expect(charset?.value).toBe('utf8mb4');

      const firstPid = server.pid;
      await server.kill();
      expect(await isPortOpen('127.0.0.1', server.port)).toBe(false);
      await server.start();
      expect(server.pid).not.toBe(firstPid);

      const rows = await query<{ id: number }>(server.url, 'SELECT id FROM kept.rows');
      expect(rows.map((row) => row.id)).toEqual([7]);
    } finally {
      await server.stop();
    }
    expect(await exists(server.dataDir)).toBe(false);
    expect(await isPortOpen('127.0.0.1', server.port)).toBe(false);
  });

  it('MariaDB root needs no password but rejects a wrong one', async () => {
    const server = await startPrivateMariadb({ log: silentLogger });
    try {
      const wrong = server.url.replace('root@', 'root:wrong@');
      await expect(query(wrong, 'SELECT 1')).rejects.toMatchObject({ errno: 1045 });
    } finally {
      await server.stop();
    }
  });

  it('Kafka keeps its topics across SIGKILL and restart', async () => {
    const server = await startPrivateKafka({ log: silentLogger });
    try {
      await ensureTopics(server.brokers, [{ name: 'kept-topic', partitions: 2 }]);
      await server.kill();
      await server.start();

      const admin = new Kafka({ brokers: server.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        expect(await admin.listTopics()).toContain('kept-topic');
      } finally {
        await admin.disconnect();
      }
    } finally {
      await server.stop();
    }
    expect(await exists(server.dataDir)).toBe(false);
  });

  it('S3 keeps its buckets across a restart and uses its own keys', async () => {
    const server = await startPrivateS3({ log: silentLogger });
    try {
      await ensureBucket(server.s3, 'kept-bucket');
      await server.terminate();
      await server.start();

      const client = createS3Client(server.s3);
      try {
        const result = await client.send(new ListBucketsCommand({}));
        expect(result.Buckets?.map((bucket) => bucket.Name)).toContain('kept-bucket');
      } finally {
        client.destroy();
      }

      const wrongKeys = createS3Client({ ...server.s3, secretAccessKey: 'wrong-secret' });
      try {
        await expect(wrongKeys.send(new ListBucketsCommand({}))).rejects.toMatchObject({
          $metadata: { httpStatusCode: 403 },
        });
      } finally {
        wrongKeys.destroy();
      }
    } finally {
      await server.stop();
    }
  });
});
