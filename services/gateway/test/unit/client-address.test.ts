import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver, upstreamHeaders } from '../../src/client-address.ts';

function incoming(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    connection: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('createClientAddressResolver', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    const resolve = createClientAddressResolver([]);

    expect(resolve(incoming('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
  });

  it('believes a trusted proxy', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);

    expect(resolve(incoming('10.1.2.3', '203.0.113.9'))).toBe('203.0.113.9');
  });

  it('stops at the first untrusted hop', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);

    expect(resolve(incoming('10.1.2.3', '203.0.113.9, 198.51.100.7'))).toBe('198.51.100.7');
  });

  it('ignores the header from an untrusted peer', () => {
    const resolve = createClientAddressResolver(['loopback']);

    expect(resolve(incoming('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
  });
});

describe('upstreamHeaders', () => {
  const incomingHeaders = {
    authorization: 'Bearer abc',
    'content-type': 'application/json',
    forwarded: 'for=203.0.113.9',
    'x-forwarded-for': '203.0.113.9',
    'x-forwarded-host': 'evil.test',
    'x-forwarded-proto': 'https',
    'x-forwarded-port': '443',
    'x-real-ip': '203.0.113.9',
    'x-request-id': 'client-id',
  };

  it('keeps the ordinary headers', () => {
    const headers = upstreamHeaders(incomingHeaders, '198.51.100.7', 'req-1');

    expect(headers.authorization).toBe('Bearer abc');
    expect(headers['content-type']).toBe('application/json');
  });

  it('replaces the forwarding headers', () => {
    const headers = upstreamHeaders(incomingHeaders, '198.51.100.7', 'req-1');

    expect(headers['x-forwarded-for']).toBe('198.51.100.7');
    expect(headers['x-request-id']).toBe('req-1');
    for (const name of [
      'forwarded',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-forwarded-port',
      'x-real-ip',
    ]) {
      expect(headers, name).not.toHaveProperty(name);
    }
  });

  it('leaves its input unchanged', () => {
    upstreamHeaders(incomingHeaders, '198.51.100.7', 'req-1');

    expect(incomingHeaders['x-forwarded-host']).toBe('evil.test');
  });
});
