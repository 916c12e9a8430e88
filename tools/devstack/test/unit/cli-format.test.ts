import { describe, expect, it } from 'vitest';
import { formatDownReport, formatLine, formatUpReport } from '../../src/cli-format.ts';
import { jarFolderName } from '../../src/java/jars.ts';
import { type BackingServices, serviceNames } from '../../src/types.ts';

const services: BackingServices = {
  mysql: { url: 'mysql://app:secret@127.0.0.1:3306/chat' },
  redis: { url: 'redis://127.0.0.1:6379' },
  kafka: { brokers: ['127.0.0.1:9092'] },
  s3: {
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    accessKeyId: 'id',
    secretAccessKey: 'never-printed',
    bucket: 'chat-media',
  },
  started: ['kafka'],
  origins: {
    mysql: { kind: 'environment', detail: 'from DATABASE_URL' },
    redis: { kind: 'running', detail: 'already listening on 127.0.0.1:6379' },
    kafka: { kind: 'process', detail: 'local kafka, pid 42' },
    s3: { kind: 'running', detail: 'started earlier by devstack, pid 43' },
  },
  runDir: '/repo/.run',
};

describe('formatUpReport', () => {
  const lines = formatUpReport(services, serviceNames);

  it('prints one line per service in order', () => {
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['mysql', 'redis', 'kafka', 's3']);
  });

  it('says how each service was resolved', () => {
    expect(lines[0]).toMatch(/^mysql\s+configured\s/);
    expect(lines[1]).toMatch(/^redis\s+reused\s/);
    expect(lines[2]).toMatch(/^kafka\s+started\s+127\.0\.0\.1:9092 {2}\(local kafka, pid 42\)$/);
  });

  it('never prints passwords or secret keys', () => {
    const text = lines.join('\n');
    expect(text).not.toContain('secret');
    expect(text).toContain('mysql://app:***@127.0.0.1:3306/chat');
  });
});

describe('formatDownReport', () => {
  it('lists stopped, exited and untouched services', () => {
    const lines = formatDownReport(
      [
        {
          service: 'kafka',
          server: 'kafka',
          address: '127.0.0.1:9092',
          result: 'stopped',
          pid: 42,
        },
        {
          service: 's3',
          server: 's3proxy',
          address: 'http://127.0.0.1:9000',
          result: 'gone',
          pid: 43,
        },
      ],
      serviceNames,
    );
    expect(lines[0]).toMatch(/^mysql\s+untouched/);
    expect(lines[2]).toMatch(/^kafka\s+stopped\s+127\.0\.0\.1:9092 {2}\(kafka, pid 42\)$/);
    expect(lines[3]).toMatch(/^s3\s+gone\s.*had already exited/);
  });
});

describe('formatLine', () => {
  it('omits empty details', () => {
    expect(formatLine('redis', 'up', 'redis://x', '')).toBe('redis  up        redis://x');
  });
});

describe('jarFolderName', () => {
  it('is stable for one pom and changes with its content', () => {
    const first = jarFolderName('kafka', '<project>1</project>');
    expect(jarFolderName('kafka', '<project>1</project>')).toBe(first);
    expect(jarFolderName('kafka', '<project>2</project>')).not.toBe(first);
    expect(first).toMatch(/^kafka-[0-9a-f]{12}$/);
  });
});
