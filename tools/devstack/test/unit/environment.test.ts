import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/environment.ts';

describe('readEnvironment', () => {
  it('treats empty values as unset and applies defaults', () => {
    const settings = readEnvironment({ DATABASE_URL: '', REDIS_URL: '  ', S3_BUCKET: '' });
    expect(settings.mysqlUrl).toBeUndefined();
    expect(settings.redisUrl).toBeUndefined();
    expect(settings.kafkaBrokers).toBeUndefined();
    expect(settings.s3).toBeUndefined();
    expect(settings.s3Bucket).toBe('chat-media');
    expect(settings.s3Region).toBe('us-east-1');
  });

  it('reads every variable', () => {
    const settings = readEnvironment({
      DATABASE_URL: 'mysql://root@db:3306/chat',
      REDIS_URL: 'redis://cache:6379',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      S3_ENDPOINT: 'http://s3:9000',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_BUCKET: 'media',
      S3_REGION: 'eu-west-1',
    });
    expect(settings.mysqlUrl).toBe('mysql://root@db:3306/chat');
    expect(settings.redisUrl).toBe('redis://cache:6379');
    expect(settings.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(settings.s3).toEqual({
      endpoint: 'http://s3:9000',
      region: 'eu-west-1',
      bucket: 'media',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
    });
  });

  it('keeps S3 keys without an endpoint for a local server', () => {
    const settings = readEnvironment({ S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' });
    expect(settings.s3).toBeUndefined();
    expect(settings.s3Credentials).toEqual({ accessKeyId: 'id', secretAccessKey: 'secret' });
  });

  it('rejects S3_ENDPOINT without keys', () => {
    expect(() => readEnvironment({ S3_ENDPOINT: 'http://s3:9000' })).toThrow(
      /S3_ACCESS_KEY_ID or S3_SECRET_ACCESS_KEY is missing/,
    );
  });

  it('rejects one S3 key without the other', () => {
    expect(() => readEnvironment({ S3_ACCESS_KEY_ID: 'id' })).toThrow(
      /S3_SECRET_ACCESS_KEY is missing/,
    );
  });

  it.each([
    ['DATABASE_URL', 'postgres://db/chat'],
    ['REDIS_URL', 'http://cache'],
    ['KAFKA_BROKERS', 'broker-without-port'],
  ])('rejects an invalid %s', (name, value) => {
    expect(() => readEnvironment({ [name]: value })).toThrow(new RegExp(name));
  });
});
