import { randomBytes } from 'node:crypto';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mariadb from 'mariadb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createS3Client, ensureDatabase } from '../../src/index.ts';
import { mysqlConnectionOptions } from '../../src/probe/mysql.ts';

const backing = inject('backing');
const suffix = randomBytes(4).toString('hex');

describe('resolved backing services', () => {
  const databaseName = `devstack_answer_${suffix}`;

  afterAll(async () => {
    const connection = await mariadb.createConnection(mysqlConnectionOptions(backing.mysql.url));
    await connection.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await connection.end();
  });

  it('lists every service with an origin', () => {
    for (const service of ['mysql', 'redis', 'kafka', 's3'] as const) {
      expect(backing.origins[service].kind).toMatch(/^(environment|running|container|process)$/);
    }
    expect(backing.runDir).toContain('.run');
  });

  it('MySQL creates a utf8mb4 database and stores 4-byte characters', async () => {
    const url = await ensureDatabase(backing.mysql.url, databaseName);
    expect(new URL(url).pathname).toBe(`/${databaseName}`);

    const connection = await mariadb.createConnection({
      ...mysqlConnectionOptions(url),
      database: databaseName,
    });
    try {
      const [schema] = await connection.query(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [databaseName],
      );
      expect(schema.charset).toBe('utf8mb4');
      expect(schema.collation).toBe('utf8mb4_unicode_ci');

      await connection.query('CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(20))');
      await connection.query('INSERT INTO notes VALUES (1, ?)', ['hi 👋']);
      const [row] = await connection.query('SELECT body FROM notes WHERE id = 1');
      expect(row.body).toBe('hi 👋');
    } finally {
      await connection.end();
    }
  });

  it('ensureDatabase is idempotent and rejects unsafe names', async () => {
    await ensureDatabase(backing.mysql.url, databaseName);
    await expect(ensureDatabase(backing.mysql.url, 'bad`name')).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });

  it('Redis stores and returns a value', async () => {
    const redis = new Redis(backing.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const key = `devstack-test:${suffix}`;
      await redis.set(key, 'value', 'EX', 60);
      expect(await redis.get(key)).toBe('value');
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });

  it('Kafka describes a cluster with one broker or more', async () => {
    const kafka = new Kafka({ brokers: backing.kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('S3 accepts the credentials for ListBuckets', async () => {
    const client = createS3Client(backing.s3);
    try {
      const result = await client.send(new ListBucketsCommand({}));
      expect(result.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
    }
  });
});
