import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from '../../src/dependency-errors.ts';
import { AppError, toErrorBody } from '../../src/errors.ts';

/** Builds an error shaped as Prisma 7 throws it through the mariadb driver adapter. */
function prismaError(originalCode: string) {
  return Object.assign(new Error('Invalid `prisma.message.findUnique()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2010',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode } } },
  });
}

describe('isDependencyUnavailable', () => {
  it('recognises an ioredis command that cannot reach Redis', async () => {
    // Port 1 on loopback refuses connections, and the client never reconnects.
    const redis = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    const error = await redis.get('key').catch((caught: unknown) => caught);
    redis.disconnect();

    expect(error).toBeInstanceOf(Error);
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a pool timeout', '45028'],
    ['a closed socket', '45009'],
    ['too many connections', '1040'],
  ])('recognises %s from the database', (_name, code) => {
    expect(isDependencyUnavailable(prismaError(code))).toBe(true);
  });

  it.each([
    ['a duplicate key', prismaError('1062')],
    ['a foreign key failure', prismaError('1452')],
    ['a plain error', new Error('boom')],
    ['a string', 'Connection is closed.'],
    ['null', null],
  ])('does not take %s for an outage', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});

describe('toErrorBody', () => {
  it('answers an unreachable dependency with UNAVAILABLE and a retry delay', () => {
    const body = toErrorBody(prismaError('45028'));

    expect(body.code).toBe('UNAVAILABLE');
    expect(body.retryAfterMs).toBeGreaterThan(0);
    expect(body.message).not.toContain('prisma');
  });

  it('keeps INTERNAL for other errors and the code of an AppError', () => {
    expect(toErrorBody(new Error('SELECT secret FROM t')).code).toBe('INTERNAL');
    expect(toErrorBody(new AppError('FORBIDDEN', 403, 'no')).code).toBe('FORBIDDEN');
  });
});
