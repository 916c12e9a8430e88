import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from '../../src/java/executables.ts';
import { parseMysqlGreeting } from '../../src/probe/mysql-handshake.ts';
import { classifyPingReply } from '../../src/probe/redis.ts';
import { classifyS3Error } from '../../src/probe/s3.ts';
import { parseProcStat } from '../../src/process/identity.ts';

function packet(payload: Buffer, sequence = 0): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence;
  return Buffer.concat([header, payload]);
}

describe('parseMysqlGreeting', () => {
  const handshake = packet(
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from('10.11.19-MariaDB\0', 'latin1'),
      Buffer.alloc(20),
    ]),
  );

  it('reads the protocol and server version', () => {
    expect(parseMysqlGreeting(handshake)).toEqual({
      kind: 'handshake',
      protocolVersion: 10,
      serverVersion: '10.11.19-MariaDB',
    });
  });

  it('waits for the rest of a split packet', () => {
    expect(parseMysqlGreeting(handshake.subarray(0, 10))).toBeUndefined();
    expect(parseMysqlGreeting(handshake.subarray(0, 3))).toBeUndefined();
  });

  it('reads an error packet', () => {
    const error = Buffer.concat([
      Buffer.from([0xff, 0x10, 0x04]),
      Buffer.from('Too many connections'),
    ]);
    expect(parseMysqlGreeting(packet(error))).toEqual({
      kind: 'error',
      code: 1040,
      message: 'Too many connections',
    });
  });

  it.each([
    ['an HTTP reply', Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')],
    ['a Redis error', Buffer.from('-ERR unknown command\r\n')],
    ['a wrong protocol version', packet(Buffer.from('\x09\x35.0\0'))],
    ['a nonzero sequence', packet(Buffer.from('\x0a8.0\0'), 1)],
  ])('rejects %s', (_, bytes) => {
    expect(parseMysqlGreeting(bytes)).toBeNull();
  });
});

describe('classifyPingReply', () => {
  it.each([
    ['+PONG', 'pong'],
    ['-NOAUTH Authentication required.', 'auth'],
    ['-WRONGPASS invalid username-password pair', 'auth'],
    ['-LOADING Redis is loading the dataset in memory', 'other-redis'],
    ['HTTP/1.1 400 Bad Request', 'foreign'],
    [null, 'foreign'],
  ] as const)('classifies %s as %s', (line, kind) => {
    expect(classifyPingReply(line)).toBe(kind);
  });
});

describe('classifyS3Error', () => {
  it('reports rejected credentials', () => {
    const error = Object.assign(new Error('bad key'), {
      name: 'InvalidAccessKeyId',
      $metadata: { httpStatusCode: 403, requestId: 'r1' },
    });
    expect(classifyS3Error('http://s3', error).status).toBe('rejected');
  });

  it('reports an S3 server that failed the request', () => {
    const error = Object.assign(new Error('slow down'), {
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503, requestId: 'r2' },
    });
    expect(classifyS3Error('http://s3', error).status).toBe('failed');
  });

  it('reports a server without S3 request ids as foreign', () => {
    const error = Object.assign(new Error('Unknown'), {
      name: 'Unknown',
      $metadata: { httpStatusCode: 404 },
    });
    expect(classifyS3Error('http://web', error).status).toBe('foreign');
  });
});

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "25" 2025-09-16', 25],
    ['java version "1.8.0_402"', 8],
    ['openjdk version "21-ea" 2023-09-19', 21],
  ])('reads %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });

  it('returns undefined for unrelated output', () => {
    expect(parseJavaMajor('command not found')).toBeUndefined();
  });
});

describe('parseProcStat', () => {
  it('counts fields after a command name with spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index + 3));
    fields[0] = 'S';
    const stat = `4242 (my (odd) name) ${fields.join(' ')}`;
    expect(parseProcStat(stat)).toEqual({ state: 'S', startTime: '22' });
  });

  it('returns null for malformed text', () => {
    expect(parseProcStat('garbage')).toBeNull();
  });
});
