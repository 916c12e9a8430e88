import { describe, expect, it } from 'vitest';
import { failureCode, isConnectFailure, mayRetry } from '../../src/upstream-failures.ts';

function coded(code: string, cause?: unknown): Error {
  return Object.assign(new Error(code, { cause }), { code });
}

describe('failureCode', () => {
  it('returns the innermost code', () => {
    const error = coded('FST_REPLY_FROM_INTERNAL_SERVER_ERROR', coded('ECONNREFUSED'));

    expect(failureCode(error)).toBe('ECONNREFUSED');
  });

  it('keeps an outer code when the cause has none', () => {
    expect(failureCode(coded('UND_ERR_SOCKET', new Error('closed')))).toBe('UND_ERR_SOCKET');
  });

  it('returns undefined without codes', () => {
    expect(failureCode(new Error('plain'))).toBeUndefined();
    expect(failureCode('not an error')).toBeUndefined();
  });
});

describe('mayRetry', () => {
  it.each([
    ['POST', 'ECONNREFUSED', true],
    ['POST', 'UND_ERR_CONNECT_TIMEOUT', true],
    ['PATCH', 'ENOTFOUND', true],
    ['POST', 'ECONNRESET', false],
    ['POST', 'UND_ERR_SOCKET', false],
    ['GET', 'ECONNRESET', true],
    ['GET', 'UND_ERR_SOCKET', true],
    ['GET', undefined, true],
    ['GET', 'UND_ERR_HEADERS_TIMEOUT', false],
    ['DELETE', 'ECONNRESET', false],
  ])('%s after %s: %s', (method, code, expected) => {
    expect(mayRetry(method, code)).toBe(expected);
  });
});

describe('isConnectFailure', () => {
  it('covers refusals and unreachable hosts only', () => {
    expect(isConnectFailure('ECONNREFUSED')).toBe(true);
    expect(isConnectFailure('EHOSTUNREACH')).toBe(true);
    expect(isConnectFailure('ECONNRESET')).toBe(false);
    expect(isConnectFailure(undefined)).toBe(false);
  });
});
